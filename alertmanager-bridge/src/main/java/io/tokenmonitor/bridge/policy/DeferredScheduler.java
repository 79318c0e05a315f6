package io.tokenmonitor.bridge.policy;

import io.tokenmonitor.bridge.metrics.BridgeMetrics;
import io.tokenmonitor.bridge.state.StateStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-evaluates alerts that arrived outside their active window: when the window opens and the alert is still
 * firing (no resolved message since), it is announced then. Alerts Alertmanager stopped re-sending expire.
 * Alerts released in the same pass go out together: one group message per target that groups.
 */
public final class DeferredScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(DeferredScheduler.class);

    private final StateStore store;
    private final DeferredAlerts deferred;
    private final AlertPolicy policy;
    private final BridgeMetrics metrics;
    private final Clock clock;
    private final Runnable onQueued;

    public DeferredScheduler(
            StateStore store,
            DeferredAlerts deferred,
            AlertPolicy policy,
            BridgeMetrics metrics,
            Clock clock,
            Runnable onQueued) {
        this.store = store;
        this.deferred = deferred;
        this.policy = policy;
        this.metrics = metrics;
        this.clock = clock;
        this.onQueued = onQueued;
    }

    /** One pass over the deferred alerts; returns how many were released or expired. */
    public int runOnce() {
        Instant now = clock.instant();
        Tally tally = new Tally();
        int handled = store.write(h -> {
            int count = 0;
            Announcements planned = new Announcements();
            List<AlertEvent> released = new ArrayList<>();
            for (DeferredAlerts.Deferred d : deferred.all(h)) {
                AlertEvent event = d.event();
                PolicyLabels labels = PolicyLabels.of(event.labels(), policy.defaults());
                if (event.firing()
                        && d.lastSeen().plus(policy.defaults().deferredExpiry()).isBefore(now)) {
                    deferred.remove(h, event.alertKey());
                    LOG.info(
                            "deferred: alert {} ({}) not re-sent by Alertmanager for {}; dropped",
                            event.alertName(),
                            event.alertKey(),
                            policy.defaults().deferredExpiry());
                    count++;
                } else if (labels.window().isOpen(now, labels.zone())) {
                    policy.process(h, event, Optional.of(d.since()), now, tally, planned);
                    released.add(event);
                    count++;
                }
            }
            policy.queue(h, planned, "", AlertPolicy.commonLabels(released), now, tally);
            return count;
        });
        tally.publish(metrics); // suppressions found now (cooldown, unknown target); nothing is received twice
        if (tally.enqueued() > 0) {
            onQueued.run();
        }
        return handled;
    }
}
