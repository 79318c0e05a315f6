package io.tokenmonitor.exporter.store;

/** The columns of {@code usage_minute} that hold a counter's increase. */
public enum RollupColumn {
    REQUESTS("requests"),
    INPUT_TOKENS("input_tokens"),
    OUTPUT_TOKENS("output_tokens"),
    CACHE_READ_TOKENS("cache_read_tokens"),
    CACHE_WRITE_TOKENS("cache_write_tokens"),
    QUOTA_CONSUMED("quota_consumed"),
    QUOTA_REFUNDED("quota_refunded"),
    ERRORS_4XX("errors_4xx"),
    ERRORS_5XX("errors_5xx"),
    ERRORS_OTHER("errors_other");

    private final String column;

    RollupColumn(String column) {
        this.column = column;
    }

    /** The column's name in {@code usage_minute}. */
    String column() {
        return column;
    }
}
