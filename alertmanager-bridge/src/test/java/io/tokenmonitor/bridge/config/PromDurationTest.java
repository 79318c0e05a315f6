package io.tokenmonitor.bridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.tokenmonitor.common.time.PromDuration;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PromDurationTest {
    @Test
    void givenCompoundDuration_whenParsed_thenUnitsAddUp() {
        assertThat(PromDuration.parse("cooldown", "1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(PromDuration.parse("cooldown", "7d")).isEqualTo(Duration.ofDays(7));
        assertThat(PromDuration.parse("cooldown", "1m30s500ms")).isEqualTo(Duration.ofMillis(90_500));
        assertThat(PromDuration.parse("cooldown", "0")).isZero();
    }

    @Test
    void givenNumberWithoutUnit_whenParsed_thenMessageSuggestsUnits() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PromDuration.parse("cooldown", "5"))
                .withMessage("cooldown: \"5\" has no unit; write 5s, 5m or 5h");
    }

    @Test
    void givenUnitsOutOfOrder_whenParsed_thenRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> PromDuration.parse("cooldown", "30m1h"));
        assertThatIllegalArgumentException().isThrownBy(() -> PromDuration.parse("cooldown", "1.5h"));
    }

    @Test
    void givenDuration_whenFormatted_thenParsesBack() {
        assertThat(PromDuration.format(Duration.ofMinutes(150))).isEqualTo("2h30m");
        assertThat(PromDuration.parse("cooldown", PromDuration.format(Duration.ofMillis(90_061_001))))
                .isEqualTo(Duration.ofMillis(90_061_001));
    }
}
