package io.tokenmonitor.bridge.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Per alert × target state, persisted: when the target was last told the alert fires (the cooldown runs from
 * there) and whether it is owed a resolved message.
 */
public final class Cooldown {
    private static final String LAST_FIRING =
            "SELECT last_firing_ms FROM notified WHERE alert_key = :key AND target = :target";
    private static final String MARK_FIRING = """
            INSERT INTO notified (alert_key, target, last_firing_ms, announced) VALUES (:key, :target, :now, 1)
            ON CONFLICT (alert_key, target) DO UPDATE SET last_firing_ms = excluded.last_firing_ms, announced = 1
            """;
    private static final String ANNOUNCED =
            "SELECT target FROM notified WHERE alert_key = :key AND announced = 1 ORDER BY target";
    private static final String MARK_RESOLVED =
            "UPDATE notified SET announced = 0 WHERE alert_key = :key AND target = :target";
    private static final String PRUNE = "DELETE FROM notified WHERE announced = 0 AND last_firing_ms < :before";

    /** Whether {@code target} heard about this alert firing less than {@code cooldown} ago. */
    public boolean active(Handle h, String alertKey, String target, Duration cooldown, Instant now) {
        return h.createQuery(LAST_FIRING)
                .bind("key", alertKey)
                .bind("target", target)
                .mapTo(Long.class)
                .findOne()
                .map(last -> now.toEpochMilli() - last < cooldown.toMillis())
                .orElse(false);
    }

    /** Records that {@code target} is being told the alert fires. */
    public void markFiring(Handle h, String alertKey, String target, Instant now) {
        h.createUpdate(MARK_FIRING)
                .bind("key", alertKey)
                .bind("target", target)
                .bind("now", now.toEpochMilli())
                .execute();
    }

    /** The targets told the alert fires and not yet told it resolved. */
    public List<String> announcedTargets(Handle h, String alertKey) {
        return h.createQuery(ANNOUNCED)
                .bind("key", alertKey)
                .mapTo(String.class)
                .list();
    }

    /** Records that {@code target} is being told the alert resolved; its cooldown keeps running. */
    public void markResolved(Handle h, String alertKey, String target) {
        h.createUpdate(MARK_RESOLVED)
                .bind("key", alertKey)
                .bind("target", target)
                .execute();
    }

    /** Forgets resolved alerts whose cooldown is long over. */
    public int prune(Handle h, Instant before) {
        return h.createUpdate(PRUNE).bind("before", before.toEpochMilli()).execute();
    }
}
