package io.tokenmonitor.exporter.history;

import io.tokenmonitor.exporter.config.ConfigException;
import io.tokenmonitor.exporter.config.PromDuration;
import io.tokenmonitor.exporter.store.ErrorKey;
import io.tokenmonitor.exporter.store.SeriesKey;
import io.tokenmonitor.exporter.store.SeriesTotals;
import io.tokenmonitor.exporter.store.Store;
import io.tokenmonitor.exporter.store.UsageTotals;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Writes the store's history of the usage counters as OpenMetrics with timestamps, for
 * {@code promtool tsdb create-blocks-from openmetrics}, so 7d/30d panels are filled the day the
 * exporter is installed. A counter's value at a past time is its total now minus what the
 * per-minute rollups hold since then. Prometheus cannot take the most recent hours this way (its
 * head block), so the export ends 3 hours ago unless told otherwise.
 */
public final class HistoryExport {

    private static final Logger log = LoggerFactory.getLogger(HistoryExport.class);
    /** promtool must not write into the range of Prometheus's head block. */
    static final Duration HEAD_BLOCK = Duration.ofHours(3);
    static final Duration DEFAULT_STEP = Duration.ofMinutes(5);
    private static final long MINUTE = 60;

    /**
     * One exported counter family (or the part of one that a rollup column holds): its rollup
     * column, its labels, and its totals now. {@code help} is null for the continuation parts.
     */
    private record Family(String name, String help, String rollupExpression, List<String> labels, String fixedLabel,
                          Map<List<String>, Long> totals) {
    }

    private HistoryExport() {
    }

    /** Runs the {@code export-history} command with its {@code --output}, {@code --from}, {@code --to}, {@code --step}. */
    public static void run(Path storePath, Map<String, String> options, Clock clock) throws IOException {
        String output = options.get("--output");
        if (output == null) {
            throw new ConfigException("export-history: --output FILE is required");
        }
        Duration step = options.containsKey("--step") ? PromDuration.parse("--step", options.get("--step")) : DEFAULT_STEP;
        if (step.toSeconds() < MINUTE || step.toSeconds() % MINUTE != 0) {
            throw new ConfigException("--step: " + PromDuration.format(step) + " must be a whole number of minutes");
        }
        Instant to = options.containsKey("--to") ? time("--to", options.get("--to")) : clock.instant().minus(HEAD_BLOCK);
        try (Store store = Store.open(storePath)) {
            Instant oldest = store.jdbi().withHandle(h -> h.createQuery("SELECT MIN(minute) FROM usage_minute")
                    .mapTo(Long.class).findOne()).map(Instant::ofEpochSecond).orElse(to);
            Instant from = options.containsKey("--from") ? time("--from", options.get("--from")) : oldest;
            try (Writer out = Files.newBufferedWriter(Path.of(output), StandardCharsets.UTF_8)) {
                long samples = write(store, from, to, step, out);
                log.info("export-history: wrote {} samples from {} to {} every {} into {}", samples, from, to, PromDuration.format(step), output);
            }
        }
    }

    /**
     * Writes the history between {@code from} and {@code to} (both rounded down to the step).
     *
     * @return the number of samples written
     */
    public static long write(Store store, Instant from, Instant to, Duration step, Writer out) throws IOException {
        long stepSeconds = step.toSeconds();
        long start = Math.floorDiv(from.getEpochSecond(), stepSeconds) * stepSeconds;
        long end = Math.floorDiv(to.getEpochSecond(), stepSeconds) * stepSeconds;
        UsageTotals totals = store.loadTotals();
        long samples = 0;
        BufferedWriter writer = new BufferedWriter(out);
        for (Family family : families(totals)) {
            if (family.help() != null) {   // a family split over several rollup columns is declared once
                writer.write("# TYPE " + family.name() + " counter\n# HELP " + family.name() + " " + family.help() + "\n");
            }
            samples += store.jdbi().withHandle(h -> writeFamily(h, family, start, end, stepSeconds, writer));
        }
        writer.write("# EOF\n");
        writer.flush();
        return samples;
    }

    private static long writeFamily(Handle handle, Family family, long start, long end, long step, Writer out) {
        String keyColumns = String.join(", ", family.labels());
        String sql = "SELECT " + keyColumns + ", minute, SUM(" + family.rollupExpression() + ") FROM usage_minute WHERE minute >= :from"
                + " GROUP BY " + keyColumns + ", minute ORDER BY " + keyColumns + ", minute";
        Map<List<String>, List<long[]>> rows = new HashMap<>();
        int keys = family.labels().size();
        handle.createQuery(sql).bind("from", start).map((rs, ctx) -> {
            String[] key = new String[keys];
            for (int i = 0; i < keys; i++) {
                key[i] = family.labels().get(i).equals("stream") ? Boolean.toString(rs.getInt(i + 1) != 0) : rs.getString(i + 1);
            }
            return rows.computeIfAbsent(List.of(key), k -> new java.util.ArrayList<>()).add(new long[] {rs.getLong(keys + 1), rs.getLong(keys + 2)});
        }).list();
        long samples = 0;
        try {
            for (Map.Entry<List<String>, Long> series : family.totals().entrySet()) {
                List<long[]> minutes = rows.getOrDefault(series.getKey(), List.of());
                long sinceStart = minutes.stream().mapToLong(m -> m[1]).sum();
                long value = series.getValue() - sinceStart;
                int next = 0;
                String labels = labels(family, series.getKey());
                for (long t = start; t <= end; t += step) {
                    while (next < minutes.size() && minutes.get(next)[0] < t) {
                        value += minutes.get(next++)[1];
                    }
                    out.write(family.name() + "_total" + labels + " " + value + " " + t + "\n");
                    samples++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return samples;
    }

    private static List<Family> families(UsageTotals totals) {
        List<String> byStream = List.of("channel_id", "model", "stream");
        List<String> byModel = List.of("channel_id", "model");
        return List.of(
                new Family("newapi_usage_requests", "Requests the gateway logged as consumed.", "requests", byStream, null,
                        seriesTotals(totals, SeriesTotals::requests, true)),
                new Family("newapi_usage_tokens", "Prompt (input) and completion (output) tokens.", "input_tokens", byModel,
                        "token_type=\"input\"", seriesTotals(totals, SeriesTotals::inputTokens, false)),
                new Family("newapi_usage_tokens", null, "output_tokens", byModel, "token_type=\"output\"",
                        seriesTotals(totals, SeriesTotals::outputTokens, false)),
                new Family("newapi_usage_cache_read_tokens", "Prompt tokens served from the provider's cache.", "cache_read_tokens", byModel, null,
                        seriesTotals(totals, SeriesTotals::cacheReadTokens, false)),
                new Family("newapi_usage_cache_write_tokens", "Prompt tokens written to the provider's cache.", "cache_write_tokens", byModel, null,
                        seriesTotals(totals, SeriesTotals::cacheWriteTokens, false)),
                new Family("newapi_usage_quota", "Quota charged, in gateway units.", "quota_consumed", byModel, null,
                        seriesTotals(totals, SeriesTotals::quotaConsumed, false)),
                new Family("newapi_usage_quota_refunded", "Quota given back by refunds and negative settlements.", "quota_refunded", byModel, null,
                        seriesTotals(totals, SeriesTotals::quotaRefunded, false)),
                new Family("newapi_usage_request_errors", "Failed relay attempts.", "errors_4xx", byModel, "status_class=\"4xx\"",
                        errorTotals(totals, "4xx")),
                new Family("newapi_usage_request_errors", null, "errors_5xx", byModel, "status_class=\"5xx\"", errorTotals(totals, "5xx")),
                new Family("newapi_usage_request_errors", null, "errors_other", byModel, "status_class=\"other\"", errorTotals(totals, "other")));
    }

    private static Map<List<String>, Long> seriesTotals(UsageTotals totals, ToLongFunction<SeriesTotals> value, boolean byStream) {
        Map<List<String>, Long> result = new HashMap<>();
        totals.series().forEach((SeriesKey key, SeriesTotals t) -> {
            List<String> labels = byStream ? List.of(key.channelId(), key.model(), Boolean.toString(key.stream()))
                    : List.of(key.channelId(), key.model());
            result.merge(labels, value.applyAsLong(t), Long::sum);
        });
        return result;
    }

    private static Map<List<String>, Long> errorTotals(UsageTotals totals, String statusClass) {
        Map<List<String>, Long> result = new HashMap<>();
        totals.errors().forEach((ErrorKey key, Long n) -> {
            if (key.statusClass().equals(statusClass)) {
                result.merge(List.of(key.channelId(), key.model()), n, Long::sum);
            }
        });
        return result;
    }

    private static String labels(Family family, List<String> values) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            out.append(i == 0 ? "" : ",").append(family.labels().get(i)).append("=\"").append(escape(values.get(i))).append('"');
        }
        if (family.fixedLabel() != null) {
            out.append(',').append(family.fixedLabel());
        }
        return out.append('}').toString();
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static Instant time(String option, String text) {
        try {
            if (text.matches("\\d+")) {
                return Instant.ofEpochSecond(Long.parseLong(text));
            }
            if (text.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(text);
        } catch (DateTimeException e) {
            throw new ConfigException(option + ": \"" + text + "\" is not a time; write 2026-11-01, 2026-11-01T00:00:00Z or unix seconds");
        }
    }
}
