package io.tokenmonitor.bridge.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmonitor.bridge.state.StateStore;
import io.tokenmonitor.bridge.testing.AccountTables;
import io.tokenmonitor.bridge.testing.MutableClock;
import io.tokenmonitor.common.gateway.GatewayDsn;
import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.testing.GatewayDatabase;
import io.tokenmonitor.common.testing.GatewayDatabase.Flavor;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
 * The key and user breaker ({@code action: disable_token}, {@code disable_user}) against real MariaDB, PostgreSQL and
 * SQLite gateway databases with New API's (and One API's) {@code tokens} and {@code users}; on MariaDB and PostgreSQL
 * every test runs again as a user with exactly the documented column grants, none on {@code tokens.key},
 * {@code users.password} or {@code users.access_token}.
 */
class AccountBreakerIT {
    private static final String PASSWORD = "key-breaker-pw";

    /** The grants for keys and users, as the report gives them; names replaced per test as in {@link BreakerIT}. */
    static final List<String> MYSQL = List.of(
            "CREATE USER 'tm_breaker'@'%' IDENTIFIED BY '…';",
            "GRANT SELECT (id, status, name), UPDATE (status) ON `new-api`.tokens TO 'tm_breaker'@'%';",
            "GRANT SELECT (id, status, username, role), UPDATE (status) ON `new-api`.users TO 'tm_breaker'@'%';");

    static final List<String> POSTGRES = List.of(
            "CREATE ROLE tm_breaker LOGIN PASSWORD '…';",
            "GRANT CONNECT ON DATABASE \"new-api\" TO tm_breaker;",
            "GRANT USAGE ON SCHEMA public TO tm_breaker;",
            "GRANT SELECT (id, status, name), UPDATE (status) ON tokens TO tm_breaker;",
            "GRANT SELECT (id, status, username, role), UPDATE (status) ON users TO tm_breaker;");

    static final long ALICE = 7;
    static final long ROOT = 1;
    static final long CI_KEY = 12;
    static final long OTHER_KEY = 13;
    static final long EXPIRED_KEY = 14;
    static final long ADMIN_DISABLED_KEY = 15;

    abstract static class Contract {
        private static final ObjectMapper JSON = new ObjectMapper();

        @TempDir
        Path dir;

        final MutableClock clock = MutableClock.at("2026-12-03T02:00:00Z");
        GatewayDatabase gateway;
        StateStore state;

        abstract Dialect kind();

        Flavor flavor() {
            return Flavor.NEW_API;
        }

        @BeforeEach
        void create() throws Exception {
            gateway = GatewayDatabase.create(kind(), flavor(), dir);
            AccountTables.create(gateway);
            String key = kind() == Dialect.MYSQL ? "`key`" : "\"key\"";
            gateway.execute(
                    "INSERT INTO users (id, username, password, role, status) VALUES (" + ROOT
                            + ", 'root', 'hash-root', 100, 1)",
                    "INSERT INTO users (id, username, password, role, status) VALUES (" + ALICE
                            + ", 'alice', 'hash-alice', 1, 1)",
                    tokenInsert(key, CI_KEY, "ci-bot", 1),
                    tokenInsert(key, OTHER_KEY, "laptop", 1),
                    tokenInsert(key, EXPIRED_KEY, "old", 3),
                    tokenInsert(key, ADMIN_DISABLED_KEY, "paused", 2));
            state = StateStore.open(dir.resolve("bridge.db"));
        }

        private static String tokenInsert(String key, long id, String name, int status) {
            return "INSERT INTO tokens (id, user_id, " + key + ", status, name, remain_quota, used_quota) VALUES (" + id
                    + ", " + ALICE + ", 'sk-secret-" + id + "', " + status + ", '" + name + "', 1000, 0)";
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

        Breaker breaker(boolean dryRun, int keysPerHour, Duration keyInterval) {
            BreakerLimit channels = new BreakerLimit(3, Duration.ofHours(6));
            return new Breaker(
                    GatewayDsn.parse("SQL_DSN", breakerDsn(), null),
                    state,
                    new BreakerAudit(),
                    dryRun,
                    Map.of(
                            Target.Kind.CHANNEL,
                            channels,
                            Target.Kind.TOKEN,
                            new BreakerLimit(keysPerHour, keyInterval),
                            Target.Kind.USER,
                            // users get the keys' limits, so that a count across kinds would show
                            new BreakerLimit(keysPerHour, keyInterval)),
                    Set.of("TokenMonitorBudgetExceeded"),
                    Optional.empty(),
                    clock,
                    JSON);
        }

        Breaker breaker() {
            return breaker(false, 10, Duration.ofHours(6));
        }

        int status(String table, long id) throws SQLException {
            try (var c = gateway.connect();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT status FROM " + table + " WHERE id = " + id)) {
                rs.next();
                return rs.getInt(1);
            }
        }

        List<String> audit() {
            return state.read(
                    h -> h.createQuery("SELECT action || ' ' || target || ' ' || target_id || ' ' || result || ' ' ||"
                                    + " coalesce(status_before, -1) || '->' || coalesce(status_after, -1)"
                                    + " FROM breaker_audit ORDER BY id")
                            .mapTo(String.class)
                            .list());
        }

        @Test
        void givenEnabledKey_whenTripped_thenStatus2AndAuditedAndNamed() throws Exception {
            BreakerOutcome outcome = breaker().trip(Target.token(CI_KEY), "fp1", "TokenMonitorBudgetExceeded");

            assertThat(outcome.result()).isEqualTo(BreakerOutcome.Result.DISABLED);
            assertThat(outcome.name()).hasValue("ci-bot");
            assertThat(status("tokens", CI_KEY)).isEqualTo(2);
            assertThat(status("tokens", OTHER_KEY)).as("the user's other key").isEqualTo(1);
            assertThat(status("users", ALICE)).as("the key's user").isEqualTo(1);
            assertThat(audit()).containsExactly("disable token 12 disabled 1->2");
        }

        @Test
        void givenEnabledUser_whenTripped_thenStatus2AndAuditedAndNamed() throws Exception {
            BreakerOutcome outcome = breaker().trip(Target.user(ALICE), "fp1", "TokenMonitorBudgetExceeded");

            assertThat(outcome.result()).isEqualTo(BreakerOutcome.Result.DISABLED);
            assertThat(outcome.name()).hasValue("alice");
            assertThat(status("users", ALICE)).isEqualTo(2);
            assertThat(status("tokens", CI_KEY)).as("keys are left as they are").isEqualTo(1);
            assertThat(audit()).containsExactly("disable user 7 disabled 1->2");
        }

        @Test
        void givenAnAdministrator_whenTripped_thenRefusedAndUnchanged() throws Exception {
            BreakerOutcome outcome = breaker().trip(Target.user(ROOT), "fp1", "TokenMonitorBudgetExceeded");

            assertThat(outcome.result()).isEqualTo(BreakerOutcome.Result.REFUSED);
            assertThat(outcome.detail()).contains("administrator");
            assertThat(status("users", ROOT)).isEqualTo(1);
            assertThat(audit()).containsExactly("disable user 1 refused 1->1");
        }

        @Test
        void givenTheSameAlertTwice_whenTripped_thenTheSecondChangesNothing() throws Exception {
            Breaker breaker = breaker();
            breaker.trip(Target.token(CI_KEY), "fp1", "TokenMonitorBudgetExceeded");
            BreakerOutcome second = breaker.trip(Target.token(CI_KEY), "fp1", "TokenMonitorBudgetExceeded");

            assertThat(second.result()).isEqualTo(BreakerOutcome.Result.ALREADY_DISABLED);
            assertThat(status("tokens", CI_KEY)).isEqualTo(2);
            assertThat(audit())
                    .containsExactly("disable token 12 disabled 1->2", "disable token 12 already_disabled 2->2");
        }

        @Test
        void givenAnExpiredKey_whenTripped_thenAlreadyDisabledAndStillExpired() throws Exception {
            BreakerOutcome outcome = breaker().trip(Target.token(EXPIRED_KEY), "fp1", "TokenMonitorBudgetExceeded");

            assertThat(outcome.result()).isEqualTo(BreakerOutcome.Result.ALREADY_DISABLED);
            assertThat(status("tokens", EXPIRED_KEY)).isEqualTo(3);
        }

        @Test
        void givenTheHourlyKeyLimitReached_whenAnotherKeyTrips_thenRateLimitedButUsersStillGo() throws Exception {
            Breaker breaker = breaker(false, 1, Duration.ofHours(6));
            breaker.trip(Target.token(CI_KEY), "fp1", "TokenMonitorBudgetExceeded");

            BreakerOutcome limited = breaker.trip(Target.token(OTHER_KEY), "fp2", "TokenMonitorBudgetExceeded");
            assertThat(limited.result()).isEqualTo(BreakerOutcome.Result.RATE_LIMITED);
            assertThat(limited.detail()).contains("breaker.token_max_per_hour=1");
            assertThat(status("tokens", OTHER_KEY)).isEqualTo(1);
            assertThat(breaker.trip(Target.user(ALICE), "fp3", "TokenMonitorBudgetExceeded")
                            .result())
                    .as("users have a limit of their own")
                    .isEqualTo(BreakerOutcome.Result.DISABLED);

            clock.advance(Duration.ofMinutes(61));
            assertThat(breaker.trip(Target.token(OTHER_KEY), "fp2", "TokenMonitorBudgetExceeded")
                            .result())
                    .isEqualTo(BreakerOutcome.Result.DISABLED);
        }

        @Test
        void givenAKeyReEnabled_whenItTripsAgainWithinTheInterval_thenRateLimited() throws Exception {
            Breaker breaker = breaker();
            breaker.trip(Target.token(CI_KEY), "fp1", "TokenMonitorBudgetExceeded");
            assertThat(breaker.enable(Target.token(CI_KEY)).result()).isEqualTo(BreakerOutcome.Result.ENABLED);

            clock.advance(Duration.ofHours(2));
            BreakerOutcome again = breaker.trip(Target.token(CI_KEY), "fp1", "TokenMonitorBudgetExceeded");
            assertThat(again.result()).isEqualTo(BreakerOutcome.Result.RATE_LIMITED);
            assertThat(again.detail()).contains("key #12", "breaker.token_interval=6h");
            assertThat(status("tokens", CI_KEY)).isEqualTo(1);
        }

        @Test
        void givenDryRun_whenTripped_thenNothingChangesButItIsAudited() throws Exception {
            BreakerOutcome outcome = breaker(true, 10, Duration.ofHours(6))
                    .trip(Target.token(CI_KEY), "fp1", "TokenMonitorBudgetExceeded");

            assertThat(outcome.result()).isEqualTo(BreakerOutcome.Result.DRY_RUN);
            assertThat(status("tokens", CI_KEY)).isEqualTo(1);
            assertThat(audit()).containsExactly("disable token 12 dry_run 1->1");
        }

        @Test
        void givenAnAlertNameNotListed_whenTripped_thenNotAllowedAndUnchanged() throws Exception {
            BreakerOutcome outcome = breaker().trip(Target.user(ALICE), "fp1", "MadeUpAlert");

            assertThat(outcome.result()).isEqualTo(BreakerOutcome.Result.NOT_ALLOWED);
            assertThat(status("users", ALICE)).isEqualTo(1);
            assertThat(audit()).containsExactly("disable user 7 not_allowed -1->-1");
        }

        @Test
        void givenAKeyAnAdminDisabled_whenEnabled_thenRefusedAndStillDisabled() throws Exception {
            BreakerOutcome outcome = breaker().enable(Target.token(ADMIN_DISABLED_KEY));

            assertThat(outcome.result()).isEqualTo(BreakerOutcome.Result.REFUSED);
            assertThat(status("tokens", ADMIN_DISABLED_KEY)).isEqualTo(2);
        }

        @Test
        void givenAKeyTheBreakerDisabled_whenEnabledTwice_thenEnabledOnceAndRefusedThen() throws Exception {
            Breaker breaker = breaker();
            breaker.trip(Target.token(CI_KEY), "fp1", "TokenMonitorBudgetExceeded");

            assertThat(breaker.enable(Target.token(CI_KEY)).result()).isEqualTo(BreakerOutcome.Result.ENABLED);
            assertThat(status("tokens", CI_KEY)).isEqualTo(1);
            assertThat(breaker.enable(Target.token(CI_KEY)).result()).isEqualTo(BreakerOutcome.Result.REFUSED);
            assertThat(breaker.enable(Target.user(ALICE)).result())
                    .as("the breaker disabled key 12, not user 7")
                    .isEqualTo(BreakerOutcome.Result.REFUSED);
        }

        @Test
        void givenAUserTheBreakerDisabledButAnAdminChangedSince_whenEnabled_thenRefused() throws Exception {
            Breaker breaker = breaker();
            breaker.trip(Target.user(ALICE), "fp1", "TokenMonitorBudgetExceeded");
            gateway.execute("UPDATE users SET status = 1 WHERE id = " + ALICE);

            BreakerOutcome outcome = breaker.enable(Target.user(ALICE));
            assertThat(outcome.result()).isEqualTo(BreakerOutcome.Result.REFUSED);
            assertThat(outcome.detail()).contains("not 2");
        }

        /**
         * The outcome cannot be written to bridge.db after the gateway committed (as if the bridge died between the
         * two): after the "restart" the pending row is completed as disabled, so enable may undo it.
         */
        @Test
        void givenCrashBetweenTheGatewayCommitAndTheAudit_whenRestarted_thenAuditedAsDisabledAndEnableWorks()
                throws Exception {
            state.write(h -> {
                h.execute("CREATE TRIGGER crash_update BEFORE UPDATE ON breaker_audit WHEN NEW.result = 'disabled'"
                        + " BEGIN SELECT RAISE(ABORT, 'simulated crash'); END");
                return null;
            });
            assertThatThrownBy(() -> breaker().trip(Target.token(CI_KEY), "fp1", "TokenMonitorBudgetExceeded"))
                    .hasStackTraceContaining("simulated crash");
            assertThat(status("tokens", CI_KEY)).as("the gateway committed").isEqualTo(2);
            assertThat(audit()).containsExactly("disable token 12 pending 1->-1");
            state.write(h -> {
                h.execute("DROP TRIGGER crash_update");
                return null;
            });
            clock.advance(Duration.ofMinutes(5));

            Breaker restarted = breaker();
            assertThat(restarted.enable(Target.token(CI_KEY)).result()).isEqualTo(BreakerOutcome.Result.ENABLED);
            assertThat(status("tokens", CI_KEY)).isEqualTo(1);
            assertThat(audit()).containsExactly("disable token 12 disabled 1->2", "enable token 12 enabled 2->1");
        }

        /** A pending intent whose gateway transaction never committed (the row is still enabled) closes as failed. */
        @Test
        void givenAPendingIntentTheGatewayNeverCommitted_whenReconciled_thenFailedAndNotEnableable() throws Exception {
            state.write(h -> h.execute(
                    "INSERT INTO breaker_audit (at_ms, action, target, target_id, alert_key, alertname, status_before,"
                            + " result, detail) VALUES (?, 'disable', 'user', ?, 'fp1', 'TokenMonitorBudgetExceeded',"
                            + " 1, 'pending', 'token-monitor breaker: alert TokenMonitorBudgetExceeded (fp1)')",
                    clock.instant().toEpochMilli(),
                    ALICE));

            breaker().reconcile();

            assertThat(audit()).containsExactly("disable user 7 failed 1->1");
            assertThat(breaker().enable(Target.user(ALICE)).result()).isEqualTo(BreakerOutcome.Result.REFUSED);
            assertThat(status("users", ALICE)).isEqualTo(1);
        }

        @Test
        void givenAMissingKey_whenTripped_thenNotFound() {
            assertThat(breaker()
                            .trip(Target.token(999), "fp1", "TokenMonitorBudgetExceeded")
                            .result())
                    .isEqualTo(BreakerOutcome.Result.NOT_FOUND);
        }
    }

    @Nested
    class MariaDb extends Contract {
        Dialect kind() {
            return Dialect.MYSQL;
        }
    }

    @Nested
    class Postgres extends Contract {
        Dialect kind() {
            return Dialect.POSTGRES;
        }
    }

    @Nested
    class Sqlite extends Contract {
        Dialect kind() {
            return Dialect.SQLITE;
        }
    }

    @Nested
    class SqliteOneApi extends Contract {
        Dialect kind() {
            return Dialect.SQLITE;
        }

        @Override
        Flavor flavor() {
            return Flavor.ONE_API;
        }
    }

    /** The whole contract again, as a user holding only the documented column grants on tokens and users. */
    abstract static class ColumnGrants extends Contract {
        String user;

        @BeforeEach
        void grant() throws Exception {
            user = gateway.name() + "_kbr";
            gateway.execute((kind() == Dialect.MYSQL ? MYSQL : POSTGRES)
                    .stream()
                            .map(sql -> sql.replace("new-api", gateway.name())
                                    .replace("tm_breaker", user)
                                    .replace("…", PASSWORD)
                                    .replaceAll(";$", ""))
                            .toArray(String[]::new));
        }

        @AfterEach
        void revoke() throws Exception {
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
        void givenTheDocumentedGrants_whenTheUserReadsSecrets_thenTheDatabaseRefusesEachOne() {
            String key = kind() == Dialect.MYSQL ? "`key`" : "\"key\"";
            for (String sql : List.of(
                    "SELECT " + key + " FROM tokens WHERE id = 12",
                    "SELECT password FROM users WHERE id = 7",
                    "SELECT access_token FROM users WHERE id = 7",
                    "SELECT email FROM users WHERE id = 7",
                    "UPDATE tokens SET remain_quota = 0 WHERE id = 12")) {
                assertThatThrownBy(() -> runAsBreakerUser(sql)).as(sql).isInstanceOf(SQLException.class);
            }
        }

        private void runAsBreakerUser(String sql) throws SQLException {
            GatewayDsn dsn = GatewayDsn.parse("SQL_DSN", breakerDsn(), null);
            try (var c = DriverManager.getConnection(
                            dsn.jdbcUrl(),
                            dsn.user().orElseThrow(),
                            dsn.password().orElseThrow().value());
                    var st = c.createStatement()) {
                st.execute(sql);
            }
        }
    }

    @Nested
    class MariaDbColumnGrants extends ColumnGrants {
        Dialect kind() {
            return Dialect.MYSQL;
        }
    }

    @Nested
    class PostgresColumnGrants extends ColumnGrants {
        Dialect kind() {
            return Dialect.POSTGRES;
        }
    }
}
