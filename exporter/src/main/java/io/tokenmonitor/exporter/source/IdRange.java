package io.tokenmonitor.exporter.source;

/** An inclusive range of log ids, {@code from <= id <= to}. */
public record IdRange(long from, long to) {

    public IdRange {
        if (from > to) {
            throw new IllegalArgumentException(from + " > " + to + ": an id range must not be empty");
        }
    }
}
