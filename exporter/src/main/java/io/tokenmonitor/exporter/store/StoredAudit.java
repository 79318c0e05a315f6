package io.tokenmonitor.exporter.store;

/**
 * One change of a console rule as the store holds it.
 *
 * @param before the spec (JSON) before the change; null for create
 * @param after the spec (JSON) after it; null for delete
 */
public record StoredAudit(
        long id, long atMillis, String actor, String action, String rule, String before, String after) {}
