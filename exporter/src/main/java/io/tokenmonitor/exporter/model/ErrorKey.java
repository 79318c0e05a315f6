package io.tokenmonitor.exporter.model;

/** Identifies one error series: the labels {@code channel_id}, {@code model}, {@code status_class}. */
public record ErrorKey(String channelId, String model, String statusClass) {}
