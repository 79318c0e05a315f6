package io.tokenmonitor.exporter.metrics;

import io.tokenmonitor.exporter.model.HistogramCounts;

/**
 * Writes the lines of the Prometheus text and OpenMetrics formats: family headers, samples,
 * histograms and label sets.
 */
public final class ExpositionText {

    private ExpositionText() {}

    /** OpenMetrics names the family without {@code _total}; the Prometheus text format names it as its samples. */
    public static void header(StringBuilder out, TextFormat format, UsageFamily family) {
        String name = format == TextFormat.PROMETHEUS_TEXT ? family.sampleName() : family.family();
        out.append("# TYPE ")
                .append(name)
                .append(' ')
                .append(family.type().text())
                .append('\n');
        out.append("# HELP ").append(name).append(' ').append(family.help()).append('\n');
    }

    /** {@code name{labels} value}; {@code labels} as {@link #labels} writes them. */
    public static void sample(StringBuilder out, String name, String labels, long value) {
        out.append(name).append('{').append(labels).append("} ").append(value).append('\n');
    }

    /** The bucket, count and sum lines of one histogram series; {@code le} holds the bounds as text, +Inf last. */
    public static void histogram(StringBuilder out, String name, String labels, String[] le, HistogramCounts counts) {
        long[] perBucket = counts.counts();
        long cumulative = 0;
        for (int i = 0; i < perBucket.length; i++) {
            cumulative += perBucket[i];
            out.append(name)
                    .append("_bucket{")
                    .append(labels)
                    .append(",le=\"")
                    .append(le[i])
                    .append("\"} ")
                    .append(cumulative)
                    .append('\n');
        }
        out.append(name)
                .append("_count{")
                .append(labels)
                .append("} ")
                .append(cumulative)
                .append('\n');
        out.append(name)
                .append("_sum{")
                .append(labels)
                .append("} ")
                .append(counts.sum())
                .append('\n');
    }

    /** {@code name="value",…} (without braces) from alternating names and values. */
    public static String labels(String... namesAndValues) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            text.append(i == 0 ? "" : ",").append(namesAndValues[i]).append("=\"");
            escape(text, namesAndValues[i + 1]);
            text.append('"');
        }
        return text.toString();
    }

    /** Label values escape backslash, double quote and newline, the same in both formats. */
    private static void escape(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    /** The {@code le} label values for {@code bounds}, {@code +Inf} last. */
    public static String[] le(double[] bounds) {
        String[] le = new String[bounds.length + 1];
        for (int i = 0; i < bounds.length; i++) {
            le[i] = Double.toString(bounds[i]);
        }
        le[bounds.length] = "+Inf";
        return le;
    }
}
