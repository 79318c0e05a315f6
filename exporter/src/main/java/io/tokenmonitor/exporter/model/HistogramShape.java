package io.tokenmonitor.exporter.model;

/**
 * How {@code /metrics} exposes the two histograms; the store keeps every series and every fine
 * bucket whatever this says, so it can change between runs without losing anything.
 *
 * @param stream keep the {@code stream} label on the request-duration histogram ({@code HISTOGRAM_STREAM=true});
 *     by default the streamed and non-streamed series of a channel × model are added into one
 * @param fineBuckets expose all stored bounds ({@code HISTOGRAM_BUCKETS=fine}); by default the
 *     standard subset ({@link HistogramCounts#DURATION_STANDARD_BOUNDS}, {@link HistogramCounts#TTFT_STANDARD_BOUNDS})
 */
public record HistogramShape(boolean stream, boolean fineBuckets) {

    /** About half the samples of {@link #FINE_WITH_STREAM}; what dashboards and rules need (docs/metrics.md). */
    public static final HistogramShape DEFAULT = new HistogramShape(false, false);
    /** The shape before issue 12: every stored bound, {@code stream} on the duration histogram. */
    public static final HistogramShape FINE_WITH_STREAM = new HistogramShape(true, true);

    public double[] durationBounds() {
        return fineBuckets ? HistogramCounts.DURATION_BOUNDS : HistogramCounts.DURATION_STANDARD_BOUNDS;
    }

    public double[] ttftBounds() {
        return fineBuckets ? HistogramCounts.TTFT_BOUNDS : HistogramCounts.TTFT_STANDARD_BOUNDS;
    }
}
