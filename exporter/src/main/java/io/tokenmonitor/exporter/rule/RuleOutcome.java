package io.tokenmonitor.exporter.rule;

import io.tokenmonitor.exporter.budget.BudgetScope;
import io.tokenmonitor.exporter.budget.BudgetUsage;
import io.tokenmonitor.exporter.store.AccountKey;
import io.tokenmonitor.exporter.store.AccountUser;
import java.util.List;

/**
 * A rule at one evaluation: what the API shows and what /metrics publishes.
 *
 * @param usage the usage rule's usage, as newapi_budget_* publishes it; null for the other kinds
 * @param channels a channel_down rule's channels, one series each; empty for the other kinds
 * @param scope the rule's scope as evaluated: a key or user name resolved to its id, an id with its name
 * @param accounts a spend_anomaly rule's keys, users or groups over the threshold ({@code per}), highest first and
 *     at most the series limit; empty for the other rules
 */
public record RuleOutcome(
        Rule rule,
        Evaluation evaluation,
        BudgetUsage usage,
        List<ChannelDown> channels,
        BudgetScope scope,
        List<AccountSpend> accounts) {

    public RuleOutcome {
        channels = List.copyOf(channels);
        accounts = List.copyOf(accounts);
    }

    public RuleOutcome(Rule rule, Evaluation evaluation, BudgetUsage usage, List<ChannelDown> channels) {
        this(rule, evaluation, usage, channels, rule.scope(), List.of());
    }

    /**
     * One key, user or group of a spend_anomaly rule with {@code per}: its spend and threshold (USD).
     *
     * @param key the key with its user and group (per token); null otherwise
     * @param user the user with its group (per user); null otherwise
     * @param group the group (per group); empty otherwise
     */
    public record AccountSpend(AccountKey key, AccountUser user, String group, double spendUsd, double thresholdUsd) {}

    /** One channel of a channel_down rule: whether its status is not enabled. */
    public record ChannelDown(String channelId, boolean down) {}
}
