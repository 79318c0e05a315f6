package io.tokenmonitor.exporter.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Waits for an eventually consistent value (the exporter syncing in the background). The limit only
 * bounds a hung test; the assertion that follows checks the value itself, never the time taken.
 */
public final class Await {

    private static final Duration STEP = Duration.ofMillis(100);

    private Await() {}

    /** Polls {@code probe} until {@code done} accepts its value or {@code limit} passes; returns the last value. */
    public static <T> T until(Callable<T> probe, Predicate<T> done, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        T value = null;
        while (System.nanoTime() < deadline) {
            try {
                value = probe.call();
                if (done.test(value)) {
                    return value;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(STEP.toMillis());
        }
        return value;
    }
}
