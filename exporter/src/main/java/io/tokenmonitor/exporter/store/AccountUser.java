package io.tokenmonitor.exporter.store;

/** A user as the store's {@code users} copy has it. */
public record AccountUser(long id, String username, String group) {}
