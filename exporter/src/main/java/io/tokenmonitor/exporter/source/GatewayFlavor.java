package io.tokenmonitor.exporter.source;

/**
 * Which gateway wrote the {@code logs} table. The two differ in the latency column and in what
 * log type 5 means (New API: a failed relay attempt; One API: a channel test).
 */
public enum GatewayFlavor {
    NEW_API("new-api"),
    ONE_API("one-api");

    private final String label;

    GatewayFlavor(String label) {
        this.label = label;
    }

    /** The value of the {@code source_flavor} label. */
    public String label() {
        return label;
    }
}
