package io.tokenmonitor.bridge.breaker;

import io.tokenmonitor.bridge.settings.Secret;
import java.util.Optional;

/** The channel breaker: where the gateway database is and how careful to be. */
public record BreakerSettings(Optional<Secret> sqlDsn, boolean dryRun, int maxPerHour) {
    public static final int DEFAULT_MAX_PER_HOUR = 3;
}
