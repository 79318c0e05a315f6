package io.tokenmonitor.exporter.store;

/** Usage summed over a span of time: tokens (input + output), requests, and net quota (charged − refunded). */
public record UsageSum(long tokens, long requests, long netQuota) {

    public static final UsageSum ZERO = new UsageSum(0, 0, 0);

    public UsageSum plus(UsageSum other) {
        return new UsageSum(tokens + other.tokens, requests + other.requests, netQuota + other.netQuota);
    }
}
