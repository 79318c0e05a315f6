package io.tokenmonitor.bridge.console;

import io.tokenmonitor.bridge.breaker.Target;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The console's SQL on the bridge's state: reads of the outbox, the breaker audit and the cooldowns, the two
 * dead-letter moves (retry, discard) and the console's own audit. Kept here, not in the owners' classes, because
 * the console is the only one that lists these tables for people; the delivery rules stay in {@code outbox}.
 */
final class ConsoleQueries {
    /** One outbox row as the API shows it. */
    record DeliveryRow(
            long id,
            String target,
            String alertKey,
            String alertStatus,
            int part,
            int parts,
            String message,
            String state,
            int attempts,
            Optional<String> lastError,
            Instant created,
            Instant nextAttempt,
            Optional<Instant> done) {}

    /** One breaker_audit row. */
    record BreakerRow(
            long id,
            Instant at,
            String action,
            Target target,
            Optional<String> alertKey,
            Optional<String> alertName,
            Optional<Integer> statusBefore,
            Optional<Integer> statusAfter,
            String result,
            Optional<String> detail) {}

    /** One console_audit row. */
    record AuditRow(
            long id,
            Instant at,
            String user,
            String client,
            String action,
            String subject,
            String result,
            Optional<String> detail) {}

    /** An alert × target whose last firing message started a cooldown. */
    record NotifiedRow(String alertKey, String target, Instant lastFiring, boolean announced) {}

    /** Pending and dead counts of one target. */
    record Counts(long pending, long dead) {}

    private static final String DELIVERY_COLUMNS = """
            SELECT id, target, alert_key, alert_status, part, parts, payload, state, attempts, last_error,
                   created_ms, next_attempt_ms, done_ms FROM outbox
            """;
    private static final String COUNTS =
            "SELECT target, state, count(*) FROM outbox WHERE state IN ('pending', 'dead') GROUP BY target, state";
    private static final String BREAKER = """
            SELECT id, at_ms, action, target, target_id, alert_key, alertname, status_before, status_after, result,
                   detail
            FROM breaker_audit ORDER BY id DESC LIMIT :limit OFFSET :offset
            """;
    private static final String AUDIT = """
            SELECT id, at_ms, user_name, client, action, subject, result, detail
            FROM console_audit ORDER BY id DESC LIMIT :limit OFFSET :offset
            """;
    private static final String AUDIT_INSERT = """
            INSERT INTO console_audit (at_ms, user_name, client, action, subject, result, detail)
            VALUES (:at, :user, :client, :action, :subject, :result, :detail)
            """;
    private static final String NOTIFIED =
            "SELECT alert_key, target, last_firing_ms, announced FROM notified WHERE last_firing_ms >= :since"
                    + " ORDER BY last_firing_ms DESC";
    /**
     * A retried dead letter starts over: its age restarts (else the worker would bury it again at once, it is past
     * dead_letter_after) and it is due now; its attempts and last error stay as the history.
     */
    private static final String RETRY = """
            UPDATE outbox SET state = 'pending', created_ms = :now, next_attempt_ms = :now, done_ms = NULL
            WHERE id = :id AND state = 'dead'
            """;

    private static final String DISCARD = "DELETE FROM outbox WHERE id = :id AND state = 'dead'";

    List<DeliveryRow> deliveries(Handle h, Optional<String> state, Optional<String> target, int limit, int offset) {
        StringBuilder sql = new StringBuilder(DELIVERY_COLUMNS).append(" WHERE 1 = 1");
        state.ifPresent(s -> sql.append(" AND state = :state"));
        target.ifPresent(t -> sql.append(" AND target = :target"));
        sql.append(" ORDER BY id DESC LIMIT :limit OFFSET :offset");
        var query = h.createQuery(sql.toString()).bind("limit", limit).bind("offset", offset);
        state.ifPresent(s -> query.bind("state", s));
        target.ifPresent(t -> query.bind("target", t));
        return query.map((rs, ctx) -> delivery(rs)).list();
    }

    Optional<DeliveryRow> delivery(Handle h, long id) {
        return h.createQuery(DELIVERY_COLUMNS + " WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> delivery(rs))
                .findOne();
    }

    List<Long> idsOf(Handle h, String alertKey) {
        return h.createQuery("SELECT id FROM outbox WHERE alert_key = :key ORDER BY part")
                .bind("key", alertKey)
                .mapTo(Long.class)
                .list();
    }

    private static DeliveryRow delivery(java.sql.ResultSet rs) throws java.sql.SQLException {
        long done = rs.getLong(13);
        boolean hasDone = !rs.wasNull();
        return new DeliveryRow(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getInt(5),
                rs.getInt(6),
                rs.getString(7),
                rs.getString(8),
                rs.getInt(9),
                Optional.ofNullable(rs.getString(10)),
                Instant.ofEpochMilli(rs.getLong(11)),
                Instant.ofEpochMilli(rs.getLong(12)),
                hasDone ? Optional.of(Instant.ofEpochMilli(done)) : Optional.empty());
    }

    Map<String, Counts> counts(Handle h) {
        Map<String, long[]> raw = new LinkedHashMap<>();
        h.createQuery(COUNTS)
                .map((rs, ctx) -> {
                    long[] c = raw.computeIfAbsent(rs.getString(1), t -> new long[2]);
                    c[rs.getString(2).equals("pending") ? 0 : 1] = rs.getLong(3);
                    return null;
                })
                .list();
        Map<String, Counts> out = new LinkedHashMap<>();
        raw.forEach((t, c) -> out.put(t, new Counts(c[0], c[1])));
        return out;
    }

    List<BreakerRow> breakerActions(Handle h, int limit, int offset) {
        return h.createQuery(BREAKER)
                .bind("limit", limit)
                .bind("offset", offset)
                .map((rs, ctx) -> new BreakerRow(
                        rs.getLong(1),
                        Instant.ofEpochMilli(rs.getLong(2)),
                        rs.getString(3),
                        new Target(Target.Kind.of(rs.getString(4)), rs.getLong(5)),
                        Optional.ofNullable(rs.getString(6)),
                        Optional.ofNullable(rs.getString(7)),
                        nullableInt(rs, 8),
                        nullableInt(rs, 9),
                        rs.getString(10),
                        Optional.ofNullable(rs.getString(11))))
                .list();
    }

    private static Optional<Integer> nullableInt(java.sql.ResultSet rs, int column) throws java.sql.SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }

    List<NotifiedRow> notifiedSince(Handle h, Instant since) {
        return h.createQuery(NOTIFIED)
                .bind("since", since.toEpochMilli())
                .map((rs, ctx) -> new NotifiedRow(
                        rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), rs.getInt(4) == 1))
                .list();
    }

    boolean retry(Handle h, long id, Instant now) {
        return h.createUpdate(RETRY)
                        .bind("id", id)
                        .bind("now", now.toEpochMilli())
                        .execute()
                == 1;
    }

    boolean discard(Handle h, long id) {
        return h.createUpdate(DISCARD).bind("id", id).execute() == 1;
    }

    long audit(Handle h, Instant at, Actor actor, String action, String subject, String result, String detail) {
        return h.createUpdate(AUDIT_INSERT)
                .bind("at", at.toEpochMilli())
                .bind("user", actor.user())
                .bind("client", actor.client())
                .bind("action", action)
                .bind("subject", subject)
                .bind("result", result)
                .bind("detail", detail)
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
    }

    List<AuditRow> auditLog(Handle h, int limit, int offset) {
        return h.createQuery(AUDIT)
                .bind("limit", limit)
                .bind("offset", offset)
                .map((rs, ctx) -> new AuditRow(
                        rs.getLong(1),
                        Instant.ofEpochMilli(rs.getLong(2)),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        Optional.ofNullable(rs.getString(8))))
                .list();
    }
}
