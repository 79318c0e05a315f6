package io.tokenmonitor.exporter.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.tokenmonitor.exporter.model.Dimension;
import io.tokenmonitor.exporter.model.DimensionKey;
import io.tokenmonitor.exporter.model.DimensionTotals;
import io.tokenmonitor.exporter.model.UsageTotals;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The optional usage families, one set per enabled dimension ({@code OPTIONAL_LABELS}); withheld,
 * like the other usage families, until the first backfill caught up.
 *
 * <pre>
 * newapi_group_usage_requests_total{group}      newapi_token_usage_requests_total{token_name}      newapi_user_usage_requests_total{username}
 * newapi_group_usage_tokens_total{group,token_type}   (likewise for token_name and username)
 * newapi_group_usage_quota_total{group}, newapi_group_usage_quota_refunded_total{group}   (likewise)
 * </pre>
 */
public final class OptionalUsageCollector implements MultiCollector {

    private final Supplier<UsageTotals> totals;
    private final BooleanSupplier ready;
    private final Set<Dimension> enabled;

    public OptionalUsageCollector(Supplier<UsageTotals> totals, BooleanSupplier ready, Set<Dimension> enabled) {
        this.totals = totals;
        this.ready = ready;
        this.enabled = Set.copyOf(enabled);
    }

    @Override
    public MetricSnapshots collect() {
        if (enabled.isEmpty() || !ready.getAsBoolean()) {
            return MetricSnapshots.of();
        }
        List<MetricSnapshot> snapshots = new ArrayList<>();
        Map<DimensionKey, DimensionTotals> dimensions = totals.get().dimensions();
        for (Dimension d : enabled) {
            String what = d.label().replace('_', ' ');
            CounterSnapshot.Builder requests = CounterSnapshot.builder()
                    .name(d.metricPrefix() + "_requests")
                    .help("Requests per " + what
                            + " (OPTIONAL_LABELS; values beyond MAX_LABEL_VALUES count as __other__).");
            CounterSnapshot.Builder tokens = CounterSnapshot.builder()
                    .name(d.metricPrefix() + "_tokens")
                    .help("Input and output tokens per " + what + ".");
            CounterSnapshot.Builder quota =
                    CounterSnapshot.builder().name(d.metricPrefix() + "_quota").help("Quota charged per " + what + ".");
            CounterSnapshot.Builder refunded = CounterSnapshot.builder()
                    .name(d.metricPrefix() + "_quota_refunded")
                    .help("Quota given back per " + what + ".");
            dimensions.forEach((key, t) -> {
                if (key.dimension() == d) {
                    Labels labels = Labels.of(d.label(), key.value());
                    requests.dataPoint(counter(labels, t.requests()));
                    tokens.dataPoint(counter(labels.add("token_type", "input"), t.inputTokens()));
                    tokens.dataPoint(counter(labels.add("token_type", "output"), t.outputTokens()));
                    quota.dataPoint(counter(labels, t.quotaConsumed()));
                    refunded.dataPoint(counter(labels, t.quotaRefunded()));
                }
            });
            snapshots.addAll(List.of(requests.build(), tokens.build(), quota.build(), refunded.build()));
        }
        return new MetricSnapshots(snapshots);
    }

    private static CounterDataPointSnapshot counter(Labels labels, double value) {
        return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
