package io.tokenmonitor.bridge.breaker;

import java.time.Duration;

/**
 * How often the breaker may switch off rows of one kind: at most {@code maxPerHour} per rolling hour (all rows of
 * that kind together), and the same row at most once per {@code interval} (zero: no per-row limit), even if
 * re-enabled meanwhile.
 */
public record BreakerLimit(int maxPerHour, Duration interval) {

    /** The setting that holds {@code maxPerHour} for this kind, as the operator writes it. */
    static String maxKey(Target.Kind kind) {
        return "breaker." + (kind == Target.Kind.CHANNEL ? "" : kind.label() + "_") + "max_per_hour";
    }

    /** The setting that holds {@code interval} for this kind. */
    static String intervalKey(Target.Kind kind) {
        return "breaker." + kind.label() + "_interval";
    }
}
