package io.tokenmonitor.bridge.policy;

import io.tokenmonitor.bridge.metrics.BridgeMetrics;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts gathered inside a transaction and published only after it commits, so an alert that Alertmanager
 * re-sends after a failed commit is not counted twice.
 */
public final class Tally {
    private final List<String> received = new ArrayList<>();
    private final List<String> suppressed = new ArrayList<>();
    private int enqueued;

    public void received(String status) {
        received.add(status);
    }

    public void suppressed(String reason) {
        suppressed.add(reason);
    }

    /** Records queued work (message parts or a breaker job), so the workers are woken after the commit. */
    public void enqueued(int parts) {
        enqueued += parts;
    }

    public int enqueued() {
        return enqueued;
    }

    public List<String> suppressedReasons() {
        return List.copyOf(suppressed);
    }

    /** Publishes the counts; call after the commit. */
    public void publish(BridgeMetrics metrics) {
        received.forEach(metrics::received);
        suppressed.forEach(metrics::suppressed);
    }
}
