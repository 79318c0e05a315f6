package io.tokenmonitor.bridge.config;

import io.tokenmonitor.bridge.notify.TargetConfig;
import io.tokenmonitor.bridge.policy.AlertDefaults;
import io.tokenmonitor.bridge.settings.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Everything the bridge needs to start, validated; built by {@link ConfigLoader}. */
public record BridgeConfig(
        String listenHost,
        int listenPort,
        Path statePath,
        WebhookAuth auth,
        AlertDefaults defaults,
        Map<String, TargetConfig> targets,
        BreakerSettings breaker,
        OutboxSettings outbox) {

    public BridgeConfig {
        targets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(targets));
    }

    /** Credentials Alertmanager must present; with none, only an explicit opt-out lets the bridge start. */
    public record WebhookAuth(Optional<Secret> bearerToken, Optional<String> user, Optional<Secret> password,
                              boolean allowUnauthenticated) {
        public boolean required() {
            return bearerToken.isPresent() || user.isPresent();
        }
    }

    /** The channel breaker: where the gateway database is and how careful to be. */
    public record BreakerSettings(Optional<Secret> sqlDsn, boolean dryRun, int maxPerHour) {
        public static final int DEFAULT_MAX_PER_HOUR = 3;
    }

    /** Delivery: when to give up on a message, how long to wait at most between tries, how long to keep history. */
    public record OutboxSettings(Duration deadLetterAfter, Duration maxBackoff, Duration retention) {
        public static final Duration DEFAULT_DEAD_LETTER_AFTER = Duration.ofHours(6);
        public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(5);
        public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    }
}
