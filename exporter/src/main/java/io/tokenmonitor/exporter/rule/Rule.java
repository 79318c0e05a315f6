package io.tokenmonitor.exporter.rule;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmonitor.exporter.budget.Budget;
import io.tokenmonitor.exporter.budget.BudgetLimit;
import io.tokenmonitor.exporter.budget.BudgetScope;
import io.tokenmonitor.exporter.budget.BudgetWindow;
import io.tokenmonitor.exporter.store.LatencyColumn;
import java.time.Duration;
import java.util.List;

/**
 * One alert rule, parsed and checked (RuleParser), from the config file or the console.
 *
 * @param window null for channel_down
 * @param limit the usage rule's limit; null for the other kinds
 * @param above the threshold of error_ratio, latency and spike rules (0 otherwise)
 * @param minRequests the requests needed in the window before the rule is armed (0 for usage and channel_down)
 * @param metric the latency rule's column; null for the other kinds
 * @param compareTo how much earlier a spike rule's comparison window lies; null for the other kinds
 * @param anomaly a spend_anomaly rule's weeks, floor and per; null for the other kinds
 * @param spec the rule as written, {@code enabled} (and, for a budget, {@code kind}) added
 */
public record Rule(
        String name,
        RuleKind kind,
        boolean enabled,
        BudgetScope scope,
        BudgetWindow window,
        BudgetLimit limit,
        double above,
        long minRequests,
        LatencyColumn metric,
        Duration compareTo,
        SpendAnomaly anomaly,
        List<String> targets,
        String action,
        String active,
        String cooldown,
        String severity,
        ObjectNode spec) {

    public Rule {
        targets = List.copyOf(targets);
    }

    /**
     * What a spend_anomaly rule compares: the spend in its window against {@code above} × the mean spend in the same
     * window 7·k days earlier (k = 1..weeks), at least {@code minUsd}.
     *
     * @param per every key, user or group (one series each for those over the threshold); null: the rule's scope
     */
    public record SpendAnomaly(int weeks, double minUsd, Per per) {}

    /** A spend_anomaly rule's {@code per}. */
    public enum Per {
        TOKEN,
        USER,
        GROUP;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A usage rule as the budget evaluator counts it. */
    public Budget budget() {
        return new Budget(name, scope, window, limit, targets, action, active, cooldown, severity);
    }

    /** The value of the {@code window} label; empty for channel_down. */
    public String windowLabel() {
        return window == null ? "" : window.label();
    }
}
