package io.tokenmonitor.bridge.metrics;

import java.time.Instant;

/** Pending work of one target, as the outbox reports it for the gauges. */
public record PendingStats(long count, Instant oldestCreated) {}
