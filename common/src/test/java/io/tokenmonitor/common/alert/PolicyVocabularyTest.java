package io.tokenmonitor.common.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmonitor.common.config.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyVocabularyTest {

    @Test
    void givenPolicyLabels_whenListed_thenTheContractNamesAreThere() {
        assertThat(PolicyLabel.names())
                .containsExactly(
                        "notify",
                        "action",
                        "active",
                        "tz",
                        "cooldown",
                        "severity",
                        "channel_id",
                        "token_id",
                        "user_id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"telegram", "feishu", "wecom", "ops-team", "ops_team", "team.oncall", "A1", "-", "."})
    void givenTargetName_whenChecked_thenAccepted(String name) {
        assertThat(TargetName.isValid(name)).isTrue();
        assertThat(TargetName.check("notify", name)).isEqualTo(name);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"", "ops team", "ops,team", "ops:team", "ops/team", "运维", "a@b", "tele+gram"})
    void givenBadTargetName_whenChecked_thenRefusedNamingTheKey(String name) {
        assertThat(TargetName.isValid(name)).isFalse();
        assertThatThrownBy(() -> TargetName.check("budgets[0].notify", name))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("budgets[0].notify: \"" + name + "\" is not a target name");
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @CsvSource(
            delimiter = '|',
            value = {
                "telegram                  | telegram",
                "telegram,feishu           | telegram;feishu",
                "' telegram , feishu '     | telegram;feishu",
                "telegram,,feishu,         | telegram;feishu",
                "feishu,telegram,feishu    | feishu;telegram",
                "team.oncall,ops-1         | team.oncall;ops-1",
                "''                        | ''",
                "','                       | ''",
            })
    void givenNotifyList_whenParsed_thenNamesInOrderWithoutRepeats(String text, String expected) {
        List<String> names = TargetName.parseList("notify", text);
        assertThat(names).isEqualTo(expected.isEmpty() ? List.of() : List.of(expected.split(";")));
        assertThat(TargetName.parseList("notify", TargetName.formatList(names))).isEqualTo(names);
    }

    @Test
    void givenNotifyListWithBadName_whenParsed_thenRefused() {
        assertThatThrownBy(() -> TargetName.parseList("notify", "telegram,ops team"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("notify: \"ops team\" is not a target name");
        assertThat(TargetName.parseList("notify", null)).isEmpty();
        assertThat(TargetName.checkAll("notify", List.of(" a ", "b", "a"))).containsExactly("a", "b");
    }

    @ParameterizedTest
    @CsvSource({
        "notify, NOTIFY",
        "disable_channel, DISABLE_CHANNEL",
        "disable_token, DISABLE_TOKEN",
        "disable_user, DISABLE_USER",
        "' notify ', NOTIFY"
    })
    void givenAction_whenParsed_thenRead(String text, Action action) {
        assertThat(Action.parse("action", text)).isEqualTo(action);
        assertThat(action.value()).isEqualTo(text.strip());
        assertThat(action).hasToString(text.strip());
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"", "disable", "Notify", "DISABLE_CHANNEL", "disable-channel"})
    void givenBadAction_whenParsed_thenRefused(String text) {
        assertThatThrownBy(() -> Action.parse("budgets[1].action", text))
                .isInstanceOf(ConfigException.class)
                .hasMessage("budgets[1].action: \"" + text
                        + "\" is not an action; use notify, disable_channel, disable_token or disable_user");
    }

    @ParameterizedTest
    @CsvSource({"info, INFO", "warning, WARNING", "critical, CRITICAL", "Critical, CRITICAL", "WARNING, WARNING"})
    void givenSeverity_whenParsed_thenReadInAnyCaseAndWrittenInLowerCase(String text, Severity severity) {
        assertThat(Severity.parse("severity", text)).isEqualTo(severity);
        assertThat(severity.value()).isEqualTo(text.toLowerCase(java.util.Locale.ROOT));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"", "page", "error", "warn"})
    void givenBadSeverity_whenParsed_thenRefused(String text) {
        assertThatThrownBy(() -> Severity.parse("severity", text))
                .isInstanceOf(ConfigException.class)
                .hasMessage("severity: \"" + text + "\" is not a severity; use info, warning or critical");
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "42, 42", "007, 7", "' 3 ', 3", "9223372036854775807, 9223372036854775807"})
    void givenChannelId_whenParsed_thenRead(String text, long id) {
        assertThat(ChannelId.parse("channel_id", text)).isEqualTo(id);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"", "0", "-1", "1.5", "abc", "9223372036854775808", "1e3"})
    void givenBadChannelId_whenParsed_thenRefused(String text) {
        assertThatThrownBy(() -> ChannelId.parse("channel_id", text))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("channel_id: \"" + text + "\" is not a channel id");
    }
}
