package io.tokenmonitor.exporter.store;

/** The latency columns of the raw {@code logs} rows a latency rule reads. */
public enum LatencyColumn {
    /** The request's whole duration. */
    DURATION("use_time_seconds"),
    /** Time to first token (streamed requests that measured it). */
    TTFT("ttft_seconds");

    private final String column;

    LatencyColumn(String column) {
        this.column = column;
    }

    String column() {
        return column;
    }
}
