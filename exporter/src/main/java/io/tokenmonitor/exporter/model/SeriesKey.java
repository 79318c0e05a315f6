package io.tokenmonitor.exporter.model;

/** Identifies one usage series: the labels {@code channel_id}, {@code model}, {@code stream}. */
public record SeriesKey(String channelId, String model, boolean stream) {}
