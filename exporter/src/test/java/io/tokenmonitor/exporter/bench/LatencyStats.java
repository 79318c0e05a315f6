package io.tokenmonitor.exporter.bench;

import java.util.Arrays;

/** Median, p99 and maximum of a set of durations in milliseconds. */
record LatencyStats(int count, double p50Millis, double p99Millis, double maxMillis) {

    static LatencyStats of(double[] millis) {
        if (millis.length == 0) {
            return new LatencyStats(0, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        return new LatencyStats(
                sorted.length, percentile(sorted, 0.50), percentile(sorted, 0.99), sorted[sorted.length - 1]);
    }

    /** Nearest-rank percentile of sorted values. */
    private static double percentile(double[] sorted, double quantile) {
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    @Override
    public String toString() {
        return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)", p50Millis, p99Millis, maxMillis, count);
    }
}
