package io.tokenmonitor.exporter.rule;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A rule as the API shows it.
 *
 * @param source {@code file} or {@code console}
 * @param version increases with every change of a console rule (0 for file rules); a writer sends back the one it read
 * @param spec the rule in the config file's grammar, {@code enabled} included
 * @param current its last evaluation; null until the first one (during the first backfill)
 */
public record RuleStatus(
        String name, String source, boolean enabled, long version, JsonNode spec, Evaluation current) {}
