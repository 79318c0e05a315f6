package io.tokenmonitor.exporter.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every cumulative counter the exporter publishes, as one immutable value. A batch of rows yields a
 * new value through {@link #plus}; the old one stays valid for scrapes running meanwhile.
 */
public record UsageTotals(
        Map<SeriesKey, SeriesTotals> series,
        Map<ErrorKey, Long> errors,
        Map<String, Long> ingestRows,
        Map<DimensionKey, DimensionTotals> dimensions) {

    public static final UsageTotals EMPTY = new UsageTotals(Map.of(), Map.of(), Map.of(), Map.of());

    public UsageTotals {
        series = Map.copyOf(series);
        errors = Map.copyOf(errors);
        ingestRows = Map.copyOf(ingestRows);
        dimensions = Map.copyOf(dimensions);
    }

    /**
     * The totals after counting {@code rows}, and which entries changed (the ones to persist). The
     * rows' label values are already capped ({@code model}, and the optional dimensions they carry).
     */
    public Update plus(List<ClassifiedRow> rows, long nowMillis) {
        if (rows.isEmpty()) {
            // The same value, not an equal copy: the /metrics renderer keeps its bytes while the totals stay the same
            // object.
            return new Update(this, Map.of(), Map.of(), Map.of(), Map.of());
        }
        Map<SeriesKey, List<ClassifiedRow>> bySeries = new LinkedHashMap<>();
        Map<ErrorKey, Long> errorDeltas = new LinkedHashMap<>();
        Map<String, Long> rowDeltas = new LinkedHashMap<>();
        Map<DimensionKey, DimensionTotals> nextDimensions = new HashMap<>(dimensions);
        Map<DimensionKey, DimensionTotals> changedDimensions = new LinkedHashMap<>();
        for (ClassifiedRow row : rows) {
            if (row.isUsage() && row.kind() != LogKind.ERROR) {
                for (DimensionKey key : row.dimensions()) {
                    DimensionTotals next = nextDimensions
                            .getOrDefault(key, DimensionTotals.ZERO)
                            .plus(row);
                    nextDimensions.put(key, next);
                    changedDimensions.put(key, next);
                }
            }
            rowDeltas.merge(row.kind().logType(), 1L, Long::sum);
            if (row.kind() == LogKind.ERROR) {
                errorDeltas.merge(new ErrorKey(row.channelId(), row.model(), row.statusClass()), 1L, Long::sum);
            } else if (row.isUsage()) {
                bySeries.computeIfAbsent(
                                new SeriesKey(row.channelId(), row.model(), row.row().stream()), k -> new ArrayList<>())
                        .add(row);
            }
        }
        Map<SeriesKey, SeriesTotals> nextSeries = new HashMap<>(series);
        Map<SeriesKey, SeriesTotals> changedSeries = new LinkedHashMap<>();
        bySeries.forEach((key, seriesRows) -> {
            SeriesTotals next = add(series.getOrDefault(key, SeriesTotals.empty(nowMillis)), seriesRows);
            nextSeries.put(key, next);
            changedSeries.put(key, next);
        });
        Map<ErrorKey, Long> nextErrors = new HashMap<>(errors);
        Map<ErrorKey, Long> changedErrors = new LinkedHashMap<>();
        errorDeltas.forEach((key, delta) -> changedErrors.put(key, nextErrors.merge(key, delta, Long::sum)));
        Map<String, Long> nextRows = new HashMap<>(ingestRows);
        Map<String, Long> changedRows = new LinkedHashMap<>();
        rowDeltas.forEach((key, delta) -> changedRows.put(key, nextRows.merge(key, delta, Long::sum)));
        return new Update(
                new UsageTotals(nextSeries, nextErrors, nextRows, nextDimensions),
                changedSeries,
                changedErrors,
                changedRows,
                changedDimensions);
    }

    private static SeriesTotals add(SeriesTotals base, List<ClassifiedRow> rows) {
        UsageCounter sums = new UsageCounter(base);
        double[] durations = new double[rows.size()];
        double[] ttfts = new double[rows.size()];
        int i = 0;
        for (ClassifiedRow row : rows) {
            sums.add(row);
            durations[i] = row.durationSeconds();
            ttfts[i] = row.ttftSeconds();
            i++;
        }
        return new SeriesTotals(
                sums.requests(),
                sums.inputTokens(),
                sums.outputTokens(),
                sums.cacheReadTokens(),
                sums.cacheWriteTokens(),
                sums.quotaConsumed(),
                sums.quotaRefunded(),
                base.duration().plusAll(durations, i),
                base.ttft().plusAll(ttfts, i),
                base.createdAtMillis());
    }

    /** The result of {@link #plus}: the new totals and the entries that changed. */
    public record Update(
            UsageTotals next,
            Map<SeriesKey, SeriesTotals> changedSeries,
            Map<ErrorKey, Long> changedErrors,
            Map<String, Long> changedIngestRows,
            Map<DimensionKey, DimensionTotals> changedDimensions) {}
}
