package io.tokenmonitor.bridge.policy;

import io.tokenmonitor.bridge.breaker.Breaker;
import io.tokenmonitor.bridge.breaker.BreakerOutcome;
import io.tokenmonitor.bridge.breaker.Target;
import io.tokenmonitor.bridge.metrics.BridgeMetrics;
import io.tokenmonitor.bridge.state.StateStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Works through the breaker queue: switches the channel, key or user off, then queues the alert's notification with a sentence saying
 * what the breaker did. A target actually disabled is news, so that message skips the cooldown.
 */
public final class BreakerWorker {

    private final StateStore store;
    private final BreakerJobs jobs;
    private final Breaker breaker;
    private final AlertPolicy policy;
    private final BridgeMetrics metrics;
    private final Clock clock;
    private final Runnable onQueued;

    public BreakerWorker(
            StateStore store,
            BreakerJobs jobs,
            Breaker breaker,
            AlertPolicy policy,
            BridgeMetrics metrics,
            Clock clock,
            Runnable onQueued) {
        this.store = store;
        this.jobs = jobs;
        this.breaker = breaker;
        this.policy = policy;
        this.metrics = metrics;
        this.clock = clock;
        this.onQueued = onQueued;
    }

    /** Handles every queued job; returns how many. */
    public int runOnce() {
        // First, so that an attempt a crash interrupted is audited exactly before anything else is decided.
        breaker.reconcile();
        int handled = 0;
        for (Optional<BreakerJobs.Job> next = store.read(jobs::next); next.isPresent(); next = store.read(jobs::next)) {
            BreakerJobs.Job job = next.get();
            PolicyLabels labels = PolicyLabels.of(job.event().labels(), policy.defaults());
            Target target = labels.breakerTarget()
                    .orElseThrow(() -> new IllegalStateException("queued without the id its action needs"));
            BreakerOutcome outcome = breaker.trip(
                    target,
                    job.event().alertKey(),
                    job.event().alertName(),
                    Optional.ofNullable(job.event().labels().get("gateway")));
            metrics.breaker(outcome.result().label());
            List<String> notes = new ArrayList<>();
            job.heldSince().ifPresent(since -> notes.add(policy.heldNote(since, labels.zone())));
            notes.add(BreakerNotes.describe(outcome, policy.language()));
            Tally tally = new Tally();
            Instant now = clock.instant();
            store.write(h -> {
                policy.announceFiring(
                        h, job.event(), labels, notes, outcome.result() == BreakerOutcome.Result.DISABLED, now, tally);
                jobs.remove(h, job.id());
                return null;
            });
            tally.suppressedReasons().forEach(metrics::suppressed);
            onQueued.run();
            handled++;
        }
        return handled;
    }
}
