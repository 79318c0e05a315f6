package io.tokenmonitor.bridge.config;

import io.tokenmonitor.bridge.notify.Language;
import io.tokenmonitor.bridge.policy.ActiveWindow;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
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

    /** Policy defaults for alerts that do not carry the label. */
    public record AlertDefaults(ZoneId zone, Duration cooldown, ActiveWindow active, String severity,
                                Language language, Duration dedupWindow, Duration deferredExpiry) {
        public static final Duration DEFAULT_COOLDOWN = Duration.ofHours(1);
        /** Alertmanager HA peers and retries re-send within a group_interval (5 m by default); twice that. */
        public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofMinutes(10);
        /** A deferred alert Alertmanager stopped re-sending (repeat_interval ≤ 24 h is usual) is stale. */
        public static final Duration DEFAULT_DEFERRED_EXPIRY = Duration.ofHours(25);
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
