package io.tokenmonitor.exporter.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.tokenmonitor.common.alert.PolicyLabel;
import io.tokenmonitor.common.alert.TargetName;
import io.tokenmonitor.exporter.budget.BudgetScope;
import io.tokenmonitor.exporter.rule.Evaluation;
import io.tokenmonitor.exporter.rule.Rule;
import io.tokenmonitor.exporter.rule.RuleKind;
import io.tokenmonitor.exporter.rule.RuleOutcome;
import io.tokenmonitor.exporter.rule.RuleRegistry;

/**
 * Every enabled rule of the kinds other than usage with its value and threshold, carrying the policy
 * labels the bridge acts on, so one Prometheus rule per kind alerts on all of them (value above the
 * threshold; channel_down: at or above).
 *
 * <pre>
 * newapi_rule_value{rule,kind,scope,channel_id|model|token_id+token_name|user_id+username|group,window,notify,action,active,cooldown,severity,tz}
 * newapi_rule_threshold{same labels}   (only while armed: min_requests met, channels read)
 * </pre>
 *
 * A channel_down rule has no window label and one series per channel it watches (value 1 while the
 * channel is not enabled); one without channel_id has scope "all" and a channel_id label per series.
 * A rule without a value (no request in its window) publishes no newapi_rule_value; nor does one whose key or user
 * name is unknown or ambiguous. A spend_anomaly rule with {@code per} has one series per key, user or group over its
 * threshold (at most the series limit, highest first), scope token, user or group, with token_id, token_name,
 * user_id, username and group (per token), user_id, username and group (per user), or group.
 */
public final class RuleCollector implements MultiCollector {

    private final RuleRegistry rules;

    public RuleCollector(RuleRegistry rules) {
        this.rules = rules;
    }

    @Override
    public MetricSnapshots collect() {
        GaugeSnapshot.Builder value = GaugeSnapshot.builder()
                .name("newapi_rule_value")
                .help("An alert rule's value now, in its unit (ratio, seconds, factor; channel_down: 1 while the"
                        + " channel is not enabled); exact, from the store.");
        GaugeSnapshot.Builder threshold = GaugeSnapshot.builder()
                .name("newapi_rule_threshold")
                .help(
                        "An alert rule's threshold; present only while the rule is armed (enough requests in its window).");
        String zone = rules.zone().getId();
        for (RuleOutcome outcome : rules.outcomes()) {
            Rule rule = outcome.rule();
            if (rule.kind() == RuleKind.USAGE || !rule.enabled()) {
                continue; // usage rules are newapi_budget_*; a disabled rule publishes nothing
            }
            Evaluation evaluation = outcome.evaluation();
            if (rule.kind() == RuleKind.CHANNEL_DOWN) {
                for (RuleOutcome.ChannelDown channel : outcome.channels()) {
                    Labels labels = labels(rule, outcome.scope(), zone, channel.channelId());
                    value.dataPoint(gauge(labels, channel.down() ? 1 : 0));
                    if (evaluation.armed()) {
                        threshold.dataPoint(gauge(labels, evaluation.threshold()));
                    }
                }
                continue;
            }
            if (rule.kind() == RuleKind.SPEND_ANOMALY && rule.anomaly().per() != null) {
                for (RuleOutcome.AccountSpend account : outcome.accounts()) {
                    Labels labels = accountLabels(rule, zone, account);
                    value.dataPoint(gauge(labels, account.spendUsd()));
                    threshold.dataPoint(gauge(labels, account.thresholdUsd()));
                }
                continue;
            }
            Labels labels = labels(rule, outcome.scope(), zone, null);
            if (evaluation.value() != null) {
                value.dataPoint(gauge(labels, evaluation.value()));
            }
            if (evaluation.armed()) {
                threshold.dataPoint(gauge(labels, evaluation.threshold()));
            }
        }
        return MetricSnapshots.of(value.build(), threshold.build());
    }

    /** One key, user or group of a spend_anomaly rule with {@code per}: scope is the per, with its labels. */
    private static Labels accountLabels(Rule rule, String zone, RuleOutcome.AccountSpend account) {
        Labels labels = Labels.of(
                "rule",
                rule.name(),
                "kind",
                rule.kind().label(),
                "scope",
                rule.anomaly().per().label());
        if (account.key() != null) {
            labels = AccountLabels.of(labels, account.key());
        } else if (account.user() != null) {
            labels = AccountLabels.of(labels, account.user());
        } else {
            labels = labels.add("group", account.group());
        }
        return policy(rule, zone, labels);
    }

    /**
     * @param scope the rule's scope as evaluated (a key or user with its id and name)
     * @param channelId the series' channel of a channel_down rule over every channel; null otherwise
     */
    private static Labels labels(Rule rule, BudgetScope scope, String zone, String channelId) {
        Labels labels = Labels.of("rule", rule.name(), "kind", rule.kind().label(), "scope", scope.label());
        if (scope instanceof BudgetScope.Channel channel) {
            labels = labels.add(PolicyLabel.CHANNEL_ID.label(), channel.channelId());
        } else if (scope instanceof BudgetScope.Model model) {
            labels = labels.add("model", model.model());
        } else if (channelId != null) {
            labels = labels.add(PolicyLabel.CHANNEL_ID.label(), channelId);
        } else {
            labels = AccountLabels.of(labels, scope);
        }
        return policy(rule, zone, labels);
    }

    private static Labels policy(Rule rule, String zone, Labels labels) {
        if (rule.window() != null) {
            labels = labels.add("window", rule.windowLabel());
        }
        return labels.add(PolicyLabel.NOTIFY.label(), TargetName.formatList(rule.targets()))
                .add(PolicyLabel.ACTION.label(), rule.action())
                .add(PolicyLabel.ACTIVE.label(), rule.active())
                .add(PolicyLabel.COOLDOWN.label(), rule.cooldown())
                .add(PolicyLabel.SEVERITY.label(), rule.severity())
                .add(PolicyLabel.TZ.label(), zone);
    }

    private static GaugeDataPointSnapshot gauge(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
