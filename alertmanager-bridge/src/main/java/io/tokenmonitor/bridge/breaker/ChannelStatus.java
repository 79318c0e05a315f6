package io.tokenmonitor.bridge.breaker;

/** The gateway's {@code channels.status} values (same in New API and One API). */
public final class ChannelStatus {
    public static final int ENABLED = 1;
    /** Status 2 is not re-enabled by New API's periodic channel test (status 3 is), so the breaker uses it. */
    public static final int MANUALLY_DISABLED = 2;

    public static final int AUTO_DISABLED = 3;

    private ChannelStatus() {}
}
