package io.tokenmonitor.bridge.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Wakes a worker early when new work is committed, instead of letting it sleep until its next planned look. */
public final class WorkSignal {
    private boolean signalled;

    public synchronized void signal() {
        signalled = true;
        notifyAll();
    }

    /** Waits until {@code deadline} on {@code clock}, or until signalled; clears the signal. */
    public synchronized void await(Instant deadline, Clock clock) throws InterruptedException {
        while (!signalled) {
            long millis = Duration.between(clock.instant(), deadline).toMillis();
            if (millis <= 0) {
                break;
            }
            wait(millis);
        }
        signalled = false;
    }
}
