package io.tokenmonitor.exporter.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PromDurationTest {

    @Test
    void givenCombinedUnits_whenParsed_thenTheyAreAdded() {
        assertThat(PromDuration.parse("X", "1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(PromDuration.parse("X", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(PromDuration.parse("X", "30d")).isEqualTo(Duration.ofDays(30));
        assertThat(PromDuration.parse("X", "2w")).isEqualTo(Duration.ofDays(14));
    }

    @Test
    void givenBareNumber_whenParsed_thenTheErrorNamesTheKeyAndSuggestsUnits() {
        assertThatThrownBy(() -> PromDuration.parse("POLL_INTERVAL", "5"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("POLL_INTERVAL: \"5\" has no unit; write 5s, 5ms or 5m");
    }

    @Test
    void givenGarbage_whenParsed_thenTheErrorNamesTheKey() {
        assertThatThrownBy(() -> PromDuration.parse("RETENTION", "thirty days"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("RETENTION: \"thirty days\" is not a duration");
    }

    @Test
    void givenDuration_whenFormatted_thenLargestUnitsComeFirst() {
        assertThat(PromDuration.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThat(PromDuration.format(Duration.ofDays(30))).isEqualTo("30d");
        assertThat(PromDuration.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
    }
}
