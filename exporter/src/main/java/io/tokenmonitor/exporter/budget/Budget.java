package io.tokenmonitor.exporter.budget;

import java.util.List;

/**
 * One configured budget: what it counts, over which window, up to which limit, and the policy
 * labels the bridge acts on when it is exceeded (docs/alert-labels.md).
 *
 * @param targets bridge target names (the notify label); empty means the bridge's default (every target)
 * @param active active window such as {@code Mon-Fri 09:00-18:00}; empty means always
 * @param cooldown such as {@code 1h}; empty means the bridge's default
 */
public record Budget(
        String name,
        BudgetScope scope,
        BudgetWindow window,
        BudgetLimit limit,
        List<String> targets,
        String action,
        String active,
        String cooldown,
        String severity) {

    public Budget {
        targets = List.copyOf(targets);
    }

    /** The same budget over {@code resolved} (its key or user found in the store's copy). */
    public Budget withScope(BudgetScope resolved) {
        return new Budget(name, resolved, window, limit, targets, action, active, cooldown, severity);
    }
}
