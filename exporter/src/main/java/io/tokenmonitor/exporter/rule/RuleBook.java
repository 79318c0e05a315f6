package io.tokenmonitor.exporter.rule;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * Every alert rule the exporter evaluates, from the config file (read-only) and from the console
 * (stored in the store): what {@code /api/v1/rules} and the console read and change. A rule is
 * written in the config file's grammar, as JSON; a mistake is refused with a {@link RuleRejected}
 * whose message names the field, as the config file's errors do.
 *
 * <p>Changes take effect at the next evaluation, without a restart, and are audited.
 */
public interface RuleBook {

    /** Every rule, file rules first, each in name order, with its current evaluation. */
    List<RuleStatus> list();

    /** One rule by name; empty when there is none. */
    Optional<RuleStatus> get(String name);

    /**
     * Stores a new console rule.
     *
     * @throws RuleRejected INVALID naming the field; CONFLICT when the name is taken (by a file or console rule)
     */
    RuleStatus create(JsonNode spec, String actor);

    /**
     * Replaces a console rule (its name may not change: the spec's name, when given, must be {@code name}).
     *
     * @param expectedVersion the version the writer read; another writer's change in between is a CONFLICT
     * @throws RuleRejected NOT_FOUND, READ_ONLY for a file rule, STALE on a stale version, INVALID
     */
    RuleStatus replace(String name, JsonNode spec, long expectedVersion, String actor);

    /**
     * Deletes a console rule.
     *
     * @throws RuleRejected NOT_FOUND, READ_ONLY for a file rule, STALE on a stale version
     */
    void delete(String name, long expectedVersion, String actor);

    /** What the rule would show now, without saving anything. @throws RuleRejected INVALID */
    Evaluation preview(JsonNode spec);

    /** The newest audit entries first, of one rule or of all; at most {@code limit}. */
    List<AuditEntry> audit(Optional<String> rule, int limit);
}
