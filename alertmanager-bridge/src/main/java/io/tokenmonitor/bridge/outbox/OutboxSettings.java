package io.tokenmonitor.bridge.outbox;

import java.time.Duration;

/** Delivery: when to give up on a message, how long to wait at most between tries, how long to keep history. */
public record OutboxSettings(Duration deadLetterAfter, Duration maxBackoff, Duration retention) {
    public static final Duration DEFAULT_DEAD_LETTER_AFTER = Duration.ofHours(6);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(5);
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
}
