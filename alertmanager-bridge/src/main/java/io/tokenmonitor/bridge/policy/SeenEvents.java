package io.tokenmonitor.bridge.policy;

import java.time.Duration;
import java.time.Instant;
import org.jdbi.v3.core.Handle;

/** Remembers alert events for a while so that Alertmanager's duplicates (HA peers, retries) are absorbed. */
public final class SeenEvents {
    private static final String LAST_SEEN = "SELECT seen_ms FROM intake_seen WHERE event_key = :key";
    private static final String UPSERT = """
            INSERT INTO intake_seen (event_key, seen_ms) VALUES (:key, :now)
            ON CONFLICT (event_key) DO UPDATE SET seen_ms = excluded.seen_ms
            """;
    private static final String PRUNE = "DELETE FROM intake_seen WHERE seen_ms < :before";

    private final Duration window;

    public SeenEvents(Duration window) {
        this.window = window;
    }

    /**
     * True when the event was not seen within the dedup window; records it either way. A repeat after the window
     * (Alertmanager's repeat_interval) is new again, and the cooldown decides about it.
     */
    public boolean firstSighting(Handle h, String eventKey, Instant now) {
        boolean duplicate = h.createQuery(LAST_SEEN)
                .bind("key", eventKey)
                .mapTo(Long.class)
                .findOne()
                .map(seen -> now.toEpochMilli() - seen < window.toMillis())
                .orElse(false);
        if (!duplicate) {
            h.createUpdate(UPSERT)
                    .bind("key", eventKey)
                    .bind("now", now.toEpochMilli())
                    .execute();
        }
        return !duplicate;
    }

    /** Forgets events older than the window. */
    public int prune(Handle h, Instant now) {
        return h.createUpdate(PRUNE)
                .bind("before", now.minus(window).toEpochMilli())
                .execute();
    }
}
