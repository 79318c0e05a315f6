package io.tokenmonitor.bridge.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmonitor.bridge.state.StateStore;
import io.tokenmonitor.bridge.testing.GatewayDatabase;
import io.tokenmonitor.bridge.testing.GatewayDatabase.Flavor;
import io.tokenmonitor.bridge.testing.GatewayDatabase.Kind;
import io.tokenmonitor.bridge.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The breaker run by a user holding exactly the grants the README documents: column grants that leave out
 * {@code channels.key}, so the user cannot read the upstream API keys.
 */
class BreakerGrantsIT {
    private static final String PASSWORD = "breaker-pw";

    /** The README's statements, verbatim; {@code new-api}, {@code tm_breaker} and '…' are replaced per test. */
    static final List<String> MYSQL_NEW_API = List.of(
            "CREATE USER 'tm_breaker'@'%' IDENTIFIED BY '…';",
            "GRANT SELECT (id, status, other_info), UPDATE (status, other_info) ON `new-api`.channels TO 'tm_breaker'@'%';",
            "GRANT SELECT (channel_id), UPDATE (enabled) ON `new-api`.abilities TO 'tm_breaker'@'%';");
    static final List<String> MYSQL_ONE_API = List.of(
            "CREATE USER 'tm_breaker'@'%' IDENTIFIED BY '…';",
            "GRANT SELECT (id, status), UPDATE (status) ON `one-api`.channels TO 'tm_breaker'@'%';",
            "GRANT SELECT (channel_id), UPDATE (enabled) ON `one-api`.abilities TO 'tm_breaker'@'%';");
    static final List<String> POSTGRES_NEW_API = List.of(
            "CREATE ROLE tm_breaker LOGIN PASSWORD '…';",
            "GRANT CONNECT ON DATABASE \"new-api\" TO tm_breaker;",
            "GRANT USAGE ON SCHEMA public TO tm_breaker;",
            "GRANT SELECT (id, status, other_info), UPDATE (status, other_info) ON channels TO tm_breaker;",
            "GRANT SELECT (channel_id), UPDATE (enabled) ON abilities TO tm_breaker;");
    static final List<String> POSTGRES_ONE_API = List.of(
            "CREATE ROLE tm_breaker LOGIN PASSWORD '…';",
            "GRANT CONNECT ON DATABASE \"one-api\" TO tm_breaker;",
            "GRANT USAGE ON SCHEMA public TO tm_breaker;",
            "GRANT SELECT (id, status), UPDATE (status) ON channels TO tm_breaker;",
            "GRANT SELECT (channel_id), UPDATE (enabled) ON abilities TO tm_breaker;");

    abstract static class Contract {
        @TempDir
        Path dir;
        final MutableClock clock = MutableClock.at("2026-11-30T02:00:00Z");
        GatewayDatabase gateway;
        StateStore state;
        String user;

        abstract Kind kind();

        abstract Flavor flavor();

        @BeforeEach
        void create() throws Exception {
            gateway = GatewayDatabase.create(kind(), flavor(), dir);
            state = StateStore.open(dir.resolve("bridge.db"));
            gateway.addChannel(1, 1, "default", "gpt-4o", "gpt-4o-mini");
            gateway.addChannel(2, 1, "vip", "claude-3");
            user = gateway.name() + "_brk";
            List<String> grants = kind() == Kind.MARIADB
                    ? (flavor() == Flavor.NEW_API ? MYSQL_NEW_API : MYSQL_ONE_API)
                    : (flavor() == Flavor.NEW_API ? POSTGRES_NEW_API : POSTGRES_ONE_API);
            gateway.execute(grants.stream()
                    .map(sql -> sql.replace("new-api", gateway.name()).replace("one-api", gateway.name())
                            .replace("tm_breaker", user).replace("…", PASSWORD).replaceAll(";$", ""))
                    .toArray(String[]::new));
        }

        @AfterEach
        void drop() throws Exception {
            state.close();
            // A PostgreSQL role is dropped with its grants (DROP OWNED revokes them, also CONNECT on the database).
            gateway.execute(kind() == Kind.MARIADB ? new String[] {"DROP USER IF EXISTS '" + user + "'@'%'"}
                    : new String[] {"DROP OWNED BY " + user, "DROP ROLE " + user});
            gateway.close();
        }

        String dsn() {
            return kind() == Kind.MARIADB
                    ? user + ":" + PASSWORD + "@tcp(127.0.0.1:3306)/" + gateway.name() + "?charset=utf8mb4&parseTime=True&loc=Local"
                    : "postgres://" + user + ":" + PASSWORD + "@127.0.0.1:5432/" + gateway.name() + "?sslmode=disable";
        }

        ChannelBreaker breaker() {
            return new ChannelBreaker(GatewayDsn.parse(dsn()), state, new BreakerAudit(), false, 3, clock, new ObjectMapper());
        }

        @Test
        void givenTheDocumentedGrants_whenTheUserReadsChannelKeys_thenTheDatabaseRefuses() {
            GatewayDsn parsed = GatewayDsn.parse(dsn());
            String quoted = kind() == Kind.MARIADB ? "`key`" : "\"key\"";
            assertThatThrownBy(() -> {
                try (var c = DriverManager.getConnection(parsed.jdbcUrl(), parsed.user().orElseThrow(), parsed.password().orElseThrow());
                     var st = c.createStatement()) {
                    st.executeQuery("SELECT " + quoted + " FROM channels WHERE id = 1").close();
                }
            }).isInstanceOf(SQLException.class);
        }

        @Test
        void givenColumnGrantsWithoutKey_whenTripped_thenChannelAndAbilitiesDisabled() throws Exception {
            BreakerOutcome outcome = breaker().trip(1, "fp1", "Test");
            assertThat(outcome.result()).as(outcome.detail()).isEqualTo(BreakerOutcome.Result.DISABLED);
            assertThat(gateway.status(1)).isEqualTo(2);
            assertThat(gateway.abilitiesEnabled(1)).containsExactly(false, false);
            assertThat(gateway.abilitiesEnabled(2)).containsExactly(true);
            if (flavor() == Flavor.NEW_API) {
                assertThat(gateway.otherInfo(1)).contains("\"keep\":\"me\"")
                        .contains("\"status_reason\":\"token-monitor breaker: alert Test (fp1)\"");
            }
        }

        @Test
        void givenColumnGrantsWithoutKey_whenTrippedTwiceAndEnabled_thenIdempotentAndReEnabled() throws Exception {
            ChannelBreaker breaker = breaker();
            breaker.trip(1, "fp1", "Test");
            assertThat(breaker.trip(1, "fp1", "Test").result()).isEqualTo(BreakerOutcome.Result.ALREADY_DISABLED);
            BreakerOutcome enabled = breaker.enable(1);
            assertThat(enabled.result()).as(enabled.detail()).isEqualTo(BreakerOutcome.Result.ENABLED);
            assertThat(gateway.status(1)).isEqualTo(1);
            assertThat(gateway.abilitiesEnabled(1)).containsExactly(true, true);
        }
    }

    @Nested
    class MariaDbNewApi extends Contract {
        Kind kind() { return Kind.MARIADB; }
        Flavor flavor() { return Flavor.NEW_API; }
    }

    @Nested
    class MariaDbOneApi extends Contract {
        Kind kind() { return Kind.MARIADB; }
        Flavor flavor() { return Flavor.ONE_API; }
    }

    @Nested
    class PostgresNewApi extends Contract {
        Kind kind() { return Kind.POSTGRES; }
        Flavor flavor() { return Flavor.NEW_API; }
    }

    @Nested
    class PostgresOneApi extends Contract {
        Kind kind() { return Kind.POSTGRES; }
        Flavor flavor() { return Flavor.ONE_API; }
    }

    @Test
    void theBridgeReadmeShowsExactlyTheseGrants() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (List<String> grants : List.of(MYSQL_NEW_API, MYSQL_ONE_API, POSTGRES_NEW_API, POSTGRES_ONE_API)) {
            assertThat(readme).contains(grants);
        }
    }
}
