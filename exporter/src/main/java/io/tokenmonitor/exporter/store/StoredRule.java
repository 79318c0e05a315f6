package io.tokenmonitor.exporter.store;

/**
 * A console rule as the store holds it.
 *
 * @param spec the rule as JSON text, in the config file's grammar, {@code enabled} included
 */
public record StoredRule(String name, long version, String spec, long updatedAtMillis, String updatedBy) {}
