package io.tokenmonitor.exporter.model;

import java.util.List;

/**
 * A log row with its meaning worked out: what kind of row it is and what it adds to each counter.
 * Quota is split into two non-negative parts so both counters only ever grow; the gateway's own sum
 * is {@code quotaConsumed - quotaRefunded}.
 *
 * @param durationSeconds request latency, NaN when the row has none
 * @param ttftSeconds time to first token, NaN when not measured
 * @param model the {@code model} label value, folded into {@code __other__} beyond the cap
 * @param problems values that were unusable and replaced (counted as ingest errors)
 * @param dimensions the optional-dimension series this row adds to, values capped like {@code model}
 */
public record ClassifiedRow(
        LogRow row,
        LogKind kind,
        String channelId,
        String model,
        long inputTokens,
        long outputTokens,
        long cacheReadTokens,
        long cacheWriteTokens,
        long quotaConsumed,
        long quotaRefunded,
        double durationSeconds,
        double ttftSeconds,
        String statusClass,
        int problems,
        List<DimensionKey> dimensions) {

    public ClassifiedRow {
        dimensions = List.copyOf(dimensions);
    }

    /** The same row with its label values as capped for publishing. */
    public ClassifiedRow withLabels(String cappedModel, List<DimensionKey> cappedDimensions) {
        return new ClassifiedRow(
                row,
                kind,
                channelId,
                cappedModel,
                inputTokens,
                outputTokens,
                cacheReadTokens,
                cacheWriteTokens,
                quotaConsumed,
                quotaRefunded,
                durationSeconds,
                ttftSeconds,
                statusClass,
                problems,
                cappedDimensions);
    }

    /** The same row with the key the store found for it (One API rows carry none). */
    public ClassifiedRow withTokenId(long tokenId) {
        return new ClassifiedRow(
                row.withTokenId(tokenId),
                kind,
                channelId,
                model,
                inputTokens,
                outputTokens,
                cacheReadTokens,
                cacheWriteTokens,
                quotaConsumed,
                quotaRefunded,
                durationSeconds,
                ttftSeconds,
                statusClass,
                problems,
                dimensions);
    }

    public boolean isUsage() {
        return kind == LogKind.REQUEST || kind == LogKind.SETTLEMENT || kind == LogKind.REFUND || kind == LogKind.ERROR;
    }
}
