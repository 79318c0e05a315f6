package io.tokenmonitor.exporter.history;

import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.common.time.PromDuration;
import io.tokenmonitor.exporter.metrics.ExpositionText;
import io.tokenmonitor.exporter.metrics.TextFormat;
import io.tokenmonitor.exporter.metrics.UsageFamily;
import io.tokenmonitor.exporter.model.ErrorKey;
import io.tokenmonitor.exporter.model.SeriesKey;
import io.tokenmonitor.exporter.model.SeriesTotals;
import io.tokenmonitor.exporter.model.UsageTotals;
import io.tokenmonitor.exporter.store.MinuteValue;
import io.tokenmonitor.exporter.store.RollupColumn;
import io.tokenmonitor.exporter.store.Store;
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
import java.util.OptionalLong;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the store's history of the usage counters as OpenMetrics with timestamps, for
 * {@code promtool tsdb create-blocks-from openmetrics}, so 7d/30d panels are filled the day the
 * exporter is installed. A counter's value at a past time is its total now minus what the
 * per-minute rollups hold since then. Prometheus cannot take the most recent hours this way (its
 * head block), so the export ends 3 hours ago unless told otherwise.
 */
public final class HistoryExport {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryExport.class);
    /** promtool must not write into the range of Prometheus's head block. */
    static final Duration HEAD_BLOCK = Duration.ofHours(3);

    static final Duration DEFAULT_STEP = Duration.ofMinutes(5);
    private static final long MINUTE = 60;

    private static final List<String> BY_STREAM = List.of("channel_id", "model", "stream");
    private static final List<String> BY_MODEL = List.of("channel_id", "model");

    /**
     * One exported counter family (or the part of one that a rollup column holds): its rollup
     * column, its labels, and its totals now. {@code declared} is false for the continuation parts.
     */
    private record Family(
            UsageFamily family,
            boolean declared,
            RollupColumn column,
            boolean byStream,
            String fixedLabel,
            Map<List<String>, Long> totals) {

        List<String> labels() {
            return byStream ? BY_STREAM : BY_MODEL;
        }
    }

    private HistoryExport() {}

    /** Runs the {@code export-history} command with its {@code --output}, {@code --from}, {@code --to}, {@code --step}. */
    public static void run(Path storePath, Map<String, String> options, Clock clock) throws IOException {
        String output = options.get("--output");
        if (output == null) {
            throw new ConfigException("export-history: --output FILE is required");
        }
        Duration step =
                options.containsKey("--step") ? PromDuration.parse("--step", options.get("--step")) : DEFAULT_STEP;
        if (step.toSeconds() < MINUTE || step.toSeconds() % MINUTE != 0) {
            throw new ConfigException("--step: " + PromDuration.format(step) + " must be a whole number of minutes");
        }
        Instant to = options.containsKey("--to")
                ? time("--to", options.get("--to"))
                : clock.instant().minus(HEAD_BLOCK);
        try (Store store = Store.open(storePath)) {
            OptionalLong oldestMinute = store.oldestRollupMinute();
            Instant oldest = oldestMinute.isPresent() ? Instant.ofEpochSecond(oldestMinute.getAsLong()) : to;
            Instant from = options.containsKey("--from") ? time("--from", options.get("--from")) : oldest;
            try (Writer out = Files.newBufferedWriter(Path.of(output), StandardCharsets.UTF_8)) {
                long samples = write(store, from, to, step, out);
                LOG.info(
                        "export-history: wrote {} samples from {} to {} every {} into {}",
                        samples,
                        from,
                        to,
                        PromDuration.format(step),
                        output);
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
            if (family.declared()) { // a family split over several rollup columns is declared once
                StringBuilder header = new StringBuilder();
                ExpositionText.header(header, TextFormat.OPENMETRICS, family.family());
                writer.write(header.toString());
            }
            samples += writeFamily(
                    store.minuteHistory(family.column(), family.byStream(), start),
                    family,
                    start,
                    end,
                    stepSeconds,
                    writer);
        }
        writer.write("# EOF\n");
        writer.flush();
        return samples;
    }

    private static long writeFamily(
            Map<List<String>, List<MinuteValue>> rows, Family family, long start, long end, long step, Writer out) {
        long samples = 0;
        try {
            for (Map.Entry<List<String>, Long> series : family.totals().entrySet()) {
                List<MinuteValue> minutes = rows.getOrDefault(series.getKey(), List.of());
                long sinceStart = minutes.stream().mapToLong(MinuteValue::value).sum();
                long value = series.getValue() - sinceStart;
                int next = 0;
                String labels = labels(family, series.getKey());
                for (long t = start; t <= end; t += step) {
                    while (next < minutes.size() && minutes.get(next).minute() < t) {
                        value += minutes.get(next++).value();
                    }
                    out.write(family.family().sampleName() + labels + " " + value + " " + t + "\n");
                    samples++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return samples;
    }

    private static List<Family> families(UsageTotals totals) {
        return List.of(
                new Family(
                        UsageFamily.REQUESTS,
                        true,
                        RollupColumn.REQUESTS,
                        true,
                        null,
                        seriesTotals(totals, SeriesTotals::requests, true)),
                new Family(
                        UsageFamily.TOKENS,
                        true,
                        RollupColumn.INPUT_TOKENS,
                        false,
                        "token_type=\"input\"",
                        seriesTotals(totals, SeriesTotals::inputTokens, false)),
                new Family(
                        UsageFamily.TOKENS,
                        false,
                        RollupColumn.OUTPUT_TOKENS,
                        false,
                        "token_type=\"output\"",
                        seriesTotals(totals, SeriesTotals::outputTokens, false)),
                new Family(
                        UsageFamily.CACHE_READ_TOKENS,
                        true,
                        RollupColumn.CACHE_READ_TOKENS,
                        false,
                        null,
                        seriesTotals(totals, SeriesTotals::cacheReadTokens, false)),
                new Family(
                        UsageFamily.CACHE_WRITE_TOKENS,
                        true,
                        RollupColumn.CACHE_WRITE_TOKENS,
                        false,
                        null,
                        seriesTotals(totals, SeriesTotals::cacheWriteTokens, false)),
                new Family(
                        UsageFamily.QUOTA,
                        true,
                        RollupColumn.QUOTA_CONSUMED,
                        false,
                        null,
                        seriesTotals(totals, SeriesTotals::quotaConsumed, false)),
                new Family(
                        UsageFamily.QUOTA_REFUNDED,
                        true,
                        RollupColumn.QUOTA_REFUNDED,
                        false,
                        null,
                        seriesTotals(totals, SeriesTotals::quotaRefunded, false)),
                new Family(
                        UsageFamily.REQUEST_ERRORS,
                        true,
                        RollupColumn.ERRORS_4XX,
                        false,
                        "status_class=\"4xx\"",
                        errorTotals(totals, "4xx")),
                new Family(
                        UsageFamily.REQUEST_ERRORS,
                        false,
                        RollupColumn.ERRORS_5XX,
                        false,
                        "status_class=\"5xx\"",
                        errorTotals(totals, "5xx")),
                new Family(
                        UsageFamily.REQUEST_ERRORS,
                        false,
                        RollupColumn.ERRORS_OTHER,
                        false,
                        "status_class=\"other\"",
                        errorTotals(totals, "other")));
    }

    private static Map<List<String>, Long> seriesTotals(
            UsageTotals totals, ToLongFunction<SeriesTotals> value, boolean byStream) {
        Map<List<String>, Long> result = new HashMap<>();
        totals.series().forEach((SeriesKey key, SeriesTotals t) -> {
            List<String> labels = byStream
                    ? List.of(key.channelId(), key.model(), Boolean.toString(key.stream()))
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
        String[] namesAndValues = new String[2 * values.size()];
        for (int i = 0; i < values.size(); i++) {
            namesAndValues[2 * i] = family.labels().get(i);
            namesAndValues[2 * i + 1] = values.get(i);
        }
        return "{" + ExpositionText.labels(namesAndValues)
                + (family.fixedLabel() == null ? "" : "," + family.fixedLabel()) + "}";
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
            throw new ConfigException(option + ": \"" + text
                    + "\" is not a time; write 2026-11-01, 2026-11-01T00:00:00Z or unix seconds");
        }
    }
}
