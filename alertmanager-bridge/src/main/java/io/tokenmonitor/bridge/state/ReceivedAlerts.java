package io.tokenmonitor.bridge.state;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The alerts the bridge accepted, one row per event (firing or resolved), kept only as long as the longest digest
 * period: the digests' "alerts that fired" comes from what Alertmanager actually delivered here, which Prometheus'
 * {@code ALERTS} series would not tell (it knows nothing of routing, inhibition and silences).
 */
public final class ReceivedAlerts {
    private static final String INSERT =
            "INSERT INTO received_alerts (alertname, status, severity, at_ms) VALUES (:name, :status, :severity, :at)";
    private static final String FIRED = """
            SELECT alertname, count(*) FROM received_alerts
            WHERE status = 'firing' AND at_ms >= :from AND at_ms < :to
            GROUP BY alertname ORDER BY count(*) DESC, alertname
            """;

    /** Records one accepted event in the caller's transaction. */
    public void record(Handle h, String alertName, String status, String severity, Instant at) {
        h.createUpdate(INSERT)
                .bind("name", alertName)
                .bind("status", status)
                .bind("severity", severity)
                .bind("at", at.toEpochMilli())
                .execute();
    }

    /** How many times each alert fired in {@code [from, to)}, most frequent first. */
    public Map<String, Long> fired(Handle h, Instant from, Instant to) {
        Map<String, Long> out = new LinkedHashMap<>();
        h.createQuery(FIRED)
                .bind("from", from.toEpochMilli())
                .bind("to", to.toEpochMilli())
                .map((rs, ctx) -> out.put(rs.getString(1), rs.getLong(2)))
                .list();
        return out;
    }

    /** Deletes rows older than {@code before}. */
    public int prune(Handle h, Instant before) {
        return h.createUpdate("DELETE FROM received_alerts WHERE at_ms < :before")
                .bind("before", before.toEpochMilli())
                .execute();
    }
}
