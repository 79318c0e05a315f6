package io.tokenmonitor.bridge.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmonitor.bridge.state.StateStore;
import io.tokenmonitor.bridge.testing.MutableClock;
import io.tokenmonitor.common.gateway.GatewayDsn;
import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.testing.GatewayDatabase;
import io.tokenmonitor.common.testing.GatewayDatabase.Flavor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The breaker against real MariaDB, PostgreSQL and SQLite gateway databases with New API and One API schemas; on
 * MariaDB and PostgreSQL every test runs again as a user with exactly the column grants the README documents.
 */
class BreakerIT {
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
        private static final ObjectMapper JSON = new ObjectMapper();

        @TempDir
        Path dir;

        final MutableClock clock = MutableClock.at("2026-11-30T02:00:00Z");
        GatewayDatabase gateway;
        StateStore state;

        abstract Dialect kind();

        abstract Flavor flavor();

        @BeforeEach
        void create() throws Exception {
            gateway = GatewayDatabase.create(kind(), flavor(), dir);
            state = StateStore.open(dir.resolve("bridge.db"));
            gateway.addChannel(1, 1, "default", "gpt-4o", "gpt-4o-mini");
            gateway.addChannel(2, 1, "vip", "claude-3");
            gateway.addChannel(3, 2, "default", "gpt-4o"); // disabled by an admin, not by the breaker
        }

        @AfterEach
        void drop() throws Exception {
            state.close();
            gateway.close();
        }

        /** SQL_DSN of the user the breaker connects as. */
        String breakerDsn() {
            return gateway.sqlDsn();
        }

        ChannelBreaker breaker(boolean dryRun, int maxPerHour) {
            return breaker(dryRun, maxPerHour, Optional.empty());
        }

        ChannelBreaker breaker(boolean dryRun, int maxPerHour, Optional<String> gatewayLabel) {
            BreakerLimit limit = new BreakerLimit(maxPerHour, BreakerSettings.DEFAULT_CHANNEL_INTERVAL);
            return new ChannelBreaker(new Breaker(
                    GatewayDsn.parse("SQL_DSN", breakerDsn(), null),
                    state,
                    new BreakerAudit(),
                    dryRun,
                    Map.of(Target.Kind.CHANNEL, limit, Target.Kind.TOKEN, limit, Target.Kind.USER, limit),
                    Set.of("Test"),
                    gatewayLabel,
                    clock,
                    JSON));
        }

        /** The channel breaker's former interface, so the channel tests read as they did before keys and users. */
        record ChannelBreaker(Breaker breaker) {
            BreakerOutcome trip(long channelId, String alertKey, String alertName) {
                return breaker.trip(Target.channel(channelId), alertKey, alertName);
            }

            BreakerOutcome enable(long channelId) {
                return breaker.enable(Target.channel(channelId));
            }
        }

        List<String> audit() {
            return state.read(h -> h.createQuery(
                            "SELECT action || ' ' || target_id || ' ' || result || ' ' || coalesce(status_before, -1) "
                                    + "|| '->' || coalesce(status_after, -1) FROM breaker_audit ORDER BY id")
                    .mapTo(String.class)
                    .list());
        }

        @Test
        void givenEnabledChannel_whenTripped_thenStatus2AndAbilitiesDisabledAndAudited() throws Exception {
            BreakerOutcome outcome = breaker(false, 3).trip(1, "fp1", "Test");
            assertThat(outcome.result()).isEqualTo(BreakerOutcome.Result.DISABLED);
            assertThat(gateway.status(1)).isEqualTo(2);
            assertThat(gateway.abilitiesEnabled(1)).containsExactly(false, false);
            assertThat(gateway.abilitiesEnabled(2)).containsExactly(true);
            if (flavor() == Flavor.NEW_API) {
                assertThat(gateway.otherInfo(1))
                        .contains("\"keep\":\"me\"")
                        .contains("\"status_reason\":\"token-monitor breaker: alert Test (fp1)\"")
                        .contains("\"status_time\":" + clock.instant().getEpochSecond());
            }
            assertThat(audit()).containsExactly("disable 1 disabled 1->2");
        }

        @Test
        void givenChannelAlreadyDisabled_whenTrippedAgain_thenNothingChangesAndBothAttemptsAudited() throws Exception {
            ChannelBreaker breaker = breaker(false, 3);
            breaker.trip(1, "fp1", "Test");
            BreakerOutcome second = breaker.trip(1, "fp1", "Test");
            assertThat(second.result()).isEqualTo(BreakerOutcome.Result.ALREADY_DISABLED);
            assertThat(gateway.status(1)).isEqualTo(2);
            assertThat(audit()).containsExactly("disable 1 disabled 1->2", "disable 1 already_disabled 2->2");
        }

        @Test
        void givenHourlyLimitReached_whenAnotherChannelTrips_thenRateLimitedAndUntouched() throws Exception {
            ChannelBreaker breaker = breaker(false, 1);
            breaker.trip(1, "fp1", "Test");
            clock.advance(Duration.ofMinutes(59));
            assertThat(breaker.trip(2, "fp2", "Test").result()).isEqualTo(BreakerOutcome.Result.RATE_LIMITED);
            assertThat(gateway.status(2)).isEqualTo(1);
            assertThat(gateway.abilitiesEnabled(2)).containsExactly(true);
            clock.advance(Duration.ofMinutes(2));
            assertThat(breaker.trip(2, "fp2", "Test").result()).isEqualTo(BreakerOutcome.Result.DISABLED);
        }

        @Test
        void givenDryRun_whenTripped_thenReportsButChangesNothing() throws Exception {
            BreakerOutcome outcome = breaker(true, 3).trip(1, "fp1", "Test");
            assertThat(outcome.result()).isEqualTo(BreakerOutcome.Result.DRY_RUN);
            assertThat(gateway.status(1)).isEqualTo(1);
            assertThat(gateway.abilitiesEnabled(1)).containsExactly(true, true);
            assertThat(audit()).containsExactly("disable 1 dry_run 1->1");
        }

        @Test
        void givenAbilitiesUpdateFails_whenTripped_thenChannelStatusIsRolledBack() throws Exception {
            gateway.execute("DROP TABLE abilities");
            BreakerOutcome outcome = breaker(false, 3).trip(1, "fp1", "Test");
            assertThat(outcome.result()).isEqualTo(BreakerOutcome.Result.FAILED);
            assertThat(gateway.status(1))
                    .as("one transaction: no half-done breaker")
                    .isEqualTo(1);
            assertThat(audit()).containsExactly("disable 1 failed 1->1");
        }

        @Test
        void givenAlertNameNotOnTheList_whenTripped_thenRefusedUntouchedAndAudited() throws Exception {
            BreakerOutcome outcome = breaker(false, 3).trip(1, "fp1", "MadeUpAlert");
            assertThat(outcome.result().label()).isEqualTo("not_allowed");
            assertThat(gateway.status(1)).isEqualTo(1);
            assertThat(gateway.abilitiesEnabled(1)).containsExactly(true, true);
            assertThat(audit()).containsExactly("disable 1 not_allowed -1->-1");
        }

        /**
         * A fleet's alerts share one Alertmanager and channel ids are per gateway: with breaker.gateway set, an alert
         * from another gateway (or with no gateway label) must not switch off this gateway's channel of the same id.
         */
        @Test
        void givenBreakerOfGatewayA_whenAnAlertOfAnotherGatewayAsksForChannel1_thenRefusedUntouchedAndAudited()
                throws Exception {
            Breaker breaker = breaker(false, 3, Optional.of("a")).breaker();
            BreakerOutcome fromB = breaker.trip(Target.channel(1), "fp1", "Test", Optional.of("b"));
            assertThat(fromB.result().label()).isEqualTo("other_gateway");
            assertThat(fromB.detail()).contains("gateway \"b\"", "gateway \"a\" only (breaker.gateway)");
            BreakerOutcome unlabelled = breaker.trip(Target.channel(1), "fp2", "Test", Optional.empty());
            assertThat(unlabelled.result()).isEqualTo(BreakerOutcome.Result.OTHER_GATEWAY);
            assertThat(gateway.status(1)).isEqualTo(1);
            assertThat(gateway.abilitiesEnabled(1)).containsExactly(true, true);
            assertThat(breaker.trip(Target.channel(1), "fp3", "Test", Optional.of("a"))
                            .result())
                    .as("its own gateway's alert")
                    .isEqualTo(BreakerOutcome.Result.DISABLED);
            assertThat(gateway.status(1)).isEqualTo(2);
            assertThat(audit())
                    .containsExactly(
                            "disable 1 other_gateway -1->-1",
                            "disable 1 other_gateway -1->-1",
                            "disable 1 disabled 1->2");
        }

        @Test
        void givenChannelDisabledAndReEnabled_whenTrippedAgainWithinTheChannelInterval_thenRateLimited()
                throws Exception {
            ChannelBreaker breaker = breaker(false, 3);
            assertThat(breaker.trip(1, "fp1", "Test").result()).isEqualTo(BreakerOutcome.Result.DISABLED);
            assertThat(breaker.enable(1).result()).isEqualTo(BreakerOutcome.Result.ENABLED);
            clock.advance(Duration.ofHours(2));
            BreakerOutcome again = breaker.trip(1, "fp1", "Test");
            assertThat(again.result())
                    .as("one channel at most once per breaker.channel_interval (6h)")
                    .isEqualTo(BreakerOutcome.Result.RATE_LIMITED);
            assertThat(again.detail()).contains("breaker.channel_interval");
            assertThat(gateway.status(1)).isEqualTo(1);
            clock.advance(Duration.ofHours(4).plusMinutes(1));
            assertThat(breaker.trip(1, "fp1", "Test").result()).isEqualTo(BreakerOutcome.Result.DISABLED);
            assertThat(audit())
                    .containsExactly(
                            "disable 1 disabled 1->2",
                            "enable 1 enabled 2->1",
                            "disable 1 rate_limited 1->1",
                            "disable 1 disabled 1->2");
        }

        /**
         * The outcome cannot be written to bridge.db after the gateway committed (as if the bridge died between the
         * two): a trigger in bridge.db refuses it. After the "restart" the audit must still say the breaker disabled
         * the channel, so that enable-channel may re-enable it and the limits count it.
         */
        @Test
        void givenCrashBetweenTheGatewayCommitAndTheAudit_whenRestarted_thenAuditedAsDisabledAndEnableWorks()
                throws Exception {
            String[] crash = {
                "CREATE TRIGGER crash_insert BEFORE INSERT ON breaker_audit WHEN NEW.result = 'disabled'"
                        + " BEGIN SELECT RAISE(ABORT, 'simulated crash'); END",
                "CREATE TRIGGER crash_update BEFORE UPDATE ON breaker_audit WHEN NEW.result = 'disabled'"
                        + " BEGIN SELECT RAISE(ABORT, 'simulated crash'); END"
            };
            state.write(h -> {
                for (String sql : crash) {
                    h.execute(sql);
                }
                return null;
            });
            assertThatThrownBy(() -> breaker(false, 3).trip(1, "fp1", "Test"))
                    .hasStackTraceContaining("simulated crash");
            assertThat(gateway.status(1)).as("the gateway committed").isEqualTo(2);
            state.write(h -> {
                h.execute("DROP TRIGGER crash_insert");
                h.execute("DROP TRIGGER crash_update");
                return null;
            });
            clock.advance(Duration.ofMinutes(5));

            ChannelBreaker restarted = breaker(false, 3);
            assertThat(restarted.enable(1).result()).isEqualTo(BreakerOutcome.Result.ENABLED);
            assertThat(gateway.status(1)).isEqualTo(1);
            assertThat(audit()).containsExactly("disable 1 disabled 1->2", "enable 1 enabled 2->1");
        }

        /** The same crash, but the gateway transaction never committed: the intent is closed as failed. */
        @Test
        void givenCrashBeforeTheGatewayCommitted_whenRestarted_thenAuditedAsFailed() throws Exception {
            gateway.execute("DROP TABLE abilities");
            state.write(h -> {
                h.execute("CREATE TRIGGER crash_update BEFORE UPDATE ON breaker_audit"
                        + " BEGIN SELECT RAISE(ABORT, 'simulated crash'); END");
                return null;
            });
            assertThatThrownBy(() -> breaker(false, 3).trip(1, "fp1", "Test"))
                    .hasStackTraceContaining("simulated crash");
            state.write(h -> {
                h.execute("DROP TRIGGER crash_update");
                return null;
            });
            clock.advance(Duration.ofMinutes(5));
            assertThat(breaker(false, 3).enable(1).result())
                    .as("not disabled, so not the breaker's to enable")
                    .isEqualTo(BreakerOutcome.Result.REFUSED);
            assertThat(gateway.status(1)).isEqualTo(1);
            assertThat(audit()).containsExactly("disable 1 failed 1->1", "enable 1 refused -1->-1");
        }

        @Test
        void givenUnknownChannel_whenTripped_thenNotFound() {
            assertThat(breaker(false, 3).trip(99, "fp99", "Test").result()).isEqualTo(BreakerOutcome.Result.NOT_FOUND);
        }

        @Test
        void givenChannelTheBreakerDisabled_whenEnabled_thenStatus1AndAbilitiesBack() throws Exception {
            ChannelBreaker breaker = breaker(false, 3);
            breaker.trip(1, "fp1", "Test");
            assertThat(breaker.enable(1).result()).isEqualTo(BreakerOutcome.Result.ENABLED);
            assertThat(gateway.status(1)).isEqualTo(1);
            assertThat(gateway.abilitiesEnabled(1)).containsExactly(true, true);
            assertThat(breaker.enable(1).result())
                    .as("only once per breaker action")
                    .isEqualTo(BreakerOutcome.Result.REFUSED);
        }

        @Test
        void givenChannelDisabledByAnAdmin_whenEnabled_thenRefusedAndUnchanged() throws Exception {
            BreakerOutcome outcome = breaker(false, 3).enable(3);
            assertThat(outcome.result()).isEqualTo(BreakerOutcome.Result.REFUSED);
            assertThat(gateway.status(3)).isEqualTo(2);
        }
    }

    @Nested
    class MariaDbNewApi extends Contract {
        Dialect kind() {
            return Dialect.MYSQL;
        }

        Flavor flavor() {
            return Flavor.NEW_API;
        }
    }

    @Nested
    class MariaDbOneApi extends Contract {
        Dialect kind() {
            return Dialect.MYSQL;
        }

        Flavor flavor() {
            return Flavor.ONE_API;
        }
    }

    @Nested
    class PostgresNewApi extends Contract {
        Dialect kind() {
            return Dialect.POSTGRES;
        }

        Flavor flavor() {
            return Flavor.NEW_API;
        }
    }

    @Nested
    class PostgresOneApi extends Contract {
        Dialect kind() {
            return Dialect.POSTGRES;
        }

        Flavor flavor() {
            return Flavor.ONE_API;
        }
    }

    @Nested
    class SqliteNewApi extends Contract {
        Dialect kind() {
            return Dialect.SQLITE;
        }

        Flavor flavor() {
            return Flavor.NEW_API;
        }
    }

    @Nested
    class SqliteOneApi extends Contract {
        Dialect kind() {
            return Dialect.SQLITE;
        }

        Flavor flavor() {
            return Flavor.ONE_API;
        }
    }

    /** The whole contract again, as a user holding only the documented column grants (no {@code channels.key}). */
    abstract static class ColumnGrants extends Contract {
        String user;

        @BeforeEach
        void grant() throws Exception {
            user = gateway.name() + "_brk";
            List<String> grants = kind() == Dialect.MYSQL
                    ? (flavor() == Flavor.NEW_API ? MYSQL_NEW_API : MYSQL_ONE_API)
                    : (flavor() == Flavor.NEW_API ? POSTGRES_NEW_API : POSTGRES_ONE_API);
            gateway.execute(grants.stream()
                    .map(sql -> sql.replace("new-api", gateway.name())
                            .replace("one-api", gateway.name())
                            .replace("tm_breaker", user)
                            .replace("…", PASSWORD)
                            .replaceAll(";$", ""))
                    .toArray(String[]::new));
        }

        @AfterEach
        void revoke() throws Exception {
            // Runs before the database is dropped; DROP OWNED also revokes CONNECT on the PostgreSQL database.
            gateway.execute(
                    kind() == Dialect.MYSQL
                            ? new String[] {"DROP USER IF EXISTS '" + user + "'@'%'"}
                            : new String[] {"DROP OWNED BY " + user, "DROP ROLE " + user});
        }

        @Override
        String breakerDsn() {
            return kind() == Dialect.MYSQL
                    ? user + ":" + PASSWORD + "@tcp(127.0.0.1:3306)/" + gateway.name()
                            + "?charset=utf8mb4&parseTime=True&loc=Local"
                    : "postgres://" + user + ":" + PASSWORD + "@127.0.0.1:5432/" + gateway.name() + "?sslmode=disable";
        }

        @Test
        void givenTheDocumentedGrants_whenTheUserReadsChannelKeys_thenTheDatabaseRefuses() {
            GatewayDsn dsn = GatewayDsn.parse("SQL_DSN", breakerDsn(), null);
            String key = kind() == Dialect.MYSQL ? "`key`" : "\"key\"";
            assertThatThrownBy(() -> {
                        try (var c = DriverManager.getConnection(
                                        dsn.jdbcUrl(),
                                        dsn.user().orElseThrow(),
                                        dsn.password().orElseThrow().value());
                                var st = c.createStatement()) {
                            st.executeQuery("SELECT " + key + " FROM channels WHERE id = 1")
                                    .close();
                        }
                    })
                    .isInstanceOf(SQLException.class);
        }
    }

    @Nested
    class MariaDbNewApiColumnGrants extends ColumnGrants {
        Dialect kind() {
            return Dialect.MYSQL;
        }

        Flavor flavor() {
            return Flavor.NEW_API;
        }
    }

    @Nested
    class MariaDbOneApiColumnGrants extends ColumnGrants {
        Dialect kind() {
            return Dialect.MYSQL;
        }

        Flavor flavor() {
            return Flavor.ONE_API;
        }
    }

    @Nested
    class PostgresNewApiColumnGrants extends ColumnGrants {
        Dialect kind() {
            return Dialect.POSTGRES;
        }

        Flavor flavor() {
            return Flavor.NEW_API;
        }
    }

    @Nested
    class PostgresOneApiColumnGrants extends ColumnGrants {
        Dialect kind() {
            return Dialect.POSTGRES;
        }

        Flavor flavor() {
            return Flavor.ONE_API;
        }
    }

    @Test
    void theBridgeReadmeShowsExactlyTheseGrants() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (List<String> grants : List.of(MYSQL_NEW_API, MYSQL_ONE_API, POSTGRES_NEW_API, POSTGRES_ONE_API)) {
            assertThat(readme).contains(grants);
        }
    }
}
