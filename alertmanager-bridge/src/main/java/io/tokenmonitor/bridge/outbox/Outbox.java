package io.tokenmonitor.bridge.outbox;

import io.tokenmonitor.bridge.metrics.PendingStats;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/** The SQLite outbox table. Every method runs in the caller's handle, so enqueueing joins the intake transaction. */
public final class Outbox {
    private static final String INSERT = """
            INSERT INTO outbox (target, alert_key, alert_status, part, parts, payload, created_ms, next_attempt_ms)
            VALUES (:target, :alertKey, :status, :part, :parts, :payload, :now, :now)
            """;
    private static final String HEAD = """
            SELECT id, target, alert_key, alert_status, part, parts, payload, created_ms, next_attempt_ms, attempts, last_error
            FROM outbox WHERE state = 'pending' AND target = :target ORDER BY attempts = 0, part, id LIMIT 1
            """;
    private static final String COUNT_PENDING =
            "SELECT count(*) FROM outbox WHERE state = 'pending' AND target = :target";
    private static final String DROP_OVERFLOW = """
            UPDATE outbox SET state = 'dead', done_ms = :now, last_error = :reason
            WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' AND target = :target
                         ORDER BY part > 1 DESC, id LIMIT :excess)
            """;
    private static final String MARK_SENT = """
            UPDATE outbox SET state = 'sent', attempts = attempts + 1, done_ms = :now WHERE id = :id AND state = 'pending'
            """;
    private static final String MARK_RETRY = """
            UPDATE outbox SET attempts = attempts + 1, next_attempt_ms = :next, last_error = :reason
            WHERE id = :id AND state = 'pending'
            """;
    private static final String MARK_DEAD = """
            UPDATE outbox SET state = 'dead', done_ms = :now, last_error = :reason WHERE id = :id AND state = 'pending'
            """;
    private static final String PENDING = """
            SELECT target, count(*), min(created_ms) FROM outbox WHERE state = 'pending' GROUP BY target
            """;
    private static final String PRUNE = "DELETE FROM outbox WHERE state <> 'pending' AND done_ms < :before";

    /** Queues the parts of one message, in order, for one target. */
    public void enqueue(Handle h, String target, String alertKey, String alertStatus, List<String> parts, Instant now) {
        PreparedBatch batch = h.prepareBatch(INSERT);
        for (int i = 0; i < parts.size(); i++) {
            batch.bind("target", target)
                    .bind("alertKey", alertKey)
                    .bind("status", alertStatus)
                    .bind("part", i + 1)
                    .bind("parts", parts.size())
                    .bind("payload", parts.get(i))
                    .bind("now", now.toEpochMilli())
                    .add();
        }
        batch.execute();
    }

    /**
     * The next entry to deliver to the target: one being retried first (a retry pauses the target), then every
     * message's first part in arrival order, then every second part, and so on. So parts are delivered in order
     * within a message, and a message of many parts cannot hold back the alerts that arrive after it.
     */
    public Optional<OutboxEntry> head(Handle h, String target) {
        return h.createQuery(HEAD)
                .bind("target", target)
                .map((rs, ctx) -> new OutboxEntry(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getInt(5),
                        rs.getInt(6),
                        rs.getString(7),
                        Instant.ofEpochMilli(rs.getLong(8)),
                        Instant.ofEpochMilli(rs.getLong(9)),
                        rs.getInt(10),
                        Optional.ofNullable(rs.getString(11))))
                .findOne();
    }

    /**
     * Keeps at most {@code max} entries pending for the target: the excess becomes dead letters with
     * {@code reason}, tails of many-part messages first (oldest first), then the oldest messages. Returns how many.
     */
    public int dropOverflow(Handle h, String target, int max, Instant now, String reason) {
        long pending = h.createQuery(COUNT_PENDING)
                .bind("target", target)
                .mapTo(Long.class)
                .one();
        if (pending <= max) {
            return 0;
        }
        return h.createUpdate(DROP_OVERFLOW)
                .bind("target", target)
                .bind("excess", pending - max)
                .bind("now", now.toEpochMilli())
                .bind("reason", reason)
                .execute();
    }

    public void markSent(Handle h, long id, Instant now) {
        h.createUpdate(MARK_SENT).bind("id", id).bind("now", now.toEpochMilli()).execute();
    }

    public void markRetry(Handle h, long id, Instant next, String reason) {
        h.createUpdate(MARK_RETRY)
                .bind("id", id)
                .bind("next", next.toEpochMilli())
                .bind("reason", reason)
                .execute();
    }

    public void markDead(Handle h, long id, Instant now, String reason) {
        h.createUpdate(MARK_DEAD)
                .bind("id", id)
                .bind("now", now.toEpochMilli())
                .bind("reason", reason)
                .execute();
    }

    /** Pending count and oldest entry per target that has any. */
    public Map<String, PendingStats> pending(Handle h) {
        Map<String, PendingStats> out = new LinkedHashMap<>();
        h.createQuery(PENDING)
                .map((rs, ctx) -> {
                    out.put(rs.getString(1), new PendingStats(rs.getLong(2), Instant.ofEpochMilli(rs.getLong(3))));
                    return null;
                })
                .list();
        return out;
    }

    /** Deletes sent and dead entries finished before {@code before}. */
    public int prune(Handle h, Instant before) {
        return h.createUpdate(PRUNE).bind("before", before.toEpochMilli()).execute();
    }
}
