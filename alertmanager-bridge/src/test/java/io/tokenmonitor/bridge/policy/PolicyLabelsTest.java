package io.tokenmonitor.bridge.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.bridge.notify.Language;
import io.tokenmonitor.common.time.ActiveWindow;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The channel_id label names a channel only in ASCII decimal: anything else is a problem, never a channel. */
class PolicyLabelsTest {
    private static final AlertDefaults DEFAULTS = new AlertDefaults(
            ZoneOffset.UTC,
            Duration.ofHours(1),
            ActiveWindow.ALWAYS,
            "warning",
            Language.EN,
            Duration.ofMinutes(10),
            Duration.ofHours(25));

    @ParameterizedTest
    @ValueSource(strings = {"３", "+2", "-2", "2a", "0x2", "2.0", "1e1", "٢", "0", "00", "99999999999999999999"})
    void givenChannelIdNotAsciiDecimal_whenRead_thenNoChannelAndAProblem(String value) {
        PolicyLabels labels = PolicyLabels.of(Map.of("channel_id", value), DEFAULTS);
        assertThat(labels.channelId()).isEqualTo(Optional.empty());
        assertThat(labels.problems()).extracting(PolicyLabels.Problem::label).containsExactly("channel_id");
    }

    /** White space around a label value is ignored for every policy label; leading zeros name the same channel. */
    @ParameterizedTest
    @ValueSource(strings = {"2", " 2", "2 ", "02"})
    void givenAsciiDecimal_whenRead_thenThatChannel(String value) {
        assertThat(PolicyLabels.of(Map.of("channel_id", value), DEFAULTS).channelId())
                .contains(2L);
    }
}
