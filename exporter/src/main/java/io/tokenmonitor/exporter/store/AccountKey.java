package io.tokenmonitor.exporter.store;

/** An API key as the store's {@code tokens} copy has it (never the key itself), with its user's name. */
public record AccountKey(long id, String name, long userId, String username, String group) {}
