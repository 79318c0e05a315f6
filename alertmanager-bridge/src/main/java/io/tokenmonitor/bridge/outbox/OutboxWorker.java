package io.tokenmonitor.bridge.outbox;

import io.tokenmonitor.bridge.metrics.BridgeMetrics;
import io.tokenmonitor.bridge.notify.Delivery;
import io.tokenmonitor.bridge.notify.Notifier;
import io.tokenmonitor.bridge.state.StateStore;
import io.tokenmonitor.common.time.PromDuration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one target's outbox, oldest first, within the platform's rate limit. Each outcome is committed before
 * the next part is tried: sent and dead are final, a retry waits (the whole target waits with it, since a
 * platform that failed one message will most likely fail the next).
 */
public final class OutboxWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxWorker.class);
    /** Without a signal, look again this often anyway (cheap, and covers a missed wake-up). */
    static final Duration IDLE_POLL = Duration.ofSeconds(30);
    /** After an unexpected error (the store failing), wait this long before trying again. */
    static final Duration ERROR_PAUSE = Duration.ofSeconds(5);

    /**
     * Parts pending per target at most. At Telegram's 20 a minute this is under an hour of backlog; beyond it a
     * flood would only turn the alerts queued after it into dead letters, so the flood's tail is dropped instead.
     */
    public static final int DEFAULT_MAX_PENDING = 1_000;

    private final String target;
    private final int maxPending;
    private final Notifier notifier;
    private final StateStore store;
    private final Outbox outbox;
    private final RateLimit rateLimit;
    private final Backoff backoff;
    private final Duration deadLetterAfter;
    private final Clock clock;
    private final BridgeMetrics metrics;
    private final WorkSignal signal;
    private int consecutiveFailures;
    private volatile boolean running = true;

    public OutboxWorker(
            String target,
            Notifier notifier,
            StateStore store,
            Outbox outbox,
            RateLimit rateLimit,
            Backoff backoff,
            Duration deadLetterAfter,
            Clock clock,
            BridgeMetrics metrics,
            WorkSignal signal) {
        this(
                target,
                notifier,
                store,
                outbox,
                rateLimit,
                backoff,
                deadLetterAfter,
                clock,
                metrics,
                signal,
                DEFAULT_MAX_PENDING);
    }

    OutboxWorker(
            String target,
            Notifier notifier,
            StateStore store,
            Outbox outbox,
            RateLimit rateLimit,
            Backoff backoff,
            Duration deadLetterAfter,
            Clock clock,
            BridgeMetrics metrics,
            WorkSignal signal,
            int maxPending) {
        this.maxPending = maxPending;
        this.target = target;
        this.notifier = notifier;
        this.store = store;
        this.outbox = outbox;
        this.rateLimit = rateLimit;
        this.backoff = backoff;
        this.deadLetterAfter = deadLetterAfter;
        this.clock = clock;
        this.metrics = metrics;
        this.signal = signal;
    }

    /** Delivers everything that is due and allowed now; returns when there may be more to do. */
    public Instant runOnce() {
        dropOverflow();
        while (true) {
            Instant now = clock.instant();
            Optional<OutboxEntry> head = store.read(h -> outbox.head(h, target));
            if (head.isEmpty()) {
                return now.plus(IDLE_POLL);
            }
            OutboxEntry entry = head.get();
            if (entry.nextAttempt().isAfter(now)) {
                return entry.nextAttempt();
            }
            if (!now.isBefore(entry.created().plus(deadLetterAfter))) {
                bury(
                        entry,
                        now,
                        "not delivered within " + PromDuration.format(deadLetterAfter)
                                + entry.lastError()
                                        .map(e -> "; last error: " + e)
                                        .orElse(""));
                continue;
            }
            Instant slot = rateLimit.nextSlot(now);
            if (slot.isAfter(now)) {
                return slot;
            }
            rateLimit.record(now);
            Delivery delivery = deliver(entry);
            Instant done = clock.instant();
            if (delivery instanceof Delivery.RetryLater retry) {
                Duration wait = retry.after().isZero()
                        ? backoff.delay(entry.attempts() + 1)
                        : retry.after().plus(backoff.jitter());
                Instant next = done.plus(wait);
                store.write(h -> {
                    outbox.markRetry(h, entry.id(), next, retry.reason());
                    return null;
                });
                metrics.sent(target, "retry");
                if (consecutiveFailures++ == 0) {
                    LOG.warn("outbox {}: delivery failing, will retry: {}", target, retry.reason());
                }
                return next;
            }
            if (delivery instanceof Delivery.Rejected rejected) {
                metrics.sent(target, "rejected");
                bury(entry, done, rejected.reason());
                continue;
            }
            store.write(h -> {
                outbox.markSent(h, entry.id(), done);
                return null;
            });
            metrics.sent(target, "sent");
            if (consecutiveFailures > 0) {
                LOG.info("outbox {}: delivering again after {} failed attempts", target, consecutiveFailures);
                consecutiveFailures = 0;
            }
        }
    }

    private void dropOverflow() {
        Instant now = clock.instant();
        String reason = "dropped: more than " + maxPending + " parts were waiting for this target";
        int dropped = store.write(h -> outbox.dropOverflow(h, target, maxPending, now, reason));
        if (dropped > 0) {
            metrics.dropped(target, dropped);
            LOG.warn(
                    "outbox {}: {} parts dropped as dead letters, more than {} were waiting (an alert flood?); "
                            + "see state='dead' rows in the outbox for what was lost",
                    target,
                    dropped,
                    maxPending);
        }
    }

    private Delivery deliver(OutboxEntry entry) {
        try {
            return notifier.send(entry.payload());
        } catch (RuntimeException e) {
            // A notifier must not throw; if one does it is a bug, worth a stack trace, and the message is kept.
            LOG.error("outbox {}: notifier failed on entry {}", target, entry.id(), e);
            return new Delivery.RetryLater(
                    Duration.ZERO, "internal error " + e.getClass().getSimpleName());
        }
    }

    private void bury(OutboxEntry entry, Instant now, String reason) {
        store.write(h -> {
            outbox.markDead(h, entry.id(), now, reason);
            return null;
        });
        metrics.deadLetter(target);
        LOG.warn(
                "outbox {}: dead letter id={} alert={} ({}, part {}/{}): {}",
                target,
                entry.id(),
                entry.alertKey(),
                entry.alertStatus(),
                entry.part(),
                entry.parts(),
                reason);
    }

    @Override
    public void run() {
        while (running) {
            Instant wake;
            try {
                wake = runOnce();
            } catch (RuntimeException e) {
                LOG.error("outbox {}: worker error, pausing {}", target, PromDuration.format(ERROR_PAUSE), e);
                wake = clock.instant().plus(ERROR_PAUSE);
            }
            try {
                signal.await(wake, clock);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Asks the loop to end after the current delivery. */
    public void stop() {
        running = false;
        signal.signal();
    }
}
