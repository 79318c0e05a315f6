package io.tokenmonitor.exporter.channel;

import io.tokenmonitor.exporter.model.Channel;
import java.util.List;

/**
 * The gateway's channels and quota unit as last read.
 *
 * @param loaded false until the first successful read
 */
public record ChannelState(List<Channel> channels, double quotaPerUnit, boolean loaded) {

    /** New API's and One API's built-in {@code QuotaPerUnit}: 500,000 quota = 1 USD. */
    public static final double DEFAULT_QUOTA_PER_UNIT = 500_000;

    public ChannelState {
        channels = List.copyOf(channels);
    }

    public static ChannelState notLoaded(double quotaPerUnit) {
        return new ChannelState(List.of(), quotaPerUnit, false);
    }
}
