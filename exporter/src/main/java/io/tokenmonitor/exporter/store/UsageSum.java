package io.tokenmonitor.exporter.store;

/**
 * Usage summed over a span of time: tokens (input + output), requests, net quota (charged − refunded),
 * and failed attempts (error rows, every status class).
 */
public record UsageSum(long tokens, long requests, long netQuota, long errors) {

    public static final UsageSum ZERO = new UsageSum(0, 0, 0, 0);

    public UsageSum plus(UsageSum other) {
        return new UsageSum(
                tokens + other.tokens, requests + other.requests, netQuota + other.netQuota, errors + other.errors);
    }
}
