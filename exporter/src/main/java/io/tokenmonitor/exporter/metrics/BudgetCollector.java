package io.tokenmonitor.exporter.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.tokenmonitor.common.alert.PolicyLabel;
import io.tokenmonitor.common.alert.TargetName;
import io.tokenmonitor.exporter.budget.Budget;
import io.tokenmonitor.exporter.budget.BudgetScope;
import io.tokenmonitor.exporter.budget.BudgetUsage;
import io.tokenmonitor.exporter.rule.ConfigWatcher;
import io.tokenmonitor.exporter.rule.RuleKind;
import io.tokenmonitor.exporter.rule.RuleOutcome;
import io.tokenmonitor.exporter.rule.RuleRegistry;

/**
 * Every enabled usage rule (the file's budgets, the file's and the console's rules of kind usage) with its usage and limit, carrying the policy labels the bridge acts on,
 * so one Prometheus rule ({@code newapi_budget_used >= newapi_budget_limit}) alerts on all of them.
 *
 * <pre>
 * newapi_budget_used{budget,scope,channel_id|model|token_id+token_name|user_id+username|group,window,unit,notify,action,active,cooldown,severity,tz}
 * newapi_budget_limit{same labels}   (withdrawn once a custom window has ended)
 * newapi_budget_window_start_timestamp_seconds{budget}
 * newapi_budget_window_end_timestamp_seconds{budget}   (rolling windows: the time of evaluation)
 * newapi_budget_config_last_reload_successful
 * newapi_budget_config_last_reload_timestamp_seconds
 * </pre>
 */
public final class BudgetCollector implements MultiCollector {

    private final RuleRegistry rules;
    private final ConfigWatcher watcher;

    public BudgetCollector(RuleRegistry rules, ConfigWatcher watcher) {
        this.rules = rules;
        this.watcher = watcher;
    }

    @Override
    public MetricSnapshots collect() {
        GaugeSnapshot.Builder used = GaugeSnapshot.builder()
                .name("newapi_budget_used")
                .help(
                        "Usage in the budget's window now in force, in its unit (tokens, usd or requests); exact, from the store.");
        GaugeSnapshot.Builder limit =
                GaugeSnapshot.builder().name("newapi_budget_limit").help("The budget's configured limit, in its unit.");
        GaugeSnapshot.Builder start = GaugeSnapshot.builder()
                .name("newapi_budget_window_start_timestamp_seconds")
                .help("Start of the budget's window now in force (unix seconds).");
        GaugeSnapshot.Builder end = GaugeSnapshot.builder()
                .name("newapi_budget_window_end_timestamp_seconds")
                .help(
                        "End of the budget's window now in force (unix seconds); for rolling windows, the time of evaluation.");
        String zone = rules.zone().getId();
        for (RuleOutcome outcome : rules.outcomes()) {
            if (outcome.rule().kind() != RuleKind.USAGE || !outcome.rule().enabled()) {
                continue; // a disabled rule publishes nothing, so its alert resolves
            }
            BudgetUsage usage = outcome.usage();
            if (!usage.counted()) {
                continue; // a key or user name that is unknown or ambiguous: the rule's status says so
            }
            Labels labels = labels(usage.budget(), zone);
            used.dataPoint(gauge(labels, usage.used()));
            if (usage.inForce()) {
                // Without a limit the generic rule (used >= limit) has nothing to match: the alert of a
                // custom budget whose window has ended resolves, while its final usage stays visible.
                limit.dataPoint(gauge(labels, usage.budget().limit().amount()));
            }
            Labels name = Labels.of("budget", usage.budget().name());
            start.dataPoint(gauge(name, usage.windowStart().getEpochSecond()));
            end.dataPoint(gauge(name, usage.windowEnd().getEpochSecond()));
        }
        GaugeSnapshot reloadOk = GaugeSnapshot.builder()
                .name("newapi_budget_config_last_reload_successful")
                .help(
                        "1 when the last load of the config file succeeded; 0 when it was rejected (the previous budgets stay in force).")
                .dataPoint(gauge(Labels.EMPTY, watcher.lastReloadOk() ? 1 : 0))
                .build();
        GaugeSnapshot reloadAt = GaugeSnapshot.builder()
                .name("newapi_budget_config_last_reload_timestamp_seconds")
                .help("When the config file was last loaded (unix seconds).")
                .dataPoint(gauge(Labels.EMPTY, watcher.lastReloadSeconds()))
                .build();
        return MetricSnapshots.of(used.build(), limit.build(), start.build(), end.build(), reloadOk, reloadAt);
    }

    /** @param zone the config's time zone, as the {@code tz} label the bridge reads {@code active} in */
    private static Labels labels(Budget b, String zone) {
        Labels labels = Labels.of("budget", b.name(), "scope", b.scope().label());
        if (b.scope() instanceof BudgetScope.Channel channel) {
            labels = labels.add(PolicyLabel.CHANNEL_ID.label(), channel.channelId());
        } else if (b.scope() instanceof BudgetScope.Model model) {
            labels = labels.add("model", model.model());
        } else {
            labels = AccountLabels.of(labels, b.scope());
        }
        return labels.add("window", b.window().label())
                .add("unit", b.limit().unit().label())
                .add(PolicyLabel.NOTIFY.label(), TargetName.formatList(b.targets()))
                .add(PolicyLabel.ACTION.label(), b.action())
                .add(PolicyLabel.ACTIVE.label(), b.active())
                .add(PolicyLabel.COOLDOWN.label(), b.cooldown())
                .add(PolicyLabel.SEVERITY.label(), b.severity())
                .add(PolicyLabel.TZ.label(), zone);
    }

    private static GaugeDataPointSnapshot gauge(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
