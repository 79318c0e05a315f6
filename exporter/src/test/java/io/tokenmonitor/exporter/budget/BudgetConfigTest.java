package io.tokenmonitor.exporter.budget;

import io.tokenmonitor.exporter.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BudgetConfigTest {

    @Test
    void givenTheContractExample_whenParsed_thenEveryFieldIsRead() {
        BudgetConfig config = BudgetConfig.parse("""
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
        assertThat(config.budgets().get(2).window()).isEqualTo(new BudgetWindow.Fixed(
                Instant.parse("2026-10-31T16:00:00Z"), Instant.parse("2026-11-30T16:00:00Z")));
    }

    @Test
    void givenMistakes_whenParsed_thenEachMessageNamesTheBudgetAndKey() {
        assertError("budgets: [{name: a, window: calender_day, limit: {tokens: 1}}]",
                "budgets.yml: budgets[0].window: \"calender_day\" is not a window; use 1h, 6h, 12h, 24h, 48h, 72h, 7d, 30d, calendar_day, calendar_month or {from, to}");
        assertError("budgets: [{name: a, window: 1h, limit: {tokens: 1}, action: disable_channel}]",
                "budgets.yml: budgets[0].action: disable_channel needs channel_id; add channel_id or use action: notify");
        assertError("budget: []", "budgets.yml: unknown key \"budget\" at top level; known keys: timezone, budgets");
        assertError("timezone: Asia/Beijing", "budgets.yml: timezone: \"Asia/Beijing\" is not an IANA zone; for example Asia/Shanghai");
        assertError("budgets: [{name: a, window: 1h, limit: {tokens: -5}}]", "budgets.yml: budgets[0].limit.tokens: \"-5\" is not a positive number");
        assertError("budgets: [{name: a, window: 1h, limit: {tokens: 1, usd: 2}}]",
                "budgets.yml: budgets[0].limit: give exactly one of {tokens: N}, {usd: N} or {requests: N}");
        assertError("budgets: [{name: a, window: 1h, limit: {tokens: 1}}, {name: a, window: 6h, limit: {tokens: 1}}]",
                "budgets.yml: budgets[1].name: \"a\" is used twice; names must be unique");
        assertError("budgets: [{name: a, window: 1h, limit: {tokens: 1}, cooldown: 5}]",
                "budgets.yml: budgets[0].cooldown: \"5\" has no unit; write 5s, 5ms or 5m");
        assertError("budgets: [{name: a, window: 1h, limit: {tokens: 1}, active: 'weekdays 9-5'}]",
                "budgets.yml: budgets[0].active: \"weekdays 9-5\" is not an active window; write e.g. \"Mon-Fri 09:00-18:00\" or \"22:00-06:00\"");
        assertError("budgets: [{name: a, window: 1h, limit: {tokens: 1}, modle: x}]",
                "budgets.yml: budgets[0]: unknown key \"modle\"; known keys: action, active, channel_id, cooldown, limit, model, name, notify, severity, window");
    }

    @Test
    void givenCalendarDayInShanghai_whenAskedJustAfterMidnight_thenTheWindowIsTodayInShanghai() {
        BudgetWindow.Interval interval = new BudgetWindow.CalendarDay().at(Instant.parse("2026-11-30T16:00:30Z"), ZoneId.of("Asia/Shanghai"));

        assertThat(interval.start()).isEqualTo(Instant.parse("2026-11-30T16:00:00Z"));
        assertThat(interval.end()).isEqualTo(Instant.parse("2026-12-01T16:00:00Z"));
    }

    @Test
    void givenCalendarMonth_whenAsked_thenItRunsToTheFirstOfNextMonth() {
        BudgetWindow.Interval interval = new BudgetWindow.CalendarMonth().at(Instant.parse("2026-02-15T12:00:00Z"), ZoneId.of("UTC"));

        assertThat(interval.start()).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
        assertThat(interval.end()).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
    }

    @Test
    void givenRollingWindow_whenAsked_thenItStartsAtTheMinute() {
        BudgetWindow.Interval interval = new BudgetWindow.Rolling(Duration.ofHours(1), "1h").at(Instant.parse("2026-11-30T08:30:45Z"), ZoneId.of("UTC"));

        assertThat(interval.start()).isEqualTo(Instant.parse("2026-11-30T07:30:00Z"));
        assertThat(interval.end()).isEqualTo(Instant.parse("2026-11-30T08:30:45Z"));
    }

    private static void assertError(String yaml, String message) {
        assertThatThrownBy(() -> BudgetConfig.parse(yaml, "budgets.yml")).isInstanceOf(ConfigException.class).hasMessage(message);
    }
}
