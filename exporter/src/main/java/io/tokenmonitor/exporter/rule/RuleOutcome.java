package io.tokenmonitor.exporter.rule;

import io.tokenmonitor.exporter.budget.BudgetUsage;
import java.util.List;

/**
 * A rule at one evaluation: what the API shows and what /metrics publishes.
 *
 * @param usage the usage rule's usage, as newapi_budget_* publishes it; null for the other kinds
 * @param channels a channel_down rule's channels, one series each; empty for the other kinds
 */
public record RuleOutcome(Rule rule, Evaluation evaluation, BudgetUsage usage, List<ChannelDown> channels) {

    public RuleOutcome {
        channels = List.copyOf(channels);
    }

    /** One channel of a channel_down rule: whether its status is not enabled. */
    public record ChannelDown(String channelId, boolean down) {}
}
