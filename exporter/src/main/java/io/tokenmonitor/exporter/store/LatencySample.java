package io.tokenmonitor.exporter.store;

/**
 * The request rows with a latency value in a span of time, and their 95th percentile.
 *
 * @param p95 nearest rank: the value at rank ⌈0.95·count⌉ in ascending order; NaN when count is 0
 */
public record LatencySample(long count, double p95) {}
