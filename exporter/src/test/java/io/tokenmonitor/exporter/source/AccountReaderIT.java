package io.tokenmonitor.exporter.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.testing.DbUser;
import io.tokenmonitor.common.testing.GatewayDatabase;
import io.tokenmonitor.common.testing.GatewayDatabase.Flavor;
import io.tokenmonitor.exporter.model.Token;
import io.tokenmonitor.exporter.model.User;
import io.tokenmonitor.exporter.testing.GatewayAccounts;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reader on real MariaDB and PostgreSQL databases of both gateways, as a database user holding exactly the
 * documented column grants (none on tokens.key, users.password, users.access_token, users.email), and on SQLite.
 */
class AccountReaderIT {

    @TempDir
    Path dir;

    static Stream<Arguments> servers() {
        return Stream.of(
                Arguments.of(Dialect.MYSQL, Flavor.NEW_API),
                Arguments.of(Dialect.MYSQL, Flavor.ONE_API),
                Arguments.of(Dialect.POSTGRES, Flavor.NEW_API),
                Arguments.of(Dialect.POSTGRES, Flavor.ONE_API));
    }

    static Stream<Arguments> flavors() {
        return Stream.of(Arguments.of(Flavor.NEW_API), Arguments.of(Flavor.ONE_API));
    }

    @ParameterizedTest
    @MethodSource("servers")
    void givenOnlyTheDocumentedColumnGrants_whenRead_thenEveryKeyAndUserIsReadAsTheGatewayHasIt(
            Dialect dialect, Flavor flavor) throws Exception {
        try (GatewayDatabase db = GatewayDatabase.create(dialect, flavor, dir)) {
            GatewayAccounts accounts = filled(db);
            DbUser reader = db.createUser("accounts", accounts.documentedGrants());
            assertSecretsRefused(db, reader, accounts);

            try (HikariDataSource pool = pool(db.sqlDsnAs(reader))) {
                AccountReader accountReader =
                        new AccountReader(Jdbi.create(pool), SourceDialect.valueOf(dialect.name()), reader.name());

                assertThat(accountReader.readTokens()).isEqualTo(expectedTokens(flavor));
                assertThat(accountReader.readUsers()).isEqualTo(expectedUsers(flavor));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("flavors")
    void givenSqlite_whenRead_thenEveryKeyAndUserIsReadAsTheGatewayHasIt(Flavor flavor) throws Exception {
        try (GatewayDatabase db = GatewayDatabase.create(Dialect.SQLITE, flavor, dir)) {
            filled(db);
            try (HikariDataSource pool = pool(db.sqlDsnWithGatewayOptions())) {
                AccountReader accountReader = new AccountReader(Jdbi.create(pool), SourceDialect.SQLITE, null);

                assertThat(accountReader.readTokens()).isEqualTo(expectedTokens(flavor));
                assertThat(accountReader.readUsers()).isEqualTo(expectedUsers(flavor));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("servers")
    void givenAGrantMissing_whenRead_thenTheErrorSaysWhichGrantToAdd(Dialect dialect, Flavor flavor) throws Exception {
        try (GatewayDatabase db = GatewayDatabase.create(dialect, flavor, dir)) {
            GatewayAccounts accounts = filled(db);
            Map<String, List<String>> grants = Map.of(
                    "tokens", accounts.documentedGrants().get("tokens"),
                    "users", List.of("SELECT (id, username)"));
            DbUser reader = db.createUser("partial", grants);
            try (HikariDataSource pool = pool(db.sqlDsnAs(reader))) {
                AccountReader accountReader =
                        new AccountReader(Jdbi.create(pool), SourceDialect.valueOf(dialect.name()), reader.name());

                assertThat(accountReader.readTokens())
                        .hasSize(expectedTokens(flavor).size());
                String q = accounts.quote("group");
                // MySQL cannot tell a column not granted from a missing one: it names New API's optional one too.
                String columns = "id, username, role, status, " + q + ", quota, used_quota, request_count"
                        + (flavor == Flavor.NEW_API || dialect == Dialect.MYSQL ? ", deleted_at" : "");
                String grant = dialect == Dialect.MYSQL
                        ? "GRANT SELECT (" + columns + ") ON `" + db.name() + "`.users TO '" + reader.name()
                                + "'@'%' (One API: without deleted_at)"
                        : "GRANT SELECT (" + columns + ") ON users TO " + reader.name();
                assertThatThrownBy(accountReader::readUsers)
                        .isInstanceOf(AccountGrantMissing.class)
                        .hasMessageStartingWith("the database user may not read users (")
                        .hasMessageEndingWith("; grant it: " + grant)
                        .hasMessageNotContaining("\n");
            }
        }
    }

    @Test
    void givenPostgresWithoutTheDeletedAtGrant_whenRead_thenItFailsNamingTheGrantRatherThanShowDeletedKeys()
            throws Exception {
        try (GatewayDatabase db = GatewayDatabase.create(Dialect.POSTGRES, Flavor.NEW_API, dir)) {
            GatewayAccounts accounts = filled(db);
            DbUser reader = db.createUser(
                    "nodeleted",
                    Map.of(
                            "tokens",
                            List.of("SELECT (id, user_id, name, status, remain_quota, used_quota, unlimited_quota,"
                                    + " created_time, accessed_time, expired_time, \"group\")"),
                            "users",
                            accounts.documentedGrants().get("users")));
            try (HikariDataSource pool = pool(db.sqlDsnAs(reader))) {
                AccountReader accountReader =
                        new AccountReader(Jdbi.create(pool), SourceDialect.POSTGRES, reader.name());

                assertThatThrownBy(accountReader::readTokens)
                        .isInstanceOf(AccountGrantMissing.class)
                        .hasMessageContaining("permission denied")
                        .hasMessageEndingWith("expired_time, \"group\", deleted_at) ON tokens TO " + reader.name());
            }
        }
    }

    /** Keys and users of every kind the selection tells apart; New API also soft-deleted ones. */
    private static GatewayAccounts filled(GatewayDatabase db) throws SQLException {
        GatewayAccounts accounts = GatewayAccounts.create(db);
        boolean newApi = db.flavor() == Flavor.NEW_API;
        accounts.addToken(1, 1, "生产环境", 1, "vip", 250_000, 750_000, false, -1, false);
        accounts.addToken(2, 2, "ci", 2, "default", 0, 5, true, 1_800_000_000L, false);
        accounts.addToken(3, 1, "exhausted", 4, "", -20, 500_020, false, 1_750_000_000L, false);
        if (newApi) {
            accounts.addToken(4, 1, "deleted", 1, "vip", 10, 0, false, -1, true);
        }
        accounts.addUser(1, "alice", 1, "vip", 1_000_000, 20, false);
        accounts.addUser(2, "bob", 2, "default", 0, 0, false);
        if (newApi) {
            accounts.addUser(3, "carol", 1, "default", 5, 5, true);
        }
        return accounts;
    }

    private static List<Token> expectedTokens(Flavor flavor) {
        boolean newApi = flavor == Flavor.NEW_API;
        List<Token> tokens = new java.util.ArrayList<>(List.of(
                new Token(
                        1,
                        1,
                        "生产环境",
                        1,
                        newApi ? "vip" : "",
                        250_000,
                        750_000,
                        false,
                        1_700_000_001L,
                        1_700_000_101L,
                        -1,
                        false),
                new Token(
                        2,
                        2,
                        "ci",
                        2,
                        newApi ? "default" : "",
                        0,
                        5,
                        true,
                        1_700_000_002L,
                        1_700_000_102L,
                        1_800_000_000L,
                        false),
                new Token(
                        3,
                        1,
                        "exhausted",
                        4,
                        "",
                        -20,
                        500_020,
                        false,
                        1_700_000_003L,
                        1_700_000_103L,
                        1_750_000_000L,
                        false)));
        if (newApi) {
            tokens.add(new Token(4, 1, "deleted", 1, "vip", 10, 0, false, 1_700_000_004L, 1_700_000_104L, -1, true));
        }
        return tokens;
    }

    private static List<User> expectedUsers(Flavor flavor) {
        List<User> users = new java.util.ArrayList<>(List.of(
                new User(1, "alice", 1, 1, "vip", 1_000_000, 20, 10, false),
                new User(2, "bob", 1, 2, "default", 0, 0, 20, false)));
        if (flavor == Flavor.NEW_API) {
            users.add(new User(3, "carol", 1, 1, "default", 5, 5, 30, true));
        }
        return users;
    }

    /** The grants are what they claim: the secret columns are refused to this user. */
    private static void assertSecretsRefused(GatewayDatabase db, DbUser user, GatewayAccounts accounts) {
        String url = db.dialect() == Dialect.MYSQL
                ? "jdbc:mysql://127.0.0.1:3306/" + db.name() + "?allowPublicKeyRetrieval=true&useSSL=false"
                : "jdbc:postgresql://127.0.0.1:5432/" + db.name();
        for (String sql : List.of(
                "SELECT " + accounts.quote("key") + " FROM tokens",
                "SELECT password FROM users",
                "SELECT access_token FROM users",
                "SELECT email FROM users",
                "SELECT display_name FROM users")) {
            assertThatThrownBy(() -> {
                        try (Connection c = DriverManager.getConnection(url, user.name(), user.password());
                                Statement s = c.createStatement()) {
                            s.executeQuery(sql).close();
                        }
                    })
                    .as(sql)
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("denied");
        }
    }

    private static HikariDataSource pool(String sqlDsn) {
        return SourcePool.open("accounts-test", SourceDsn.parse("SQL_DSN", sqlDsn, "unused.db"), null);
    }
}
