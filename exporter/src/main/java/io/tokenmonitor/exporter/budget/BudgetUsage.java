package io.tokenmonitor.exporter.budget;

import java.time.Instant;

/**
 * A budget's usage in its window when it was evaluated, in the budget's unit.
 *
 * @param inForce false once a custom window has ended: its usage is still reported, but it can no
 *                longer be exceeded
 */
public record BudgetUsage(Budget budget, double used, Instant windowStart, Instant windowEnd, boolean inForce) {}
