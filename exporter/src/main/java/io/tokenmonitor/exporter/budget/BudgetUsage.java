package io.tokenmonitor.exporter.budget;

import java.time.Instant;

/**
 * A budget's usage in its window when it was evaluated, in the budget's unit.
 *
 * @param budget the budget, its key or user scope resolved (names to ids, ids to names)
 * @param inForce false once a custom window has ended: its usage is still reported, but it can no
 *                longer be exceeded
 * @param problem why the budget cannot be counted (its key or user name is unknown or ambiguous; then used is NaN
 *     and nothing is published); empty otherwise
 */
public record BudgetUsage(
        Budget budget, double used, Instant windowStart, Instant windowEnd, boolean inForce, String problem) {

    public BudgetUsage(Budget budget, double used, Instant windowStart, Instant windowEnd, boolean inForce) {
        this(budget, used, windowStart, windowEnd, inForce, "");
    }

    public boolean counted() {
        return problem.isEmpty();
    }
}
