package io.tokenmonitor.exporter.store;

/** Identifies one usage series: the labels {@code channel_id}, {@code model}, {@code stream}. */
public record SeriesKey(String channelId, String model, boolean stream) {
}
