package io.tokenmonitor.exporter.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.tokenmonitor.exporter.account.AccountSelection;
import io.tokenmonitor.exporter.account.AccountState;
import io.tokenmonitor.exporter.model.AccountThresholds;
import io.tokenmonitor.exporter.source.AccountReader;
import io.tokenmonitor.exporter.source.SourceDialect;
import io.tokenmonitor.exporter.source.SourceDsn;
import io.tokenmonitor.exporter.source.SourcePool;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --demo} shows the account series: keys low on quota and about to expire, and low users. */
class DemoAccountsTest {

    @TempDir
    Path dir;

    @Test
    void givenTheDemoGateway_whenItsAccountsAreSelected_thenSomeAreLowAndSomeExpire() throws Exception {
        Path file = dir.resolve("demo.db");
        DemoGateway.createOrReuse(file);

        AccountSelection selection = select(file);
        assertThat(selection.lowTokens()).isEqualTo(2);
        assertThat(selection.expiringTokens()).isEqualTo(2);
        assertThat(selection.lowUsers()).isEqualTo(2);
        assertThat(selection.tokensByStatus()).containsExactly(5L, 1L, 0L, 1L);
    }

    @Test
    void givenADemoFileFromBeforeTheAccounts_whenReused_thenItGetsThem() throws Exception {
        Path file = dir.resolve("old-demo.db");
        DemoGateway gateway = DemoGateway.createOrReuse(file);
        try (Connection c = gateway.connect();
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE tokens");
            s.execute("DROP TABLE users");
        }

        DemoGateway.createOrReuse(file);
        assertThat(select(file).lowTokens()).isEqualTo(2);
    }

    private static AccountSelection select(Path file) {
        try (HikariDataSource pool = SourcePool.open("demo-test", SourceDsn.sqlite(file), null)) {
            AccountReader reader = new AccountReader(Jdbi.create(pool), SourceDialect.SQLITE, null);
            AccountState state = new AccountState(reader.readTokens(), reader.readUsers(), 1);
            return AccountSelection.of(state, AccountThresholds.DEFAULT, 500_000, System.currentTimeMillis() / 1000);
        }
    }
}
