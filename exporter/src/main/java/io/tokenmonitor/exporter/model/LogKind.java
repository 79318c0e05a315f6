package io.tokenmonitor.exporter.model;

/** What a gateway log row means for usage accounting. */
public enum LogKind {
    /** A relayed request (type 2): counts as a request with tokens, quota and latency. */
    REQUEST("consume"),
    /** A zero-token task settlement (type 2 with {@code other.task_id}): quota only, not a request. */
    SETTLEMENT("consume"),
    /** A failed relay attempt (New API type 5). */
    ERROR("error"),
    /** Quota given back (New API type 6). */
    REFUND("refund"),
    /** A channel test (token {@code 模型测试}, or One API type 5): not usage. */
    CHANNEL_TEST("channel_test"),
    TOPUP("topup"),
    MANAGE("manage"),
    SYSTEM("system"),
    LOGIN("login"),
    UNKNOWN("unknown");

    private final String logType;
    private final String storeName = name().toLowerCase(java.util.Locale.ROOT);

    LogKind(String logType) {
        this.logType = logType;
    }

    /** The value of the {@code log_type} label of {@code newapi_ingest_rows_total}. */
    public String logType() {
        return logType;
    }

    /** The value of the store's {@code logs.kind} column. */
    public String storeName() {
        return storeName;
    }

    /** Rows kept in the store's raw table for the log views. */
    public boolean keptAsRaw() {
        return this == REQUEST || this == SETTLEMENT || this == ERROR || this == REFUND || this == CHANNEL_TEST;
    }
}
