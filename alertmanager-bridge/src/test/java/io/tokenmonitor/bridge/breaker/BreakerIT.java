package io.tokenmonitor.bridge.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmonitor.bridge.state.StateStore;
import io.tokenmonitor.bridge.testing.GatewayDatabase;
import io.tokenmonitor.bridge.testing.GatewayDatabase.Flavor;
import io.tokenmonitor.bridge.testing.GatewayDatabase.Kind;
import io.tokenmonitor.bridge.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The breaker against real MariaDB, PostgreSQL and SQLite gateway databases with New API and One API schemas. */
class BreakerIT {

    abstract static class Contract {
        private static final ObjectMapper JSON = new ObjectMapper();
        @TempDir
        Path dir;
        final MutableClock clock = MutableClock.at("2026-11-30T02:00:00Z");
        GatewayDatabase gateway;
        StateStore state;

        abstract Kind kind();

        abstract Flavor flavor();

        @BeforeEach
        void create() throws Exception {
            gateway = GatewayDatabase.create(kind(), flavor(), dir);
            state = StateStore.open(dir.resolve("bridge.db"));
            gateway.addChannel(1, 1, "default", "gpt-4o", "gpt-4o-mini");
            gateway.addChannel(2, 1, "vip", "claude-3");
            gateway.addChannel(3, 2, "default", "gpt-4o");   // disabled by an admin, not by the breaker
        }

        @AfterEach
        void drop() throws Exception {
            state.close();
            gateway.close();
        }

        ChannelBreaker breaker(boolean dryRun, int maxPerHour) {
            return new ChannelBreaker(GatewayDsn.parse(gateway.sqlDsn()), state, new BreakerAudit(), dryRun, maxPerHour, clock, JSON);
        }

        List<String> audit() {
            return state.read(h -> h.createQuery("SELECT action || ' ' || channel_id || ' ' || result || ' ' || coalesce(status_before, -1) "
                    + "|| '->' || coalesce(status_after, -1) FROM breaker_audit ORDER BY id").mapTo(String.class).list());
        }

        @Test
        void givenEnabledChannel_whenTripped_thenStatus2AndAbilitiesDisabledAndAudited() throws Exception {
            BreakerOutcome outcome = breaker(false, 3).trip(1, "fp1", "Test");
            assertThat(outcome.result()).isEqualTo(BreakerOutcome.Result.DISABLED);
            assertThat(gateway.status(1)).isEqualTo(2);
            assertThat(gateway.abilitiesEnabled(1)).containsExactly(false, false);
            assertThat(gateway.abilitiesEnabled(2)).containsExactly(true);
            if (flavor() == Flavor.NEW_API) {
                assertThat(gateway.otherInfo(1)).contains("\"keep\":\"me\"").contains("\"status_reason\":\"token-monitor breaker: alert Test (fp1)\"")
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
            assertThat(gateway.status(1)).as("one transaction: no half-done breaker").isEqualTo(1);
            assertThat(audit()).containsExactly("disable 1 failed -1->-1");
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
            assertThat(breaker.enable(1).result()).as("only once per breaker action").isEqualTo(BreakerOutcome.Result.REFUSED);
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

    @Nested
    class SqliteNewApi extends Contract {
        Kind kind() { return Kind.SQLITE; }
        Flavor flavor() { return Flavor.NEW_API; }
    }

    @Nested
    class SqliteOneApi extends Contract {
        Kind kind() { return Kind.SQLITE; }
        Flavor flavor() { return Flavor.ONE_API; }
    }
}
