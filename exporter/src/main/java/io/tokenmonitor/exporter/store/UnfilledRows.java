package io.tokenmonitor.exporter.store;

/** Raw rows synced before the store knew token ids (V007): ids from {@code fromId} to {@code toId}, {@code rows} of them. */
public record UnfilledRows(long fromId, long toId, long rows) {}
