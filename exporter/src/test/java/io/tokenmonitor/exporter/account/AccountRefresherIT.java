package io.tokenmonitor.exporter.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.testing.GatewayDatabase;
import io.tokenmonitor.common.testing.GatewayDatabase.Flavor;
import io.tokenmonitor.exporter.model.Token;
import io.tokenmonitor.exporter.source.AccountReader;
import io.tokenmonitor.exporter.source.SourceDialect;
import io.tokenmonitor.exporter.source.SourceDsn;
import io.tokenmonitor.exporter.source.SourcePool;
import io.tokenmonitor.exporter.store.Store;
import io.tokenmonitor.exporter.testing.GatewayAccounts;
import io.tokenmonitor.exporter.testing.StoreSql;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The refresher on a real SQLite gateway and a real store: the store's copy follows the gateway writing only the
 * rows that changed (a trigger in the store file counts every write), and a failing read keeps the last good state
 * and is logged once.
 */
class AccountRefresherIT {

    @TempDir
    Path dir;

    private GatewayDatabase gateway;
    private GatewayAccounts accounts;
    private HikariDataSource pool;
    private Path storeFile;

    @BeforeEach
    void setUp() throws Exception {
        gateway = GatewayDatabase.create(Dialect.SQLITE, Flavor.NEW_API, dir);
        accounts = GatewayAccounts.create(gateway);
        accounts.addUser(1, "alice", 1, "vip", 1_000_000, 0, false);
        accounts.addUser(2, "bob", 1, "default", 400_000, 100_000, false);
        accounts.addToken(1, 1, "prod", 1, "vip", 250_000, 750_000, false, -1, false);
        accounts.addToken(2, 2, "ci", 1, "default", 100, 5, false, -1, false);
        accounts.addToken(3, 2, "old", 2, "default", 0, 0, true, -1, true);
        pool = SourcePool.open("accounts-it", SourceDsn.sqlite(gateway.sqliteFile()), null);
        storeFile = dir.resolve("store.db");
    }

    @AfterEach
    void tearDown() throws Exception {
        pool.close();
        gateway.close();
    }

    @Test
    void givenAGateway_whenRefreshed_thenTheStoreCopyFollowsItWritingOnlyWhatChanged() throws Exception {
        try (Store store = Store.open(storeFile)) {
            countWrites();
            AccountRefresher refresher = refresher(store);

            refresher.refreshOnce();
            assertThat(refresher.state().tokens()).extracting(Token::name).containsExactly("prod", "ci", "old");
            assertThat(store.loadTokens()).isEqualTo(refresher.state().tokens());
            assertThat(store.loadUsers()).isEqualTo(refresher.state().users());
            assertThat(StoreSql.one(storeFile, "SELECT deleted FROM tokens WHERE id = 3"))
                    .isOne();
            assertThat(writes()).as("first read: every row").isEqualTo(5);

            refresher.refreshOnce();
            assertThat(writes()).as("unchanged: no row rewritten").isEqualTo(5);

            accounts.execute(
                    "UPDATE tokens SET remain_quota = remain_quota - 7, used_quota = used_quota + 7 WHERE id = 1",
                    "DELETE FROM tokens WHERE id = 3",
                    "UPDATE users SET status = 2 WHERE id = 2");
            refresher.refreshOnce();
            assertThat(writes())
                    .as("one key changed, one gone, one user changed")
                    .isEqualTo(8);
            assertThat(StoreSql.longs(storeFile, "SELECT remain_quota FROM tokens ORDER BY id"))
                    .containsExactly(249_993L, 100L);
            assertThat(StoreSql.one(storeFile, "SELECT status FROM users WHERE id = 2"))
                    .isEqualTo(2);
        }
        try (Store reopened = Store.open(storeFile)) {
            AccountRefresher afterRestart = refresher(reopened);
            afterRestart.refreshOnce();
            assertThat(afterRestart.state().loaded()).isTrue();
            assertThat(writes())
                    .as("a restart on an unchanged gateway rewrites nothing")
                    .isEqualTo(8);
        }
    }

    @Test
    void givenTheReadFails_whenRefreshed_thenTheLastGoodStateStaysAndTheFailureIsLoggedOnce() throws Exception {
        try (Store store = Store.open(storeFile)) {
            AccountRefresher refresher = refresher(store);
            refresher.refreshOnce();
            AccountState good = refresher.state();
            List<Token> stored = store.loadTokens();

            accounts.execute("ALTER TABLE tokens RENAME TO tokens_away");
            String log = stderrOf(() -> {
                refresher.refreshOnce();
                refresher.refreshOnce();
                refresher.refreshOnce();
            });
            assertThat(refresher.state()).isSameAs(good);
            assertThat(store.loadTokens()).isEqualTo(stored);
            assertThat(lines(log, "accounts: reading the gateway's tokens and users failed"))
                    .singleElement()
                    .asString()
                    .contains("no such table: tokens")
                    .contains("keeping the last known keys and users, retrying every 60s");

            accounts.execute(
                    "ALTER TABLE tokens_away RENAME TO tokens", "UPDATE tokens SET name = 'renamed' WHERE id = 2");
            String recovered = stderrOf(refresher::refreshOnce);
            assertThat(lines(recovered, "works again")).hasSize(1);
            assertThat(refresher.state().tokens()).extracting(Token::name).contains("renamed");
            assertThat(store.loadTokens()).extracting(Token::name).contains("renamed");
        }
    }

    private AccountRefresher refresher(Store store) {
        return new AccountRefresher(
                new AccountReader(Jdbi.create(pool), SourceDialect.SQLITE, null),
                store,
                Duration.ofSeconds(60),
                Clock.systemUTC());
    }

    /** A trigger per table and kind of write, counting into a table of the test's own. */
    private void countWrites() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + storeFile);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE test_writes (n INTEGER)");
            for (String table : List.of("tokens", "users")) {
                for (String kind : List.of("INSERT", "UPDATE", "DELETE")) {
                    s.execute("CREATE TRIGGER test_" + table + "_" + kind + " AFTER " + kind + " ON " + table
                            + " BEGIN INSERT INTO test_writes VALUES (1); END");
                }
            }
        }
    }

    private long writes() {
        return StoreSql.one(storeFile, "SELECT COUNT(*) FROM test_writes");
    }

    private static List<String> lines(String log, String containing) {
        return Arrays.stream(log.split("\n"))
                .filter(l -> l.contains(containing))
                .toList();
    }

    /** What the loggers write to stderr while {@code action} runs (slf4j-simple looks up System.err on each line). */
    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
