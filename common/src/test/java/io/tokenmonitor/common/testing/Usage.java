package io.tokenmonitor.common.testing;

/** Requests, tokens, net quota and errors of one channel and model, for comparing source and exporter. */
public record Usage(long requests, long inputTokens, long outputTokens, long netQuota, long errors) {

    public static final Usage ZERO = new Usage(0, 0, 0, 0, 0);

    public Usage plus(Usage other) {
        return new Usage(
                requests + other.requests,
                inputTokens + other.inputTokens,
                outputTokens + other.outputTokens,
                netQuota + other.netQuota,
                errors + other.errors);
    }

    public boolean isZero() {
        return equals(ZERO);
    }
}
