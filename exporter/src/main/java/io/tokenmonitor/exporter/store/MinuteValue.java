package io.tokenmonitor.exporter.store;

/** A rollup column's sum over one minute of one series ({@code minute}: its start, unix seconds). */
public record MinuteValue(long minute, long value) {}
