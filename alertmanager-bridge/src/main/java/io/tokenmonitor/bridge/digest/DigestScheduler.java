package io.tokenmonitor.bridge.digest;

import io.tokenmonitor.bridge.notify.Language;
import io.tokenmonitor.bridge.notify.Notification;
import io.tokenmonitor.bridge.notify.Notifier;
import io.tokenmonitor.bridge.outbox.Outbox;
import io.tokenmonitor.bridge.state.ReceivedAlerts;
import io.tokenmonitor.bridge.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each target's digest once per period. The {@code digest_runs} row is written in the transaction that queues
 * the digest's outbox rows, so a period is queued once whatever crashes; the outbox then delivers it like any
 * message (retried, durable). A digest missed while the bridge was down is sent on restart as long as its period is
 * the latest one (the next is not yet due); an older one is not worth sending late. The first time a target has a
 * digest, the period already due is only noted, so configuring digests at 15:00 does not send yesterday's at once.
 */
public final class DigestScheduler implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(DigestScheduler.class);
    /** received_alerts is kept for the longest period, with a day to spare for DST and late runs. */
    static final Duration KEEP_RECEIVED = Duration.ofDays(8);

    private static final String HAS_RUNS =
            "SELECT count(*) FROM digest_runs WHERE target = :target AND period = :period";
    private static final String HAS_RUN =
            "SELECT count(*) FROM digest_runs WHERE target = :target AND period = :period AND due_ms = :due";
    private static final String INSERT_RUN = """
            INSERT INTO digest_runs (target, period, due_ms, sent, done_ms) VALUES (:target, :period, :due, :sent, :now)
            """;

    private final Map<String, DigestSchedule> schedules;
    private final Map<String, Notifier> notifiers;
    private final DigestSource source;
    private final StateStore store;
    private final Outbox outbox;
    private final ReceivedAlerts received;
    private final Language language;
    private final Clock clock;
    private final Runnable onQueued;

    public DigestScheduler(
            Map<String, DigestSchedule> schedules,
            Map<String, Notifier> notifiers,
            DigestSource source,
            StateStore store,
            Outbox outbox,
            ReceivedAlerts received,
            Language language,
            Clock clock,
            Runnable onQueued) {
        this.schedules = Map.copyOf(schedules);
        this.notifiers = Map.copyOf(notifiers);
        this.source = source;
        this.store = store;
        this.outbox = outbox;
        this.received = received;
        this.language = language;
        this.clock = clock;
        this.onQueued = onQueued;
    }

    /** Queues every digest now due and not yet queued; returns how many. */
    public int runOnce() {
        Instant now = clock.instant();
        int queued = 0;
        for (Map.Entry<String, DigestSchedule> e : schedules.entrySet()) {
            String target = e.getKey();
            DigestSchedule schedule = e.getValue();
            for (DigestSchedule.Kind kind : schedule.kinds()) {
                DigestSchedule.Period period = schedule.latest(kind, now);
                if (store.read(h -> count(h, HAS_RUN, target, kind, period.end())) > 0) {
                    continue;
                }
                if (store.read(h -> count(h, HAS_RUNS, target, kind, period.end())) == 0) {
                    store.write(h -> insertRun(h, target, kind, period.end(), false, now));
                    continue;
                }
                // Built outside the write lock: Prometheus may take seconds, and alerts must not wait for it.
                DigestReport report = source.report(period, schedule.top());
                Notification message = DigestMessage.of(report, schedule.zone(), language, now);
                List<String> parts = notifiers.get(target).render(message);
                boolean first = store.write(h -> {
                    if (count(h, HAS_RUN, target, kind, period.end()) > 0) {
                        return false;
                    }
                    insertRun(h, target, kind, period.end(), true, now);
                    outbox.enqueue(h, target, "digest:" + kind.key + ":" + period.end(), "digest", parts, now);
                    return true;
                });
                if (first) {
                    queued++;
                    LOG.info("digest: {} digest for {} queued ({} part(s))", kind.key, target, parts.size());
                }
            }
        }
        store.write(h -> received.prune(h, now.minus(KEEP_RECEIVED)));
        if (queued > 0) {
            onQueued.run();
        }
        return queued;
    }

    @Override
    public void run() {
        runOnce();
    }

    private static long count(Handle h, String sql, String target, DigestSchedule.Kind kind, Instant due) {
        return h.createQuery(sql)
                .bind("target", target)
                .bind("period", kind.key)
                .bind("due", due.toEpochMilli())
                .mapTo(Long.class)
                .one();
    }

    private static Void insertRun(
            Handle h, String target, DigestSchedule.Kind kind, Instant due, boolean sent, Instant now) {
        h.createUpdate(INSERT_RUN)
                .bind("target", target)
                .bind("period", kind.key)
                .bind("due", due.toEpochMilli())
                .bind("sent", sent ? 1 : 0)
                .bind("now", now.toEpochMilli())
                .execute();
        return null;
    }
}
