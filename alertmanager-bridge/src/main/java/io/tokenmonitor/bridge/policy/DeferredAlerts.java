package io.tokenmonitor.bridge.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/** Alerts received outside their active window, kept until the window opens (the latest status wins). */
public final class DeferredAlerts {
    private static final String UPSERT = """
            INSERT INTO deferred_alerts (alert_key, status, event_json, deferred_ms, last_seen_ms)
            VALUES (:key, :status, :json, :now, :now)
            ON CONFLICT (alert_key) DO UPDATE SET status = excluded.status, event_json = excluded.event_json,
                last_seen_ms = excluded.last_seen_ms
            """;
    private static final String REMOVE = "DELETE FROM deferred_alerts WHERE alert_key = :key";
    private static final String ALL =
            "SELECT event_json, deferred_ms, last_seen_ms FROM deferred_alerts ORDER BY deferred_ms, alert_key";

    /** A deferred alert and since when it waits. */
    public record Deferred(AlertEvent event, Instant since, Instant lastSeen) {}

    private final ObjectMapper json;

    public DeferredAlerts(ObjectMapper json) {
        this.json = json;
    }

    public void put(Handle h, AlertEvent event, Instant now) {
        h.createUpdate(UPSERT)
                .bind("key", event.alertKey())
                .bind("status", event.status())
                .bind("json", write(event))
                .bind("now", now.toEpochMilli())
                .execute();
    }

    public void remove(Handle h, String alertKey) {
        h.createUpdate(REMOVE).bind("key", alertKey).execute();
    }

    public List<Deferred> all(Handle h) {
        return h.createQuery(ALL)
                .map((rs, ctx) -> new Deferred(
                        read(rs.getString(1)),
                        Instant.ofEpochMilli(rs.getLong(2)),
                        Instant.ofEpochMilli(rs.getLong(3))))
                .list();
    }

    private String write(AlertEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an AlertEvent always serialises", e);
        }
    }

    private AlertEvent read(String text) {
        try {
            return json.readValue(text, AlertEvent.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("deferred_alerts holds an unreadable event", e);
        }
    }
}
