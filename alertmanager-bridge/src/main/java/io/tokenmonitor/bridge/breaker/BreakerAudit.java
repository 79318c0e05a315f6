package io.tokenmonitor.bridge.breaker;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The audit trail of breaker attempts and re-enables of channels, keys and users, in the bridge's state database.
 * See {@link Breaker} for how a gateway write and its row stay together although no transaction spans the two
 * databases.
 */
public final class BreakerAudit {
    private static final String INSERT = """
            INSERT INTO breaker_audit (at_ms, action, target, target_id, alert_key, alertname, status_before,
                                       status_after, result, detail)
            VALUES (:at, :action, :target, :id, :alertKey, :alertname, :before, :after, :result, :detail)
            """;
    private static final String COMPLETE = """
            UPDATE breaker_audit SET status_before = :before, status_after = :after, result = :result, detail = :detail
            WHERE id = :id AND result = 'pending'
            """;
    /** Pending intents count as disabled: after a crash the row may well be disabled. */
    private static final String COUNT_SINCE = """
            SELECT count(*) FROM breaker_audit
            WHERE action = 'disable' AND result IN ('disabled', 'dry_run', 'pending') AND at_ms >= :since
              AND target = :target
            """;

    private static final String COUNT_TARGET_SINCE = """
            SELECT count(*) FROM breaker_audit
            WHERE action = 'disable' AND result IN ('disabled', 'dry_run', 'pending') AND at_ms >= :since
              AND target = :target AND target_id = :id
            """;
    private static final String LAST_FOR_TARGET = """
            SELECT action, result FROM breaker_audit
            WHERE target = :target AND target_id = :id
              AND ((action = 'disable' AND result = 'disabled') OR (action = 'enable' AND result = 'enabled'))
            ORDER BY id DESC LIMIT 1
            """;
    private static final String PENDING = """
            SELECT id, action, target, target_id, status_before, detail FROM breaker_audit
            WHERE result = 'pending' ORDER BY id
            """;

    /** An attempt recorded before its outcome was; {@code reason} is what the breaker wrote to the gateway. */
    record Intent(long id, String action, Target target, int statusBefore, String reason) {}

    /** Records one attempt with its outcome; returns the row's id. */
    public long record(
            Handle h,
            Instant at,
            String action,
            BreakerOutcome outcome,
            Optional<String> alertKey,
            Optional<String> alertName) {
        return insert(
                h,
                at,
                action,
                outcome.target(),
                alertKey,
                alertName,
                outcome.statusBefore(),
                outcome.statusAfter(),
                outcome.result().label(),
                outcome.detail());
    }

    /**
     * Records the intent to change the target from {@code before}, while the gateway transaction holds its row and
     * before it commits; {@code reason} is what the breaker writes to the gateway where the table keeps a reason.
     */
    long intend(
            Handle h,
            Instant at,
            String action,
            Target target,
            Optional<String> alertKey,
            Optional<String> alertName,
            int before,
            String reason) {
        return insert(
                h, at, action, target, alertKey, alertName, Optional.of(before), Optional.empty(), "pending", reason);
    }

    /** Completes a pending intent with its outcome; false if it was no longer pending. */
    boolean complete(Handle h, long id, BreakerOutcome outcome) {
        return h.createUpdate(COMPLETE)
                        .bind("id", id)
                        .bind("before", outcome.statusBefore().orElse(null))
                        .bind("after", outcome.statusAfter().orElse(null))
                        .bind("result", outcome.result().label())
                        .bind("detail", outcome.detail())
                        .execute()
                == 1;
    }

    /** Intents never completed. */
    List<Intent> pending(Handle h) {
        return h.createQuery(PENDING)
                .map((rs, ctx) -> new Intent(
                        rs.getLong(1),
                        rs.getString(2),
                        new Target(Target.Kind.of(rs.getString(3)), rs.getLong(4)),
                        rs.getInt(5),
                        rs.getString(6)))
                .list();
    }

    private static long insert(
            Handle h,
            Instant at,
            String action,
            Target target,
            Optional<String> alertKey,
            Optional<String> alertName,
            Optional<Integer> before,
            Optional<Integer> after,
            String result,
            String detail) {
        return h.createUpdate(INSERT)
                .bind("at", at.toEpochMilli())
                .bind("action", action)
                .bind("target", target.kind().label())
                .bind("id", target.id())
                .bind("alertKey", alertKey.orElse(null))
                .bind("alertname", alertName.orElse(null))
                .bind("before", before.orElse(null))
                .bind("after", after.orElse(null))
                .bind("result", result)
                .bind("detail", detail)
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
    }

    /**
     * How many rows of {@code kind} the breaker disabled (or, in dry-run mode, would have, or may have before a
     * crash) since {@code since}.
     */
    public int disabledSince(Handle h, Target.Kind kind, Instant since) {
        return h.createQuery(COUNT_SINCE)
                .bind("since", since.toEpochMilli())
                .bind("target", kind.label())
                .mapTo(Integer.class)
                .one();
    }

    /** As {@link #disabledSince}, for one target. */
    public int targetDisabledSince(Handle h, Target target, Instant since) {
        return h.createQuery(COUNT_TARGET_SINCE)
                .bind("since", since.toEpochMilli())
                .bind("target", target.kind().label())
                .bind("id", target.id())
                .mapTo(Integer.class)
                .one();
    }

    /** Whether the latest effective breaker action on the target was disabling it (and no re-enable since). */
    public boolean disabledByBreaker(Handle h, Target target) {
        return h.createQuery(LAST_FOR_TARGET)
                .bind("target", target.kind().label())
                .bind("id", target.id())
                .map((rs, ctx) -> rs.getString(1).equals("disable"))
                .findOne()
                .orElse(false);
    }
}
