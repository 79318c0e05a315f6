package io.tokenmonitor.bridge.breaker;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The audit trail of breaker attempts and re-enables, in the bridge's state database. */
public final class BreakerAudit {
    private static final String INSERT = """
            INSERT INTO breaker_audit (at_ms, action, channel_id, alert_key, alertname, status_before, status_after, result, detail)
            VALUES (:at, :action, :channel, :alertKey, :alertname, :before, :after, :result, :detail)
            """;
    private static final String COUNT_SINCE = """
            SELECT count(*) FROM breaker_audit WHERE action = 'disable' AND result IN ('disabled', 'dry_run') AND at_ms >= :since
            """;
    private static final String LAST_FOR_CHANNEL = """
            SELECT action, result FROM breaker_audit
            WHERE channel_id = :channel AND ((action = 'disable' AND result = 'disabled') OR (action = 'enable' AND result = 'enabled'))
            ORDER BY id DESC LIMIT 1
            """;

    /** Records one attempt. */
    public void record(
            Handle h,
            Instant at,
            String action,
            BreakerOutcome outcome,
            Optional<String> alertKey,
            Optional<String> alertName) {
        h.createUpdate(INSERT)
                .bind("at", at.toEpochMilli())
                .bind("action", action)
                .bind("channel", outcome.channelId())
                .bind("alertKey", alertKey.orElse(null))
                .bind("alertname", alertName.orElse(null))
                .bind("before", outcome.statusBefore().orElse(null))
                .bind("after", outcome.statusAfter().orElse(null))
                .bind("result", outcome.result().label())
                .bind("detail", outcome.detail())
                .execute();
    }

    /** How many channels the breaker disabled (or, in dry-run mode, would have) since {@code since}. */
    public int disabledSince(Handle h, Instant since) {
        return h.createQuery(COUNT_SINCE)
                .bind("since", since.toEpochMilli())
                .mapTo(Integer.class)
                .one();
    }

    /** Whether the latest effective breaker action on the channel was disabling it (and no re-enable since). */
    public boolean disabledByBreaker(Handle h, long channelId) {
        return h.createQuery(LAST_FOR_CHANNEL)
                .bind("channel", channelId)
                .map((rs, ctx) -> rs.getString(1).equals("disable"))
                .findOne()
                .orElse(false);
    }
}
