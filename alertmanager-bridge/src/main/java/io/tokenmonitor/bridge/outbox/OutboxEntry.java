package io.tokenmonitor.bridge.outbox;

import java.time.Instant;
import java.util.Optional;

/** One pending message part for one target. */
public record OutboxEntry(
        long id,
        String target,
        String alertKey,
        String alertStatus,
        int part,
        int parts,
        String payload,
        Instant created,
        Instant nextAttempt,
        int attempts,
        Optional<String> lastError) {}
