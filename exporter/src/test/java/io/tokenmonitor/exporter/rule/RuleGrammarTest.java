package io.tokenmonitor.exporter.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.exporter.budget.BudgetLimit;
import io.tokenmonitor.exporter.budget.BudgetScope;
import io.tokenmonitor.exporter.budget.BudgetWindow;
import io.tokenmonitor.exporter.store.LatencyColumn;
import java.time.Duration;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The rules grammar, through the config file (messages with the file and rules[i]) and the API's parser (without). */
class RuleGrammarTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void givenGoodRulesOfEveryKind_whenParsed_thenEveryFieldAndTheDefaultsAreRead() {
        RulesFile file = RulesFile.parse("""
                rules:
                  - {name: openai-errors, kind: error_ratio, channel_id: 3, window: 15m, above: 0.2, min_requests: 5,
                     notify: [ops], action: disable_channel, severity: critical, cooldown: 30m, active: "Mon-Fri 09:00-18:00"}
                  - {name: slow, kind: latency, model: gpt-4o, window: 1h, above: 2.5, metric: ttft}
                  - {name: spike, kind: spike, window: 5m, above: 3, compare_to: 1d, enabled: false}
                  - {name: down, kind: channel_down}
                  - {name: usage, kind: usage, window: 7d, limit: {usd: 20}}
                """, "r.yml");

        Rule errors = file.rules().get(0);
        assertThat(errors.kind()).isEqualTo(RuleKind.ERROR_RATIO);
        assertThat(errors.scope()).isEqualTo(new BudgetScope.Channel("3"));
        assertThat(errors.window()).isEqualTo(new BudgetWindow.Rolling(Duration.ofMinutes(15), "15m"));
        assertThat(errors.above()).isEqualTo(0.2);
        assertThat(errors.minRequests()).isEqualTo(5);
        assertThat(errors.targets()).containsExactly("ops");
        assertThat(errors.action()).isEqualTo("disable_channel");
        assertThat(errors.severity()).isEqualTo("critical");
        assertThat(errors.enabled()).isTrue();
        assertThat(errors.spec().get("enabled").asBoolean())
                .as("enabled added to the spec")
                .isTrue();
        assertThat(errors.spec().has("metric"))
                .as("defaults are not written into the spec")
                .isFalse();

        Rule slow = file.rules().get(1);
        assertThat(slow.scope()).isEqualTo(new BudgetScope.Model("gpt-4o"));
        assertThat(slow.metric()).isEqualTo(LatencyColumn.TTFT);
        assertThat(slow.minRequests()).as("latency default").isEqualTo(10);

        Rule spike = file.rules().get(2);
        assertThat(spike.compareTo()).isEqualTo(Duration.ofDays(1));
        assertThat(spike.minRequests()).as("spike default").isEqualTo(50);
        assertThat(spike.enabled()).isFalse();

        Rule down = file.rules().get(3);
        assertThat(down.scope()).isEqualTo(new BudgetScope.All());
        assertThat(down.window()).isNull();

        assertThat(file.rules().get(4).limit()).isEqualTo(new BudgetLimit(BudgetLimit.Unit.USD, 20));
        assertThat(file.budgets()).as("usage rules count as budgets").hasSize(1);
        assertThat(RulesFile.parse("rules: [{name: e, kind: error_ratio, window: 5m, above: 0.5}]", "r.yml")
                        .rules()
                        .get(0)
                        .minRequests())
                .as("error_ratio default")
                .isEqualTo(20);
        assertThat(RulesFile.parse("rules: [{name: l, kind: latency, window: 5m, above: 1}]", "r.yml")
                        .rules()
                        .get(0)
                        .metric())
                .isEqualTo(LatencyColumn.DURATION);
        assertThat(RulesFile.parse("rules: [{name: s, kind: spike, window: 5m, above: 2}]", "r.yml")
                        .rules()
                        .get(0)
                        .compareTo())
                .isEqualTo(Duration.ofDays(7));
    }

    @Test
    void givenBadValues_whenParsedFromTheFile_thenTheMessageNamesTheFileTheRuleAndTheField() {
        fileError(
                "{name: e, kind: error_ratio, window: 5m, above: 1}",
                "above: \"1\" is not a ratio between 0 and 1 (exclusive); write for example 0.2");
        fileError(
                "{name: e, kind: error_ratio, window: 5m, above: 0}",
                "above: \"0\" is not a ratio between 0 and 1 (exclusive); write for example 0.2");
        fileError("{name: e, kind: error_ratio, window: 5m, above: x}", "above: \"x\" is not a number");
        fileError("{name: e, kind: error_ratio, window: 5m}", "above: missing");
        fileError(
                "{name: e, kind: error_ratio, window: 7d, above: 0.5}",
                "window: \"7d\" is not a window for this kind; use 5m, 10m, 15m, 30m, 1h, 6h, 12h or 24h");
        fileError(
                "{name: e, kind: error_ratio, above: 0.5}",
                "window: missing; use 5m, 10m, 15m, 30m, 1h, 6h, 12h or 24h");
        fileError(
                "{name: e, kind: error_ratio, window: 5m, above: 0.5, min_requests: 0}",
                "min_requests: \"0\" is not a whole number of 1 or more");
        fileError(
                "{name: e, kind: error_ratio, window: 5m, above: 0.5, min_requests: 2.5}",
                "min_requests: \"2.5\" is not a whole number of 1 or more");
        fileError("{name: l, kind: latency, window: 5m, above: 0}", "above: \"0\" is not more than 0 seconds");
        fileError(
                "{name: l, kind: latency, window: 5m, above: 1, metric: p99}",
                "metric: \"p99\" is not a latency metric; use duration or ttft");
        fileError(
                "{name: s, kind: spike, window: 5m, above: 1}",
                "above: \"1\" is not a factor above 1; write for example 3");
        fileError(
                "{name: s, kind: spike, window: 5m, above: 2, compare_to: 2d}",
                "compare_to: \"2d\" is not a comparison; use 1d or 7d");
        fileError(
                "{name: u, kind: usage, window: 5m, limit: {tokens: 1}}",
                "window: \"5m\" is not a window; use 1h, 6h, 12h, 24h, 48h, 72h, 7d, 30d, calendar_day, calendar_month or {from, to}");
        fileError(
                "{name: u, kind: usage, window: 1h}",
                "limit: give exactly one of {tokens: N}, {usd: N} or {requests: N}");
        fileError(
                "{name: x, kind: errors}",
                "kind: \"errors\" is not a kind; use usage, error_ratio, latency, spike, channel_down or spend_anomaly");
        fileError("{name: x}", "kind: missing");
        fileError("{kind: channel_down}", "name: missing");
        fileError(
                "{name: 'a b', kind: channel_down}",
                "name: \"a b\" may only use letters, digits and _ . : - (at most 100)");
        fileError("{name: d, kind: channel_down, enabled: yes please}", "enabled: \"yes please\" is not true or false");
        fileError(
                "{name: d, kind: channel_down, channel_id: abc}",
                "channel_id: \"abc\" is not a channel id; use the gateway's numeric id (1 or more)");
        fileError(
                "{name: d, kind: channel_down, severity: loud}",
                "severity: \"loud\" is not a severity; use info, warning or critical");
    }

    @Test
    void givenKeysThatDoNotBelongToTheKind_whenParsed_thenTheMessageNamesTheKey() {
        fileError(
                "{name: d, kind: channel_down, window: 5m}",
                "window: unknown key for a rule of kind channel_down; known keys: action, active, channel_id, cooldown, enabled, kind, name, notify, severity");
        fileError(
                "{name: d, kind: channel_down, model: gpt-4o}",
                "model: unknown key for a rule of kind channel_down; known keys: action, active, channel_id, cooldown, enabled, kind, name, notify, severity");
        fileError(
                "{name: e, kind: error_ratio, window: 5m, above: 0.5, limit: {tokens: 1}}",
                "limit: unknown key for a rule of kind error_ratio; known keys: above, action, active, channel_id, cooldown, enabled, group, kind, min_requests, model, name, notify, severity, token, token_id, user_id, username, window");
        fileError(
                "{name: e, kind: error_ratio, window: 5m, above: 0.5, metric: ttft}",
                "metric: unknown key for a rule of kind error_ratio; known keys: above, action, active, channel_id, cooldown, enabled, group, kind, min_requests, model, name, notify, severity, token, token_id, user_id, username, window");
        fileError(
                "{name: u, kind: usage, window: 1h, limit: {tokens: 1}, above: 3}",
                "above: unknown key for a rule of kind usage; known keys: action, active, channel_id, cooldown, enabled, group, kind, limit, model, name, notify, severity, token, token_id, user_id, username, window");
        fileError(
                "{name: s, kind: latency, window: 5m, above: 1, compare_to: 1d}",
                "compare_to: unknown key for a rule of kind latency; known keys: above, action, active, channel_id, cooldown, enabled, group, kind, metric, min_requests, model, name, notify, severity, token, token_id, user_id, username, window");
        fileError(
                "{name: s, kind: spike, window: 5m, above: 2, abve: 3}",
                "abve: unknown key for a rule of kind spike; known keys: above, action, active, channel_id, compare_to, cooldown, enabled, group, kind, min_requests, model, name, notify, severity, token, token_id, user_id, username, window");
    }

    @Test
    void givenScopeAndActionMistakes_whenParsed_thenTheyAreRefused() {
        fileError(
                "{name: e, kind: error_ratio, window: 5m, above: 0.5, channel_id: 3, model: gpt-4o}",
                "model: give model or channel_id, not both (a rule watches one channel, one model or all traffic)");
        fileError(
                "{name: e, kind: error_ratio, window: 5m, above: 0.5, model: gpt-4o, action: disable_channel}",
                "action: disable_channel needs channel_id; add channel_id or use action: notify");
        fileError(
                "{name: e, kind: spike, window: 5m, above: 2, action: disable_channel}",
                "action: disable_channel needs channel_id; add channel_id or use action: notify");
        fileError(
                "{name: d, kind: channel_down, channel_id: 3, action: disable_channel}",
                "action: disable_channel does not fit channel_down (the channel is down already); use action: notify");
        assertThat(RulesFile.parse("rules: [{name: d, kind: channel_down, channel_id: 3, action: notify}]", "r.yml")
                        .rules()
                        .get(0)
                        .scope())
                .isEqualTo(new BudgetScope.Channel("3"));
    }

    @Test
    void givenTheSameNameInBudgetsAndRules_whenParsed_thenTheSecondIsRefused() {
        assertThatThrownBy(() -> RulesFile.parse("""
                        budgets: [{name: a, window: 1h, limit: {tokens: 1}}]
                        rules: [{name: b, kind: channel_down}, {name: a, kind: channel_down}]
                        """, "r.yml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("r.yml: rules[1].name: \"a\" is used twice; names must be unique across budgets and rules");
        assertThatThrownBy(() -> RulesFile.parse("rules: {name: a}", "r.yml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("r.yml: rules: expected a list of rules");
        assertThatThrownBy(() -> RulesFile.parse("rules: [3]", "r.yml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("r.yml: rules[0]: expected a mapping with name and kind");
        assertThatThrownBy(() ->
                        RulesFile.parse("budgets: [{name: a, kind: usage, window: 1h, limit: {tokens: 1}}]", "r.yml"))
                .as("budgets keep their grammar: no kind")
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("r.yml: budgets[0].kind: unknown key for a budget");
    }

    /** The API's text: the same as the file's without "<file>: rules[i].", and the field apart. */
    @Test
    void givenBadJsonSpecs_whenParsedForTheApi_thenTheMessageHasNoPrefixAndTheFieldIsNamed() throws Exception {
        RuleParser api = new RuleParser("", ZoneId.of("UTC"));
        apiError(
                api,
                "{\"name\":\"e\",\"kind\":\"error_ratio\",\"window\":\"5m\",\"above\":\"x\"}",
                "above",
                "above: \"x\" is not a number");
        apiError(
                api,
                "{\"name\":\"e\",\"kind\":\"error_ratio\",\"window\":\"5m\",\"above\":0.5,\"limit\":{\"tokens\":1}}",
                "limit",
                "limit: unknown key for a rule of kind error_ratio; known keys: above, action, active, channel_id, cooldown, enabled, group, kind, min_requests, model, name, notify, severity, token, token_id, user_id, username, window");
        apiError(
                api,
                "{\"name\":\"e\",\"kind\":\"usage\",\"window\":\"1h\",\"limit\":{\"usd\":-1}}",
                "limit.usd",
                "limit.usd: \"-1\" is not a positive number");
        apiError(
                api,
                "{\"name\":\"e\",\"kind\":\"spike\",\"window\":\"1h\",\"above\":2,\"cooldown\":\"5\"}",
                "cooldown",
                "cooldown: \"5\" has no unit; write 5s, 5m or 5h");
        apiError(api, "{\"name\":\"e\",\"kind\":\"channel_down\",\"notify\":[\"ops team\"]}", "notify", null);
        apiError(api, "[1]", "", "expected a mapping with name and kind");
        Rule ok = api.rule(JSON.readTree("{\"name\":\"e\",\"kind\":\"error_ratio\",\"window\":\"5m\",\"above\":0.5}"));
        assertThat(ok.spec().toString())
                .isEqualTo(
                        "{\"name\":\"e\",\"kind\":\"error_ratio\",\"window\":\"5m\",\"above\":0.5,\"enabled\":true}");
    }

    private static void fileError(String rule, String detail) {
        assertThatThrownBy(() ->
                        RulesFile.parse("rules:\n  - {name: ok, kind: channel_down}\n  - " + rule + "\n", "rules.yml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("rules.yml: rules[1]." + detail);
    }

    private static void apiError(RuleParser api, String json, String field, String message) {
        assertThatThrownBy(() -> api.rule(JSON.readTree(json))).isInstanceOfSatisfying(RuleSpecException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            if (message != null) {
                assertThat(e.getMessage()).isEqualTo(message);
            } else {
                assertThat(e.getMessage()).startsWith(field + ": ");
            }
        });
    }
}
