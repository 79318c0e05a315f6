package io.tokenmonitor.bridge.breaker;

import java.util.Locale;
import java.util.Optional;

/** What one breaker attempt (or one manual re-enable) did, with the channel status before and after. */
public record BreakerOutcome(
        Result result, long channelId, Optional<Integer> statusBefore, Optional<Integer> statusAfter, String detail) {

    /** Results; the lower-case names are the values of the {@code result} metric label. */
    public enum Result {
        DISABLED,
        ALREADY_DISABLED,
        DRY_RUN,
        RATE_LIMITED,
        FAILED,
        NOT_FOUND,
        ENABLED,
        REFUSED,
        /** The alert's name is not in {@code breaker.alert_names}: it may not ask for the breaker. */
        NOT_ALLOWED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
