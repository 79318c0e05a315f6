package io.tokenmonitor.exporter.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Counts of observations per histogram bucket (not cumulative; the last bucket is +Inf) and their
 * sum. Immutable: {@link #plusAll} returns a new value.
 */
public final class HistogramCounts {

    /** Request duration bucket bounds in seconds (docs/metrics.md); +Inf is implied. */
    public static final double[] DURATION_BOUNDS = {1, 2, 3, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600};
    /** Time-to-first-token bucket bounds in seconds (docs/metrics.md); +Inf is implied. */
    public static final double[] TTFT_BOUNDS = {0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 20, 30, 60};

    private final double[] bounds;
    private final long[] counts;
    private final double sum;

    private HistogramCounts(double[] bounds, long[] counts, double sum) {
        this.bounds = bounds;
        this.counts = counts;
        this.sum = sum;
    }

    public static HistogramCounts empty(double[] bounds) {
        return new HistogramCounts(bounds, new long[bounds.length + 1], 0);
    }

    /** Restores counts written by {@link #encodedCounts()}; a wrong number of buckets is a corrupt store. */
    public static HistogramCounts decode(double[] bounds, String encoded, double sum) {
        long[] counts =
                Arrays.stream(encoded.split(",")).mapToLong(Long::parseLong).toArray();
        if (counts.length != bounds.length + 1) {
            throw new IllegalStateException(
                    "store holds " + counts.length + " histogram buckets, expected " + (bounds.length + 1));
        }
        return new HistogramCounts(bounds, counts, sum);
    }

    /** Adds many observations at once; {@code values} may hold NaN, which are skipped. */
    public HistogramCounts plusAll(double[] values, int length) {
        long[] next = counts.clone();
        double nextSum = sum;
        for (int i = 0; i < length; i++) {
            if (!Double.isNaN(values[i])) {
                next[bucketOf(values[i])]++;
                nextSum += values[i];
            }
        }
        return new HistogramCounts(bounds, next, nextSum);
    }

    private int bucketOf(double value) {
        int i = 0;
        while (i < bounds.length && value > bounds[i]) {
            i++;
        }
        return i;
    }

    /** Counts per bucket, +Inf last; a copy. */
    public long[] counts() {
        return counts.clone();
    }

    public long count() {
        return Arrays.stream(counts).sum();
    }

    public double sum() {
        return sum;
    }

    public String encodedCounts() {
        return Arrays.stream(counts).mapToObj(Long::toString).collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HistogramCounts other
                && Arrays.equals(bounds, other.bounds)
                && Arrays.equals(counts, other.counts)
                && Double.compare(sum, other.sum) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(counts) + Double.hashCode(sum);
    }

    @Override
    public String toString() {
        return "HistogramCounts[" + encodedCounts() + "; sum=" + sum + "]";
    }
}
