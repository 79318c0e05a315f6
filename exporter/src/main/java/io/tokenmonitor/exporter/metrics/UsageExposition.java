package io.tokenmonitor.exporter.metrics;

import io.tokenmonitor.exporter.store.ErrorKey;
import io.tokenmonitor.exporter.store.HistogramCounts;
import io.tokenmonitor.exporter.store.SeriesKey;
import io.tokenmonitor.exporter.store.SeriesTotals;
import io.tokenmonitor.exporter.store.UsageTotals;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Renders the gateway's usage families in the Prometheus text or OpenMetrics format, straight from
 * the in-memory totals. A busy gateway has thousands of series with two histograms each (about
 * 50,000 lines for 20 channels × 40 models); building client_java snapshots and writing them took
 * 70 ms and more per scrape (and gzip as much again), so the label text of every series is built
 * once and reused, the rendered (and gzipped) bytes are kept until the totals change, and while
 * someone scrapes, the variants they ask for are re-rendered in the background as the totals change,
 * so a scrape finds them ready. Everything is withheld until the first backfill caught up, so the
 * first sample of each series is the caught-up total.
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
public final class UsageExposition {

    /** The two text formats a scraper may ask for. */
    public enum Format { PROMETHEUS_TEXT, OPENMETRICS }

    private static final String[] DURATION_LE = le(HistogramCounts.DURATION_BOUNDS);
    private static final String[] TTFT_LE = le(HistogramCounts.TTFT_BOUNDS);

    private static final Logger log = LoggerFactory.getLogger(UsageExposition.class);
    /** How often variants that were asked for recently are brought up to date in the background. */
    private static final Duration PRERENDER_EVERY = Duration.ofMillis(250);
    /** A variant nobody asked for in this long is no longer pre-rendered. */
    private static final Duration DEMAND_LASTS = Duration.ofMinutes(2);

    private final Supplier<UsageTotals> totals;
    private final BooleanSupplier ready;
    /** Label text per series; series are never removed, so this only grows with the (capped) series count. */
    private final Map<Object, String> labelText = new ConcurrentHashMap<>();
    private final Map<Variant, Rendered> rendered = new ConcurrentHashMap<>();
    private final Map<Variant, Long> lastAskedNanos = new ConcurrentHashMap<>();

    /** What a scraper asked for: a format, gzipped or not. */
    private record Variant(Format format, boolean gzip) {
    }

    private record Rendered(UsageTotals source, byte[] bytes) {
    }

    public UsageExposition(Supplier<UsageTotals> totals, BooleanSupplier ready) {
        this.totals = totals;
        this.ready = ready;
    }

    /** The usage families as UTF-8 bytes; empty while the first backfill runs. */
    public byte[] render(Format format) {
        return bytes(new Variant(format, false));
    }

    /** The usage families as one gzip member (concatenated members are valid gzip); empty while the first backfill runs. */
    public byte[] renderGzip(Format format) {
        return bytes(new Variant(format, true));
    }

    /** Keeps recently asked-for variants rendered as the totals change; runs on {@code scheduler} until it stops. */
    public void prerender(ScheduledExecutorService scheduler) {
        scheduler.scheduleWithFixedDelay(() -> {
            long now = System.nanoTime();
            try {
                lastAskedNanos.forEach((variant, asked) -> {
                    if (now - asked < DEMAND_LASTS.toNanos()) {
                        current(variant);
                    }
                });
            } catch (RuntimeException e) {
                // A failed pre-render must not end the schedule; the next scrape renders on its own.
                log.warn("metrics: pre-rendering /metrics failed: {}", e.toString());
            }
        }, PRERENDER_EVERY.toMillis(), PRERENDER_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private byte[] bytes(Variant variant) {
        lastAskedNanos.put(variant, System.nanoTime());
        return current(variant);
    }

    private byte[] current(Variant variant) {
        if (!ready.getAsBoolean()) {
            return new byte[0];
        }
        UsageTotals now = totals.get();
        Rendered cached = rendered.get(variant);
        if (cached != null && cached.source() == now) {
            return cached.bytes();
        }
        byte[] bytes = write(now, variant.format()).toString().getBytes(StandardCharsets.UTF_8);
        if (variant.gzip()) {
            bytes = gzip(bytes);
        }
        rendered.put(variant, new Rendered(now, bytes));
        return bytes;
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 16 + 64);
        try (GZIPOutputStream zip = new GZIPOutputStream(out, 64 * 1024) {
            {
                def.setLevel(Deflater.BEST_SPEED);   // the text is very repetitive; more effort buys little
            }
        }) {
            zip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private StringBuilder write(UsageTotals now, Format format) {
        List<Map.Entry<SeriesKey, SeriesTotals>> series = new ArrayList<>(now.series().entrySet());
        series.sort(Map.Entry.comparingByKey(Comparator.comparing(SeriesKey::channelId).thenComparing(SeriesKey::model)
                .thenComparing(SeriesKey::stream)));
        Map<List<String>, SeriesTotals[]> byChannelModel = new TreeMap<>(Comparator.<List<String>, String>comparing(k -> k.get(0))
                .thenComparing(k -> k.get(1)));
        for (Map.Entry<SeriesKey, SeriesTotals> e : series) {
            byChannelModel.computeIfAbsent(List.of(e.getKey().channelId(), e.getKey().model()), k -> new SeriesTotals[2])
                    [e.getKey().stream() ? 1 : 0] = e.getValue();
        }
        StringBuilder out = new StringBuilder(Math.max(1024, series.size() * 3_000));

        header(out, format, "newapi_usage_requests", "counter",
                "Requests the gateway logged as consumed (log type 2), channel tests and task settlements excluded.");
        for (Map.Entry<SeriesKey, SeriesTotals> e : series) {
            sample(out, "newapi_usage_requests_total", seriesLabels(e.getKey()), e.getValue().requests());
        }
        if (!now.errors().isEmpty()) {
            header(out, format, "newapi_usage_request_errors", "counter",
                    "Failed relay attempts the gateway logged (New API type 5, one per attempt; needs ERROR_LOG_ENABLED=true).");
            List<Map.Entry<ErrorKey, Long>> errors = new ArrayList<>(now.errors().entrySet());
            errors.sort(Map.Entry.comparingByKey(Comparator.comparing(ErrorKey::channelId).thenComparing(ErrorKey::model)
                    .thenComparing(ErrorKey::statusClass)));
            for (Map.Entry<ErrorKey, Long> e : errors) {
                ErrorKey k = e.getKey();
                sample(out, "newapi_usage_request_errors_total",
                        labels("channel_id", k.channelId(), "model", k.model(), "status_class", k.statusClass()), e.getValue());
            }
        }
        header(out, format, "newapi_usage_tokens", "counter", "Prompt (input) and completion (output) tokens of consumed requests.");
        byChannelModel.forEach((key, pair) -> {
            String labels = channelModelLabels(key);
            sample(out, "newapi_usage_tokens_total", labels + ",token_type=\"input\"", sum(pair, SeriesTotals::inputTokens));
            sample(out, "newapi_usage_tokens_total", labels + ",token_type=\"output\"", sum(pair, SeriesTotals::outputTokens));
        });
        perChannelModel(out, format, byChannelModel, "newapi_usage_cache_read_tokens",
                "Prompt tokens served from the provider's cache (other.cache_tokens).", SeriesTotals::cacheReadTokens);
        perChannelModel(out, format, byChannelModel, "newapi_usage_cache_write_tokens",
                "Prompt tokens written to the provider's cache (other.cache_creation_tokens).", SeriesTotals::cacheWriteTokens);
        perChannelModel(out, format, byChannelModel, "newapi_usage_quota",
                "Quota charged, in gateway units (USD = quota / newapi_quota_per_unit). Net spend is this minus newapi_usage_quota_refunded_total.",
                SeriesTotals::quotaConsumed);
        perChannelModel(out, format, byChannelModel, "newapi_usage_quota_refunded",
                "Quota given back by refunds (type 6) and negative task settlements, in gateway units.", SeriesTotals::quotaRefunded);

        header(out, format, "newapi_usage_request_duration_seconds", "histogram",
                "Request latency as the gateway logged it (New API use_time, whole seconds; One API elapsed_time).");
        for (Map.Entry<SeriesKey, SeriesTotals> e : series) {
            histogram(out, "newapi_usage_request_duration_seconds", seriesLabels(e.getKey()), DURATION_LE, e.getValue().duration());
        }
        header(out, format, "newapi_usage_time_to_first_token_seconds", "histogram", "Time to first token of streamed requests (other.frt).");
        byChannelModel.forEach((key, pair) -> {
            if (pair[1] != null && pair[1].ttft().count() > 0) {
                histogram(out, "newapi_usage_time_to_first_token_seconds", channelModelLabels(key), TTFT_LE, pair[1].ttft());
            }
        });
        return out;
    }

    private void perChannelModel(StringBuilder out, Format format, Map<List<String>, SeriesTotals[]> byChannelModel, String name,
                                 String help, ToLongFunction<SeriesTotals> value) {
        header(out, format, name, "counter", help);
        byChannelModel.forEach((key, pair) -> sample(out, name + "_total", channelModelLabels(key), sum(pair, value)));
    }

    /** OpenMetrics names the family without {@code _total}; the Prometheus text format names it as its samples. */
    private static void header(StringBuilder out, Format format, String family, String type, String help) {
        String name = format == Format.PROMETHEUS_TEXT && type.equals("counter") ? family + "_total" : family;
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    }

    private static void sample(StringBuilder out, String name, String labels, long value) {
        out.append(name).append('{').append(labels).append("} ").append(value).append('\n');
    }

    private static void histogram(StringBuilder out, String name, String labels, String[] le, HistogramCounts counts) {
        long[] perBucket = counts.counts();
        long cumulative = 0;
        for (int i = 0; i < perBucket.length; i++) {
            cumulative += perBucket[i];
            out.append(name).append("_bucket{").append(labels).append(",le=\"").append(le[i]).append("\"} ").append(cumulative).append('\n');
        }
        out.append(name).append("_count{").append(labels).append("} ").append(cumulative).append('\n');
        out.append(name).append("_sum{").append(labels).append("} ").append(counts.sum()).append('\n');
    }

    private String seriesLabels(SeriesKey key) {
        return labelText.computeIfAbsent(key, k -> labels("channel_id", key.channelId(), "model", key.model(),
                "stream", Boolean.toString(key.stream())));
    }

    private String channelModelLabels(List<String> key) {
        return labelText.computeIfAbsent(key, k -> labels("channel_id", key.get(0), "model", key.get(1)));
    }

    private static String labels(String... namesAndValues) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            text.append(i == 0 ? "" : ",").append(namesAndValues[i]).append("=\"");
            escape(text, namesAndValues[i + 1]);
            text.append('"');
        }
        return text.toString();
    }

    /** Label values escape backslash, double quote and newline, the same in both formats. */
    private static void escape(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    private static long sum(SeriesTotals[] pair, ToLongFunction<SeriesTotals> value) {
        return Arrays.stream(pair).filter(Objects::nonNull).mapToLong(value).sum();
    }

    private static String[] le(double[] bounds) {
        String[] le = new String[bounds.length + 1];
        for (int i = 0; i < bounds.length; i++) {
            le[i] = Double.toString(bounds[i]);
        }
        le[bounds.length] = "+Inf";
        return le;
    }
}
