package io.tokenmonitor.exporter.store;

/**
 * A span of time to sum usage over, {@code [startSeconds, endSeconds)} rounded down to the minute.
 *
 * @param key the channel id or model for {@link UsageQueries.Filter#CHANNEL} and {@link UsageQueries.Filter#MODEL}; null for all
 */
public record UsageSpan(UsageQueries.Filter filter, String key, long startSeconds, long endSeconds) {}
