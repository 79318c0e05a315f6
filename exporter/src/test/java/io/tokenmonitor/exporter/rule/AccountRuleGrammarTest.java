package io.tokenmonitor.exporter.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.exporter.budget.BudgetScope;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The grammar's key, user and group scopes, their actions, and spend_anomaly (docs/alert-labels.md). */
class AccountRuleGrammarTest {

    @Test
    void givenEachAccountScope_whenParsed_thenTheScopeIsTheOneGiven() {
        List<Rule> rules = RulesFile.parse("""
                        budgets:
                          - {name: k, token_id: 42, window: 24h, limit: {usd: 5}, action: disable_token}
                          - {name: kn, token: "ci key", window: calendar_day, limit: {usd: 5}, action: disable_token}
                          - {name: u, user_id: "7", window: 7d, limit: {requests: 100}, action: disable_user}
                          - {name: un, username: alice, window: 30d, limit: {tokens: 1000}}
                          - {name: g, group: vip, window: calendar_month, limit: {usd: 100}}
                        rules:
                          - {name: e, kind: error_ratio, token_id: 42, window: 5m, above: 0.5}
                          - {name: s, kind: spend_anomaly, per: token, action: disable_token}
                          - {name: s2, kind: spend_anomaly, username: bob, window: 6h, weeks: 4, above: 2.5, min_usd: 10}
                        """, "rules.yml").rules();
        assertThat(rules.stream().map(Rule::scope))
                .containsExactly(
                        new BudgetScope.Token(42, ""),
                        new BudgetScope.TokenNamed("ci key"),
                        new BudgetScope.User(7, ""),
                        new BudgetScope.UserNamed("alice"),
                        new BudgetScope.Group("vip"),
                        new BudgetScope.Token(42, ""),
                        new BudgetScope.All(),
                        new BudgetScope.UserNamed("bob"));
        Rule perToken = rules.get(6);
        assertThat(perToken.anomaly()).isEqualTo(new Rule.SpendAnomaly(2, 1, Rule.Per.TOKEN));
        assertThat(perToken.above()).as("default factor").isEqualTo(3);
        assertThat(perToken.windowLabel()).as("default window").isEqualTo("1h");
        Rule bob = rules.get(7);
        assertThat(bob.anomaly()).isEqualTo(new Rule.SpendAnomaly(4, 10, null));
        assertThat(bob.above()).isEqualTo(2.5);
        assertThat(bob.windowLabel()).isEqualTo("6h");
    }

    @Test
    void givenMistakes_whenParsed_thenEachMessageNamesTheField() {
        error(
                "{name: k, token_id: 42, user_id: 7, window: 1h, limit: {usd: 1}}",
                "user_id: give one of channel_id, model, token_id, token, user_id, username or group, not both token_id"
                        + " and user_id (a rule watches one channel, model, key, user or group, or all traffic)");
        error(
                "{name: k, channel_id: 3, group: vip, window: 1h, limit: {usd: 1}}",
                "group: give one of channel_id, model, token_id, token, user_id, username or group, not both"
                        + " channel_id and group (a rule watches one channel, model, key, user or group, or all"
                        + " traffic)");
        error(
                "{name: k, token_id: abc, window: 1h, limit: {usd: 1}}",
                "token_id: \"abc\" is not a key's id (tokens.id); write a whole number of 1 or more, for example 42");
        error(
                "{name: k, user_id: 0, window: 1h, limit: {usd: 1}}",
                "user_id: \"0\" is not a user's id (users.id); write a whole number of 1 or more, for example 42");
        error(
                "{name: k, user_id: 7, window: 1h, limit: {usd: 1}, action: disable_token}",
                "action: disable_token needs a key: add token_id or token, or use action: notify");
        error(
                "{name: k, token: ci, window: 1h, limit: {usd: 1}, action: disable_user}",
                "action: disable_user needs a user: add user_id or username, or use action: notify");
        error(
                "{name: k, token_id: 4, window: 1h, limit: {usd: 1}, action: disable_channel}",
                "action: disable_channel needs channel_id; add channel_id or use action: notify");
        error("{name: k, token: '', window: 1h, limit: {usd: 1}}", "token: missing");
        ruleError(
                "{name: s, kind: spend_anomaly, per: user, action: disable_token}",
                "action: disable_token needs a key: add token_id or token (or per: token), or use action: notify");
        ruleError("{name: s, kind: spend_anomaly, per: key}", "per: \"key\" is not a per; use token, user or group");
        ruleError(
                "{name: s, kind: spend_anomaly, per: token, group: vip}",
                "per: give per or a scope (group), not both; per watches every token");
        ruleError(
                "{name: s, kind: spend_anomaly, weeks: 5}", "weeks: \"5\" is not a whole number of weeks from 1 to 4");
        ruleError(
                "{name: s, kind: spend_anomaly, above: 1}",
                "above: \"1\" is not a factor above 1; write for example 3");
        ruleError("{name: s, kind: spend_anomaly, min_usd: -1}", "min_usd: \"-1\" is not 0 or more US dollars");
        ruleError(
                "{name: s, kind: spend_anomaly, window: 7d}",
                "window: \"7d\" is not a window for this kind; use 5m, 10m, 15m, 30m, 1h, 6h, 12h or 24h");
        ruleError(
                "{name: d, kind: channel_down, token_id: 4}",
                "token_id: unknown key for a rule of kind channel_down; known keys: action, active, channel_id,"
                        + " cooldown, enabled, kind, name, notify, severity");
        ruleError(
                "{name: s, kind: spend_anomaly, compare_to: 7d}",
                "compare_to: unknown key for a rule of kind spend_anomaly; known keys: above, action, active,"
                        + " channel_id, cooldown, enabled, group, kind, min_usd, model, name, notify, per, severity,"
                        + " token, token_id, user_id, username, weeks, window");
    }

    private static void error(String budget, String detail) {
        assertThatThrownBy(() -> RulesFile.parse("budgets:\n  - " + budget + "\n", "b.yml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("b.yml: budgets[0]." + detail);
    }

    private static void ruleError(String rule, String detail) {
        assertThatThrownBy(() -> RulesFile.parse("rules:\n  - " + rule + "\n", "r.yml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("r.yml: rules[0]." + detail);
    }
}
