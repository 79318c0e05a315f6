package io.tokenmonitor.bridge.outbox;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter ("equal jitter": half fixed, half random), so that retries after an outage
 * spread out yet never come back immediately.
 */
public final class Backoff {
    public static final Duration DEFAULT_BASE = Duration.ofSeconds(1);

    private final Duration base;
    private final Duration max;
    private final RandomGenerator random;

    public Backoff(Duration base, Duration max, RandomGenerator random) {
        this.base = base;
        this.max = max;
        this.random = random;
    }

    /** The wait before attempt number {@code failures + 1}, after {@code failures} failed attempts (≥ 1). */
    public Duration delay(int failures) {
        int exponent = Math.min(Math.max(failures, 1) - 1, 30);
        long ceiling = Math.min(max.toMillis(), base.toMillis() << exponent);
        long half = Math.max(1, ceiling / 2);
        return Duration.ofMillis(half + random.nextLong(half + 1));
    }

    /** A small random addition to a wait the platform asked for, so that queued retries do not align. */
    public Duration jitter() {
        return Duration.ofMillis(random.nextLong(250));
    }
}
