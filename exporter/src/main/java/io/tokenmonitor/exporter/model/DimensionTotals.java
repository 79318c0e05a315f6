package io.tokenmonitor.exporter.model;

/** Cumulative usage of one group, token or user. */
public record DimensionTotals(
        long requests, long inputTokens, long outputTokens, long quotaConsumed, long quotaRefunded) {

    public static final DimensionTotals ZERO = new DimensionTotals(0, 0, 0, 0, 0);

    DimensionTotals plus(ClassifiedRow row) {
        return new DimensionTotals(
                requests + (row.kind() == LogKind.REQUEST ? 1 : 0),
                inputTokens + row.inputTokens(),
                outputTokens + row.outputTokens(),
                quotaConsumed + row.quotaConsumed(),
                quotaRefunded + row.quotaRefunded());
    }
}
