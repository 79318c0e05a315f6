package io.tokenmonitor.exporter.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** The store's {@code console_rules} and {@code rule_audit} tables (V005). */
final class RuleRepository {

    private static final String LOAD_ALL =
            "SELECT name, version, spec, updated_at_ms, updated_by FROM console_rules ORDER BY name";
    private static final String LOAD_ONE =
            "SELECT name, version, spec, updated_at_ms, updated_by FROM console_rules WHERE name = :name";
    private static final String INSERT = """
            INSERT OR IGNORE INTO console_rules (name, version, spec, updated_at_ms, updated_by)
            VALUES (:name, 1 + (SELECT COUNT(*) FROM rule_audit WHERE rule = :name), :spec, :at, :actor)
            """;
    /** Compare and set: a writer that read another version changes nothing. */
    private static final String UPDATE = """
            UPDATE console_rules SET version = version + 1, spec = :spec, updated_at_ms = :at, updated_by = :actor
            WHERE name = :name AND version = :expected
            """;

    private static final String DELETE = "DELETE FROM console_rules WHERE name = :name AND version = :expected";
    private static final String AUDIT = """
            INSERT INTO rule_audit (at_ms, actor, action, rule, before, after)
            VALUES (:at, :actor, :action, :rule, :before, :after)
            """;
    private static final String AUDIT_CHANGE = """
            INSERT INTO rule_audit (at_ms, actor, action, rule, before, after)
            SELECT :at, :actor, :action, name, spec, :after FROM console_rules WHERE name = :name AND version = :expected
            """;
    private static final String AUDIT_ALL =
            "SELECT id, at_ms, actor, action, rule, before, after FROM rule_audit ORDER BY id DESC LIMIT :limit";
    private static final String AUDIT_OF = """
            SELECT id, at_ms, actor, action, rule, before, after FROM rule_audit WHERE rule = :rule
            ORDER BY id DESC LIMIT :limit
            """;

    List<StoredRule> loadAll(Handle handle) {
        return handle.createQuery(LOAD_ALL).map(RuleRepository::rule).list();
    }

    Optional<StoredRule> load(Handle handle, String name) {
        return handle.createQuery(LOAD_ONE)
                .bind("name", name)
                .map(RuleRepository::rule)
                .findOne();
    }

    /**
     * Inserts a new rule, at version 1 + the changes its name has had: every change adds one audit
     * row and one version, so a rule deleted and created again never repeats a version a stale
     * writer may still hold. A write first, so the transaction holds SQLite's write lock
     * before it reads anything (a read before it would fail with SQLITE_BUSY_SNAPSHOT once the sync commits).
     *
     * @return false when the name is taken
     */
    boolean insert(Handle handle, String name, String spec, long atMillis, String actor) {
        return handle.createUpdate(INSERT)
                        .bind("name", name)
                        .bind("spec", spec)
                        .bind("at", atMillis)
                        .bind("actor", actor)
                        .execute()
                == 1;
    }

    /**
     * Audits a change of the rule at {@code expected}, its current spec as {@code before}; written
     * first, for the write lock (see {@link #insert}).
     *
     * @return false when the rule is not at {@code expected} (or gone): nothing was written
     */
    boolean auditChange(
            Handle handle, String name, long expected, String action, String after, long atMillis, String actor) {
        return handle.createUpdate(AUDIT_CHANGE)
                        .bind("name", name)
                        .bind("expected", expected)
                        .bind("action", action)
                        .bind("after", after)
                        .bind("at", atMillis)
                        .bind("actor", actor)
                        .execute()
                == 1;
    }

    /** @return false when the rule is not at {@code expected} (or gone) */
    boolean update(Handle handle, String name, long expected, String spec, long atMillis, String actor) {
        return handle.createUpdate(UPDATE)
                        .bind("name", name)
                        .bind("expected", expected)
                        .bind("spec", spec)
                        .bind("at", atMillis)
                        .bind("actor", actor)
                        .execute()
                == 1;
    }

    /** @return false when the rule is not at {@code expected} (or gone) */
    boolean delete(Handle handle, String name, long expected) {
        return handle.createUpdate(DELETE)
                        .bind("name", name)
                        .bind("expected", expected)
                        .execute()
                == 1;
    }

    void audit(Handle handle, long atMillis, String actor, String action, String rule, String before, String after) {
        handle.createUpdate(AUDIT)
                .bind("at", atMillis)
                .bind("actor", actor)
                .bind("action", action)
                .bind("rule", rule)
                .bind("before", before)
                .bind("after", after)
                .execute();
    }

    List<StoredAudit> audit(Handle handle, Optional<String> rule, int limit) {
        var query = handle.createQuery(rule.isPresent() ? AUDIT_OF : AUDIT_ALL).bind("limit", limit);
        rule.ifPresent(r -> query.bind("rule", r));
        return query.map((rs, ctx) -> new StoredAudit(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7)))
                .list();
    }

    private static StoredRule rule(ResultSet rs, StatementContext ctx) throws SQLException {
        return new StoredRule(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getString(5));
    }
}
