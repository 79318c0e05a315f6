package io.tokenmonitor.exporter.rule;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One change of a console rule.
 *
 * @param action create, update or delete (switching on or off is an update whose {@code enabled} changed)
 * @param before the spec before the change; null for create
 * @param after the spec after it; null for delete
 */
public record AuditEntry(
        long id, Instant at, String actor, String action, String rule, JsonNode before, JsonNode after) {}
