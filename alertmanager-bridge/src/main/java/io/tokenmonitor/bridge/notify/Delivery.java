package io.tokenmonitor.bridge.notify;

import java.time.Duration;

/** What became of one attempt to deliver one message part; the outbox worker acts on it. */
public sealed interface Delivery {
    /** The platform accepted the message. */
    record Sent() implements Delivery {}

    /** A transient failure (rate limit, 5xx, network); {@code after} is the wait the platform asked for, or zero. */
    record RetryLater(Duration after, String reason) implements Delivery {}

    /** A failure that will never succeed (bad token, bot removed, bad signature): dead letter, never retried. */
    record Rejected(String reason) implements Delivery {}
}
