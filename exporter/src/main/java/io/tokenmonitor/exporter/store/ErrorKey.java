package io.tokenmonitor.exporter.store;

/** Identifies one error series: the labels {@code channel_id}, {@code model}, {@code status_class}. */
public record ErrorKey(String channelId, String model, String statusClass) {
}
