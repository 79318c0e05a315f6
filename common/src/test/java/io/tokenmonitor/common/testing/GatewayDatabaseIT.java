package io.tokenmonitor.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmonitor.common.config.Secret;
import io.tokenmonitor.common.gateway.GatewayDsn;
import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.testing.GatewayDatabase.Flavor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The shared fixture against the real engines: every gateway schema it creates takes logs and channels and drops cleanly. */
class GatewayDatabaseIT {
    @TempDir
    Path dir;

    static Stream<Arguments> databases() {
        return Stream.of(Dialect.values())
                .flatMap(d -> Stream.of(Flavor.values()).map(f -> Arguments.of(d, f)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("databases")
    void givenGatewaySchema_whenLogsAndChannelsAreAdded_thenTheyReadBack(Dialect dialect, Flavor flavor)
            throws Exception {
        String name;
        try (GatewayDatabase db = GatewayDatabase.create(dialect, flavor, dir)) {
            name = db.name();
            assertThat(db.dialect()).isEqualTo(dialect);
            assertThat(db.flavor()).isEqualTo(flavor);
            db.insert(List.of(
                    TestLog.consume(1_000, 1, "gpt-4o", 100, 50, 300),
                    TestLog.consume(1_001, 1, "gpt-4o", 10, 5, 30),
                    TestLog.consume(1_002, 2, "m", 1, 1, 1).withType(5)));
            db.addConsumeLogs(3, "gpt-4o-mini", 4, 100, 50, 2_000);
            assertThat(db.maxId()).isEqualTo(7);
            Map<String, Usage> usage = db.usageByGroupBy(0);
            assertThat(usage.get("1|gpt-4o")).isEqualTo(new Usage(2, 110, 55, 330, 0));
            assertThat(usage.get("3|gpt-4o-mini")).isEqualTo(new Usage(4, 400, 200, 600, 0));
            assertThat(db.usageByGroupBy(6)).containsOnlyKeys("3|gpt-4o-mini");

            db.addChannel(1, 1, "default", "gpt-4o", "gpt-4o-mini");
            db.addChannel(2, "beta", List.of("m"));
            db.addChannel(3, "gamma", 2, "vip", List.of("m"));
            assertThat(db.status(1)).isEqualTo(1);
            assertThat(db.channelStatus(3)).isEqualTo(2);
            assertThat(db.abilitiesEnabled(1)).containsExactly(true, true);
            assertThat(db.abilitiesEnabled(3)).containsExactly(false);
            if (flavor == Flavor.NEW_API) {
                assertThat(db.otherInfo(1)).isEqualTo("{\"keep\":\"me\"}");
            }
            assertThat(db.execute("UPDATE channels SET status = 2 WHERE id = 2"))
                    .isEqualTo(1);
            assertThat(db.status(2)).isEqualTo(2);

            // The DSNs it hands out read with the shared parser and reach this database.
            for (String text : dialect == Dialect.SQLITE
                    ? List.of(db.sqlDsn(), db.sqlDsnWithGatewayOptions())
                    : List.of(
                            db.sqlDsn(),
                            db.sqlDsnVia(dialect == Dialect.MYSQL ? "127.0.0.1:3306" : "127.0.0.1:5432"))) {
                GatewayDsn dsn = GatewayDsn.parse("SQL_DSN", text, null);
                try (Connection c = DriverManager.getConnection(
                                dsn.jdbcUrl(),
                                dsn.user().orElse(null),
                                dsn.password().map(Secret::value).orElse(""));
                        Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM channels")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(3);
                }
            }
        }
        if (dialect == Dialect.SQLITE) {
            assertThat(Files.exists(dir.resolve(name + ".db"))).isFalse();
        } else {
            String url = dialect == Dialect.MYSQL
                    ? "jdbc:mysql://127.0.0.1:3306/" + name + "?allowPublicKeyRetrieval=true&useSSL=false"
                    : "jdbc:postgresql://127.0.0.1:5432/" + name;
            assertThatThrownBy(
                            () -> DriverManager.getConnection(url, dialect == Dialect.MYSQL ? "root" : "postgres", "")
                                    .close())
                    .as("dropped on close")
                    .isInstanceOf(SQLException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void givenRestrictedUser_whenConnecting_thenOnlyTheGrantedStatementsWork(Dialect dialect) throws Exception {
        try (GatewayDatabase db = GatewayDatabase.create(dialect, Flavor.NEW_API, dir)) {
            db.addChannel(1, 1, "default", "gpt-4o");
            DbUser reader = db.createUser("reader", Map.of("logs", List.of("SELECT"), "channels", List.of("SELECT")));
            DbUser breaker = db.createUser(
                    "breaker",
                    Map.of("channels", List.of("SELECT", "UPDATE"), "abilities", List.of("SELECT", "UPDATE")));
            GatewayDsn readerDsn = GatewayDsn.parse("SQL_DSN", db.sqlDsnAs(reader), null);
            assertThat(readerDsn.user()).contains(reader.name());
            try (Connection c = DriverManager.getConnection(readerDsn.jdbcUrl(), reader.name(), reader.password());
                    Statement s = c.createStatement()) {
                s.executeQuery("SELECT COUNT(*) FROM logs").close();
                s.executeQuery("SELECT COUNT(*) FROM channels").close();
                assertThatThrownBy(() -> s.executeUpdate("UPDATE channels SET status = 2"))
                        .isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> s.executeQuery("SELECT * FROM options"))
                        .isInstanceOf(SQLException.class);
            }
            GatewayDsn breakerDsn = GatewayDsn.parse("SQL_DSN", db.sqlDsnAs(breaker), null);
            try (Connection c = DriverManager.getConnection(breakerDsn.jdbcUrl(), breaker.name(), breaker.password());
                    Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("UPDATE channels SET status = 2 WHERE id = 1"))
                        .isEqualTo(1);
                assertThatThrownBy(() -> s.executeQuery("SELECT * FROM logs")).isInstanceOf(SQLException.class);
            }
            assertThat(db.status(1)).isEqualTo(2);
        }
    }

    static Stream<Dialect> servers() {
        return Stream.of(Dialect.MYSQL, Dialect.POSTGRES);
    }
}
