package io.tokenmonitor.bridge.breaker;

import io.tokenmonitor.common.gateway.GatewayDsn;
import java.util.Optional;

/** The channel breaker: where the gateway database is (empty: breaker off) and how careful to be. */
public record BreakerSettings(Optional<GatewayDsn> gateway, boolean dryRun, int maxPerHour) {
    public static final int DEFAULT_MAX_PER_HOUR = 3;
}
