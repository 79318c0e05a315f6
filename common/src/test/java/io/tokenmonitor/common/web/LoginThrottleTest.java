package io.tokenmonitor.common.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    private Instant now = Instant.parse("2026-12-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void givenTooManyFailures_whenAsked_thenThatClientWaitsUntilTheOldestExpires() {
        LoginThrottle throttle = new LoginThrottle(3, Duration.ofMinutes(1), 100, clock);
        throttle.failed("10.0.0.1");
        now = now.plusSeconds(10);
        throttle.failed("10.0.0.1");
        assertThat(throttle.waitFor("10.0.0.1")).isZero();
        throttle.failed("10.0.0.1");
        assertThat(throttle.waitFor("10.0.0.1")).isEqualTo(Duration.ofSeconds(50));
        assertThat(throttle.waitFor("10.0.0.2")).isZero();
        now = now.plusSeconds(50);
        assertThat(throttle.waitFor("10.0.0.1")).isZero();
    }

    @Test
    void givenManyClients_whenFailing_thenOnlyTheMostRecentAreRemembered() {
        LoginThrottle throttle = new LoginThrottle(1, Duration.ofMinutes(1), 2, clock);
        throttle.failed("a");
        throttle.failed("b");
        throttle.failed("c");
        assertThat(throttle.waitFor("a")).isZero();
        assertThat(throttle.waitFor("c")).isPositive();
    }
}
