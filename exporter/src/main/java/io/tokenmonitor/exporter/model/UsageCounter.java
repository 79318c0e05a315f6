package io.tokenmonitor.exporter.model;

/**
 * Sums what usage rows add to the counters: a request for each relayed request (not for
 * settlements, refunds or errors), its tokens and its quota. The one place that says what a row
 * adds; the cumulative totals and the store's rollups both sum with it. Not thread-safe: one
 * summing loop owns it.
 */
public final class UsageCounter {

    private long requests;
    private long inputTokens;
    private long outputTokens;
    private long cacheReadTokens;
    private long cacheWriteTokens;
    private long quotaConsumed;
    private long quotaRefunded;

    /** Starts at zero. */
    public UsageCounter() {}

    /** Continues the sums of {@code base}. */
    public UsageCounter(SeriesTotals base) {
        requests = base.requests();
        inputTokens = base.inputTokens();
        outputTokens = base.outputTokens();
        cacheReadTokens = base.cacheReadTokens();
        cacheWriteTokens = base.cacheWriteTokens();
        quotaConsumed = base.quotaConsumed();
        quotaRefunded = base.quotaRefunded();
    }

    public void add(ClassifiedRow row) {
        if (row.kind() == LogKind.REQUEST) {
            requests++;
        }
        inputTokens += row.inputTokens();
        outputTokens += row.outputTokens();
        cacheReadTokens += row.cacheReadTokens();
        cacheWriteTokens += row.cacheWriteTokens();
        quotaConsumed += row.quotaConsumed();
        quotaRefunded += row.quotaRefunded();
    }

    public long requests() {
        return requests;
    }

    public long inputTokens() {
        return inputTokens;
    }

    public long outputTokens() {
        return outputTokens;
    }

    public long cacheReadTokens() {
        return cacheReadTokens;
    }

    public long cacheWriteTokens() {
        return cacheWriteTokens;
    }

    public long quotaConsumed() {
        return quotaConsumed;
    }

    public long quotaRefunded() {
        return quotaRefunded;
    }
}
