package io.tokenmonitor.bridge.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.bridge.breaker.Target;
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

    @ParameterizedTest
    @ValueSource(strings = {"３", "+2", "-2", "2a", "0x2", "0", "99999999999999999999"})
    void givenTokenOrUserIdNotAsciiDecimal_whenRead_thenNoTargetAndAProblemNamingTheLabel(String value) {
        PolicyLabels labels =
                PolicyLabels.of(Map.of("action", "disable_token", "token_id", value, "user_id", value), DEFAULTS);
        assertThat(labels.tokenId()).isEmpty();
        assertThat(labels.userId()).isEmpty();
        assertThat(labels.breakerTarget()).isEmpty();
        assertThat(labels.problems())
                .extracting(PolicyLabels.Problem::label)
                .containsExactlyInAnyOrder("token_id", "user_id");
    }

    /** The action picks the label: disable_token the key, disable_user the user, disable_channel the channel. */
    @ParameterizedTest
    @ValueSource(strings = {"disable_channel", "disable_token", "disable_user", "notify"})
    void givenAllThreeIds_whenRead_thenTheActionNamesItsTarget(String action) {
        PolicyLabels labels = PolicyLabels.of(
                Map.of("action", action, "channel_id", "3", "token_id", " 012", "user_id", "7"), DEFAULTS);
        Optional<Target> expected = switch (action) {
            case "disable_channel" -> Optional.of(Target.channel(3));
            case "disable_token" -> Optional.of(Target.token(12));
            case "disable_user" -> Optional.of(Target.user(7));
            default -> Optional.empty();
        };
        assertThat(labels.breakerTarget()).isEqualTo(expected);
        assertThat(labels.problems()).isEmpty();
    }
}
