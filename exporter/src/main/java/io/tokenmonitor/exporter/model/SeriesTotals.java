package io.tokenmonitor.exporter.model;

/** Cumulative values of one usage series since the store was created. */
public record SeriesTotals(
        long requests,
        long inputTokens,
        long outputTokens,
        long cacheReadTokens,
        long cacheWriteTokens,
        long quotaConsumed,
        long quotaRefunded,
        HistogramCounts duration,
        HistogramCounts ttft,
        long createdAtMillis) {

    public static SeriesTotals empty(long createdAtMillis) {
        return new SeriesTotals(
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                HistogramCounts.empty(HistogramCounts.DURATION_BOUNDS),
                HistogramCounts.empty(HistogramCounts.TTFT_BOUNDS),
                createdAtMillis);
    }
}
