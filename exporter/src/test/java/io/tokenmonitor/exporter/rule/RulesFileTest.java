package io.tokenmonitor.exporter.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.exporter.budget.Budget;
import io.tokenmonitor.exporter.budget.BudgetLimit;
import io.tokenmonitor.exporter.budget.BudgetScope;
import io.tokenmonitor.exporter.budget.BudgetWindow;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class RulesFileTest {

    @Test
    void givenTheContractExample_whenParsed_thenEveryFieldIsRead() {
        RulesFile config = RulesFile.parse("""
                timezone: Asia/Shanghai
                budgets:
                  - name: gpt4o-daily
                    model: gpt-4o
                    window: calendar_day
                    limit: {tokens: 5000000}
                    notify: [telegram, feishu]
                    action: notify
                    active: "Mon-Fri 09:00-18:00"
                    cooldown: 1h
                    severity: warning
                  - {name: ch5, channel_id: 5, window: 7d, limit: {usd: 20}, action: disable_channel}
                  - {name: nov, window: {from: "2026-11-01T00:00", to: "2026-11-30T23:59"}, limit: {requests: 10000}}
                """, "budgets.yml");

        assertThat(config.zone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
        Budget first = config.budgets().get(0);
        assertThat(first.scope()).isEqualTo(new BudgetScope.Model("gpt-4o"));
        assertThat(first.window()).isInstanceOf(BudgetWindow.CalendarDay.class);
        assertThat(first.limit()).isEqualTo(new BudgetLimit(BudgetLimit.Unit.TOKENS, 5_000_000));
        assertThat(first.targets()).containsExactly("telegram", "feishu");
        assertThat(config.budgets().get(1).window()).isEqualTo(new BudgetWindow.Rolling(Duration.ofDays(7), "7d"));
        assertThat(config.budgets().get(2).window())
                .isEqualTo(new BudgetWindow.Fixed(
                        Instant.parse("2026-10-31T16:00:00Z"), Instant.parse("2026-11-30T16:00:00Z")));
    }

    @Test
    void givenMistakes_whenParsed_thenEachMessageNamesTheBudgetAndKey() {
        assertError(
                "budgets: [{name: a, window: calender_day, limit: {tokens: 1}}]",
                "budgets.yml: budgets[0].window: \"calender_day\" is not a window; use 1h, 6h, 12h, 24h, 48h, 72h, 7d, 30d, calendar_day, calendar_month or {from, to}");
        assertError(
                "budgets: [{name: a, window: 1h, limit: {tokens: 1}, action: disable_channel}]",
                "budgets.yml: budgets[0].action: disable_channel needs channel_id; add channel_id or use action: notify");
        assertError(
                "budget: []", "budgets.yml: unknown key \"budget\" at top level; known keys: timezone, budgets, rules");
        assertError(
                "timezone: Asia/Beijing",
                "budgets.yml: timezone: \"Asia/Beijing\" is not an IANA zone; for example Asia/Shanghai");
        assertError(
                "budgets: [{name: a, window: 1h, limit: {tokens: -5}}]",
                "budgets.yml: budgets[0].limit.tokens: \"-5\" is not a positive number");
        assertError(
                "budgets: [{name: a, window: 1h, limit: {tokens: 1, usd: 2}}]",
                "budgets.yml: budgets[0].limit: give exactly one of {tokens: N}, {usd: N} or {requests: N}");
        assertError(
                "budgets: [{name: a, window: 1h, limit: {tokens: 1}}, {name: a, window: 6h, limit: {tokens: 1}}]",
                "budgets.yml: budgets[1].name: \"a\" is used twice; names must be unique across budgets and rules");
        assertError(
                "budgets: [{name: a, window: 1h, limit: {tokens: 1}, cooldown: 5}]",
                "budgets.yml: budgets[0].cooldown: \"5\" has no unit; write 5s, 5m or 5h");
        assertError(
                "budgets: [{name: a, window: 1h, limit: {tokens: 1}, active: 'weekdays 9-5'}]",
                "budgets.yml: budgets[0].active: \"weekdays 9-5\" is not an active window: \"weekdays\" is not a weekday; use Mon, Tue, Wed, Thu, Fri, Sat, Sun");
        assertError(
                "budgets: [{name: a, window: 1h, limit: {tokens: 1}, modle: x}]",
                "budgets.yml: budgets[0].modle: unknown key for a budget; known keys: action, active, channel_id, cooldown, group, limit, model, name, notify, severity, token, token_id, user_id, username, window");
    }

    @Test
    void givenTheSharedGrammars_whenBudgetsUseThem_thenTheyAnswerAsTheBridgeDoes() {
        // Issue 10: active windows, durations and target names are read by the shared grammars (docs/alert-labels.md).
        assertThat(budget("active: always").active()).isEqualTo("always");
        assertThat(budget("active: '09:00-12:00,13:00-18:00'").active()).isEqualTo("09:00-12:00,13:00-18:00");
        assertThatThrownBy(() -> budget("active: '9:00-17:00'"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("b.yml: budgets[0].active: \"9:00-17:00\"");
        assertThatThrownBy(() -> budget("active: '22:00-24:30'"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("b.yml: budgets[0].active: \"22:00-24:30\"");
        assertThatThrownBy(() -> budget("active: '10:00-10:00'"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("b.yml: budgets[0].active: \"10:00-10:00\"");
        assertThat(budget("cooldown: '0'").cooldown()).isEqualTo("0");
        assertThat(budget("severity: info").cooldown())
                .as("absent: the bridge's default")
                .isEmpty();
        assertThatThrownBy(() -> budget("cooldown: ''"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("b.yml: budgets[0].cooldown: is empty; write 30s, 30m or 30h");
        assertThatThrownBy(() -> budget("cooldown: 30m1h"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("b.yml: budgets[0].cooldown: \"30m1h\"");
        assertThat(budget("notify: [team.oncall, ops-team]").targets()).containsExactly("team.oncall", "ops-team");
        assertThatThrownBy(() -> budget("notify: 'ops team'"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("b.yml: budgets[0].notify: \"ops team\" is not a target name");
        assertThat(budget("severity: Critical").severity()).isEqualTo("critical");
    }

    @Test
    void givenCalendarDayInShanghai_whenAskedJustAfterMidnight_thenTheWindowIsTodayInShanghai() {
        BudgetWindow.Interval interval =
                new BudgetWindow.CalendarDay().at(Instant.parse("2026-11-30T16:00:30Z"), ZoneId.of("Asia/Shanghai"));

        assertThat(interval.start()).isEqualTo(Instant.parse("2026-11-30T16:00:00Z"));
        assertThat(interval.end()).isEqualTo(Instant.parse("2026-12-01T16:00:00Z"));
    }

    @Test
    void givenCalendarMonth_whenAsked_thenItRunsToTheFirstOfNextMonth() {
        BudgetWindow.Interval interval =
                new BudgetWindow.CalendarMonth().at(Instant.parse("2026-02-15T12:00:00Z"), ZoneId.of("UTC"));

        assertThat(interval.start()).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
        assertThat(interval.end()).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
    }

    @Test
    void givenRollingWindow_whenAsked_thenItStartsAtTheMinute() {
        BudgetWindow.Interval interval = new BudgetWindow.Rolling(Duration.ofHours(1), "1h")
                .at(Instant.parse("2026-11-30T08:30:45Z"), ZoneId.of("UTC"));

        assertThat(interval.start()).isEqualTo(Instant.parse("2026-11-30T07:30:00Z"));
        assertThat(interval.end()).isEqualTo(Instant.parse("2026-11-30T08:30:45Z"));
    }

    private static Budget budget(String extra) {
        return RulesFile.parse("budgets:\n  - {name: a, window: 1h, limit: {tokens: 1}, " + extra + "}\n", "b.yml")
                .budgets()
                .get(0);
    }

    private static void assertError(String yaml, String message) {
        assertThatThrownBy(() -> RulesFile.parse(yaml, "budgets.yml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }
}
