package io.tokenmonitor.exporter.budget;

import java.time.Instant;

/** A budget's usage in the window in force when it was evaluated, in the budget's unit. */
public record BudgetUsage(Budget budget, double used, Instant windowStart, Instant windowEnd) {
}
