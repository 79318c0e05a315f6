package io.tokenmonitor.bridge.breaker;

import java.util.Locale;
import java.util.Optional;

/**
 * What one breaker attempt (or one manual re-enable) did to its target, with the status before and after, and the
 * target's name in the gateway when the breaker read it (a key's or a user's name; channels are named by Prometheus).
 */
public record BreakerOutcome(
        Result result,
        Target target,
        Optional<Integer> statusBefore,
        Optional<Integer> statusAfter,
        String detail,
        Optional<String> name) {

    public BreakerOutcome(
            Result result,
            Target target,
            Optional<Integer> statusBefore,
            Optional<Integer> statusAfter,
            String detail) {
        this(result, target, statusBefore, statusAfter, detail, Optional.empty());
    }

    /** The id of the target (a channel's id for a channel). */
    public long targetId() {
        return target.id();
    }

    /** Results; the lower-case names are the values of the {@code result} metric label. */
    public enum Result {
        DISABLED,
        ALREADY_DISABLED,
        DRY_RUN,
        RATE_LIMITED,
        FAILED,
        NOT_FOUND,
        ENABLED,
        /** Enable: not the breaker's to re-enable; disable: a row the breaker never switches off (an administrator). */
        REFUSED,
        /** The alert's name is not in {@code breaker.alert_names}: it may not ask for the breaker. */
        NOT_ALLOWED,
        /**
         * {@code breaker.gateway} is set and the alert's {@code gateway} label is another (or missing): in a fleet
         * the alert is about a channel, key or user of another gateway's database, whose ids mean other rows here.
         */
        OTHER_GATEWAY;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
