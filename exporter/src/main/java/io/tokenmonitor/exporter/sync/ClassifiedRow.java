package io.tokenmonitor.exporter.sync;

import io.tokenmonitor.exporter.source.LogRow;

/**
 * A log row with its meaning worked out: what kind of row it is and what it adds to each counter.
 * Quota is split into two non-negative parts so both counters only ever grow; the gateway's own sum
 * is {@code quotaConsumed - quotaRefunded}.
 *
 * @param durationSeconds request latency, NaN when the row has none
 * @param ttftSeconds time to first token, NaN when not measured
 * @param problems values that were unusable and replaced (counted as ingest errors)
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
        int problems) {

    public boolean isUsage() {
        return kind == LogKind.REQUEST || kind == LogKind.SETTLEMENT || kind == LogKind.REFUND || kind == LogKind.ERROR;
    }
}
