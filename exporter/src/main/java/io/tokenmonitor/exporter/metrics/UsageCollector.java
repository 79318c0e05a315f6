package io.tokenmonitor.exporter.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.tokenmonitor.exporter.store.HistogramCounts;
import io.tokenmonitor.exporter.store.SeriesKey;
import io.tokenmonitor.exporter.store.SeriesTotals;
import io.tokenmonitor.exporter.store.UsageTotals;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Publishes the gateway's usage from the in-memory totals; no SQL runs during a scrape. Withholds
 * everything until the first backfill has caught up, so the first sample of each series is the
 * caught-up total.
 *
 * <pre>
 * newapi_usage_requests_total{channel_id,model,stream}
 * newapi_usage_request_errors_total{channel_id,model,status_class}
 * newapi_usage_tokens_total{channel_id,model,token_type}
 * newapi_usage_cache_read_tokens_total{channel_id,model}
 * newapi_usage_cache_write_tokens_total{channel_id,model}
 * newapi_usage_quota_total{channel_id,model}
 * newapi_usage_quota_refunded_total{channel_id,model}
 * newapi_usage_request_duration_seconds{channel_id,model,stream} (histogram)
 * newapi_usage_time_to_first_token_seconds{channel_id,model} (histogram)
 * </pre>
 */
public final class UsageCollector implements MultiCollector {

    static final List<String> NAMES = List.of("newapi_usage_requests", "newapi_usage_request_errors", "newapi_usage_tokens",
            "newapi_usage_cache_read_tokens", "newapi_usage_cache_write_tokens", "newapi_usage_quota",
            "newapi_usage_quota_refunded", "newapi_usage_request_duration_seconds", "newapi_usage_time_to_first_token_seconds");

    private static final double[] DURATION_BOUNDS = withInfinity(HistogramCounts.DURATION_BOUNDS);
    private static final double[] TTFT_BOUNDS = withInfinity(HistogramCounts.TTFT_BOUNDS);

    private final Supplier<UsageTotals> totals;
    private final BooleanSupplier ready;

    public UsageCollector(Supplier<UsageTotals> totals, BooleanSupplier ready) {
        this.totals = totals;
        this.ready = ready;
    }

    @Override
    public MetricSnapshots collect() {
        if (!ready.getAsBoolean()) {
            return MetricSnapshots.of();
        }
        UsageTotals now = totals.get();
        CounterSnapshot.Builder requests = CounterSnapshot.builder().name("newapi_usage_requests")
                .help("Requests the gateway logged as consumed (log type 2), channel tests and task settlements excluded.");
        CounterSnapshot.Builder errors = CounterSnapshot.builder().name("newapi_usage_request_errors")
                .help("Failed relay attempts the gateway logged (New API type 5, one per attempt; needs ERROR_LOG_ENABLED=true).");
        CounterSnapshot.Builder tokens = CounterSnapshot.builder().name("newapi_usage_tokens")
                .help("Prompt (input) and completion (output) tokens of consumed requests.");
        CounterSnapshot.Builder cacheRead = CounterSnapshot.builder().name("newapi_usage_cache_read_tokens")
                .help("Prompt tokens served from the provider's cache (other.cache_tokens).");
        CounterSnapshot.Builder cacheWrite = CounterSnapshot.builder().name("newapi_usage_cache_write_tokens")
                .help("Prompt tokens written to the provider's cache (other.cache_creation_tokens).");
        CounterSnapshot.Builder quota = CounterSnapshot.builder().name("newapi_usage_quota")
                .help("Quota charged, in gateway units (USD = quota / newapi_quota_per_unit). Net spend is this minus newapi_usage_quota_refunded_total.");
        CounterSnapshot.Builder refunded = CounterSnapshot.builder().name("newapi_usage_quota_refunded")
                .help("Quota given back by refunds (type 6) and negative task settlements, in gateway units.");
        HistogramSnapshot.Builder duration = HistogramSnapshot.builder().name("newapi_usage_request_duration_seconds")
                .help("Request latency as the gateway logged it (New API use_time, whole seconds; One API elapsed_time).");
        HistogramSnapshot.Builder ttft = HistogramSnapshot.builder().name("newapi_usage_time_to_first_token_seconds")
                .help("Time to first token of streamed requests (other.frt).");

        Map<List<String>, SeriesTotals[]> byChannelModel = new TreeMap<>(UsageCollector::compareLists);
        for (Map.Entry<SeriesKey, SeriesTotals> entry : now.series().entrySet()) {
            SeriesKey key = entry.getKey();
            SeriesTotals t = entry.getValue();
            Labels labels = Labels.of("channel_id", key.channelId(), "model", key.model(), "stream", Boolean.toString(key.stream()));
            requests.dataPoint(counter(labels, t.requests()));
            duration.dataPoint(histogram(labels, DURATION_BOUNDS, t.duration()));
            byChannelModel.computeIfAbsent(List.of(key.channelId(), key.model()), k -> new SeriesTotals[2])[key.stream() ? 1 : 0] = t;
        }
        byChannelModel.forEach((key, pair) -> {
            Labels labels = Labels.of("channel_id", key.get(0), "model", key.get(1));
            tokens.dataPoint(counter(labels.add("token_type", "input"), sum(pair, SeriesTotals::inputTokens)));
            tokens.dataPoint(counter(labels.add("token_type", "output"), sum(pair, SeriesTotals::outputTokens)));
            cacheRead.dataPoint(counter(labels, sum(pair, SeriesTotals::cacheReadTokens)));
            cacheWrite.dataPoint(counter(labels, sum(pair, SeriesTotals::cacheWriteTokens)));
            quota.dataPoint(counter(labels, sum(pair, SeriesTotals::quotaConsumed)));
            refunded.dataPoint(counter(labels, sum(pair, SeriesTotals::quotaRefunded)));
            if (pair[1] != null && pair[1].ttft().count() > 0) {
                ttft.dataPoint(histogram(labels, TTFT_BOUNDS, pair[1].ttft()));
            }
        });
        now.errors().forEach((key, count) -> errors.dataPoint(counter(
                Labels.of("channel_id", key.channelId(), "model", key.model(), "status_class", key.statusClass()), count)));
        return MetricSnapshots.of(requests.build(), errors.build(), tokens.build(), cacheRead.build(), cacheWrite.build(),
                quota.build(), refunded.build(), duration.build(), ttft.build());
    }

    @Override
    public List<String> getPrometheusNames() {
        return NAMES;
    }

    private static CounterDataPointSnapshot counter(Labels labels, double value) {
        return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static HistogramDataPointSnapshot histogram(Labels labels, double[] bounds, HistogramCounts counts) {
        return HistogramDataPointSnapshot.builder().labels(labels)
                .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts.counts()))
                .sum(counts.sum()).build();
    }

    private static long sum(SeriesTotals[] pair, java.util.function.ToLongFunction<SeriesTotals> value) {
        return Arrays.stream(pair).filter(java.util.Objects::nonNull).mapToLong(value).sum();
    }

    private static int compareLists(List<String> a, List<String> b) {
        int c = a.get(0).compareTo(b.get(0));
        return c != 0 ? c : a.get(1).compareTo(b.get(1));
    }

    private static double[] withInfinity(double[] bounds) {
        double[] all = Arrays.copyOf(bounds, bounds.length + 1);
        all[bounds.length] = Double.POSITIVE_INFINITY;
        return all;
    }
}
