package io.tokenmonitor.bridge.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Firing alerts waiting for the breaker. The intake only queues them (the gateway database may be slow or down,
 * and Alertmanager must get its answer fast); {@link BreakerWorker} trips and then announces.
 */
public final class BreakerJobs {
    private static final String INSERT =
            "INSERT INTO breaker_jobs (event_json, held_since_ms, created_ms) VALUES (:json, :held, :now)";
    private static final String NEXT = "SELECT id, event_json, held_since_ms FROM breaker_jobs ORDER BY id LIMIT 1";
    private static final String REMOVE = "DELETE FROM breaker_jobs WHERE id = :id";

    /** A queued breaker request; {@code heldSince} is set when the alert waited for its active window. */
    public record Job(long id, AlertEvent event, Optional<Instant> heldSince) {}

    private final ObjectMapper json;

    public BreakerJobs(ObjectMapper json) {
        this.json = json;
    }

    public void add(Handle h, AlertEvent event, Optional<Instant> heldSince, Instant now) {
        try {
            h.createUpdate(INSERT)
                    .bind("json", json.writeValueAsString(event))
                    .bind("held", heldSince.map(Instant::toEpochMilli).orElse(null))
                    .bind("now", now.toEpochMilli())
                    .execute();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an AlertEvent always serialises", e);
        }
    }

    public Optional<Job> next(Handle h) {
        return h.createQuery(NEXT)
                .map((rs, ctx) -> {
                    long held = rs.getLong(3);
                    Optional<Instant> heldSince =
                            rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(held));
                    try {
                        return new Job(rs.getLong(1), json.readValue(rs.getString(2), AlertEvent.class), heldSince);
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("breaker_jobs holds an unreadable event", e);
                    }
                })
                .findOne();
    }

    public void remove(Handle h, long id) {
        h.createUpdate(REMOVE).bind("id", id).execute();
    }
}
