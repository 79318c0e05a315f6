package io.tokenmonitor.exporter.rule;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a rule watches; the label value and the grammar's {@code kind} are the lower-case name. */
public enum RuleKind {
    /** Usage against a limit (the budgets): published as newapi_budget_*. */
    USAGE,
    /** Failed attempts ÷ all attempts in the window. */
    ERROR_RATIO,
    /** The p95 of the request rows' duration or time to first token in the window. */
    LATENCY,
    /** Requests in the window ÷ requests in the same window a day or a week earlier. */
    SPIKE,
    /** A channel whose status is not enabled. */
    CHANNEL_DOWN,
    /** Spend (USD) in the window against the mean of the same window 1..4 weeks earlier, with a floor. */
    SPEND_ANOMALY;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<RuleKind> of(String label) {
        return Arrays.stream(values()).filter(k -> k.label().equals(label)).findFirst();
    }
}
