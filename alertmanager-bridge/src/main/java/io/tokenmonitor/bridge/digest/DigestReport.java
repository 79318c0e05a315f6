package io.tokenmonitor.bridge.digest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one digest says, before wording: usage by channel and by model (the top rows and the rest summed), budgets at
 * or above {@link #NEAR} of their limit, breaker actions and alerts that fired in the period. {@code unavailable} is
 * set when Prometheus could not be asked: then the usage and budget parts are empty and the digest says why, rather
 * than showing zeros that look like a quiet day.
 */
public record DigestReport(
        DigestSchedule.Period period,
        Optional<String> unavailable,
        Usage byChannel,
        Usage byModel,
        List<Budget> budgets,
        List<BreakerAction> breakerActions,
        Map<String, Long> fired) {
    /** A budget is "near" its limit from 80 % of it. */
    public static final double NEAR = 0.8;

    public DigestReport {
        budgets = List.copyOf(budgets);
        breakerActions = List.copyOf(breakerActions);
        fired = Map.copyOf(fired);
    }

    /** Spend and tokens of one channel or model, or of the rest. */
    public record Row(String name, double usd, double tokens) {}

    /** The top rows by spend (then tokens), the sum of the rest ({@code othersCount} of them) and the total. */
    public record Usage(List<Row> top, Optional<Row> others, int othersCount, Row total) {
        public Usage {
            top = List.copyOf(top);
        }

        static final Usage EMPTY = new Usage(List.of(), Optional.empty(), 0, new Row("", 0, 0));
    }

    /** A budget at or above {@link #NEAR}, by its {@code budget} label, in its {@code unit}. */
    public record Budget(String name, double used, double limit, String unit) {
        public double ratio() {
            return used / limit;
        }
    }

    /** One row of the breaker's audit; {@code target} is channel, token or user. */
    public record BreakerAction(
            Instant at, String action, String target, long targetId, String alertName, String result) {}
}
