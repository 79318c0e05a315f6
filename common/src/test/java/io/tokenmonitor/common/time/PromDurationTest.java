package io.tokenmonitor.common.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmonitor.common.config.ConfigException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The cases of prometheus/common model/time_test.go (TestParseDuration, TestDuration_String) and docs/alert-labels.md (Durations). */
class PromDurationTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({
        "0,            0",
        "0s,           0",
        "1ms,          1",
        "500ms,        500",
        "30s,          30000",
        "5m,           300000",
        "1h30m,        5400000",
        "1h0m,         3600000",
        "4d,           345600000",
        "2w,           1209600000",
        "1y,           31536000000",
        "1y1w1d1h1m1s1ms, 32230861001",
        "100ms,        100",
        "' 30s ',      30000",
        "0d0h30m,      1800000",
    })
    void givenPrometheusDuration_whenParsed_thenItIsRead(String text, long millis) {
        assertThat(PromDuration.parse("KEY", text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "''            | KEY: is empty; write 30s, 30m or 30h",
                "30            | KEY: \"30\" has no unit; write 30s, 30m or 30h",
                "30m1h         | KEY: \"30m1h\" is not a duration; write the units from largest to smallest",
                "1h1h          | KEY: \"1h1h\" is not a duration; write the units from largest to smallest",
                "1s1m          | from largest to smallest",
                "5x            | KEY: \"5x\" has the unknown unit \"x\"",
                "1.5h          | unknown unit \".\"",
                "-1s           | KEY: \"-1s\" is not a duration; write for example 30s, 1h30m or 7d",
                "h             | is not a duration",
                "1 h           | unknown unit \" h\"",
                "thirty days   | is not a duration",
                "1M            | unknown unit \"M\"",
                "1H            | unknown unit \"H\"",
                "1us           | unknown unit \"us\"",
                "293y          | KEY: \"293y\" is too long",
                "99999999999999999999s | is too long",
                "292y1000w     | is too long",
            })
    void givenBadDuration_whenParsed_thenRefusedNamingTheKey(String text, String message) {
        assertThatThrownBy(() -> PromDuration.parse("KEY", text))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("KEY: ")
                .hasMessageContaining(message);
    }

    @Test
    void givenLongestDuration_whenParsed_thenAccepted() {
        assertThat(PromDuration.parse("KEY", "292y")).isEqualTo(Duration.ofDays(292 * 365));
    }

    @Test
    void givenZero_whenPositiveRequired_thenRefusedWithMustBeMoreThanZero() {
        assertThatThrownBy(() -> PromDuration.parsePositive("POLL_INTERVAL", "0"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("POLL_INTERVAL: must be more than 0; write for example 30s");
        assertThatThrownBy(() -> PromDuration.parsePositive("POLL_INTERVAL", "0s"))
                .hasMessageContaining("must be more than 0");
        assertThat(PromDuration.parsePositive("POLL_INTERVAL", "1ms")).isEqualTo(Duration.ofMillis(1));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource({
        "0,            0s",
        "1,            1ms",
        "1500,         1s500ms",
        "5400000,      1h30m",
        "9000000,      2h30m",
        "2592000000,   30d",
        "604800000,    1w",
        "7776000000,   90d",
        "31536000000,  1y",
        "90061001,     1d1h1m1s1ms",
        "-90000,       -1m30s",
    })
    void givenDuration_whenFormatted_thenAsPrometheusWritesIt(long millis, String text) {
        assertThat(PromDuration.format(Duration.ofMillis(millis))).isEqualTo(text);
        if (millis >= 0) {
            assertThat(PromDuration.parse("K", text)).isEqualTo(Duration.ofMillis(millis));
        }
    }
}
