package io.tokenmonitor.bridge.config;

import io.tokenmonitor.bridge.breaker.BreakerSettings;
import io.tokenmonitor.bridge.digest.DigestSettings;
import io.tokenmonitor.bridge.intake.WebhookAuth;
import io.tokenmonitor.bridge.notify.TargetConfig;
import io.tokenmonitor.bridge.outbox.OutboxSettings;
import io.tokenmonitor.bridge.policy.AlertDefaults;
import io.tokenmonitor.bridge.policy.GroupingSettings;
import io.tokenmonitor.common.web.ConsoleLogin;
import java.nio.file.Path;
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
        OutboxSettings outbox,
        GroupingSettings grouping,
        Optional<ConsoleLogin> console,
        DigestSettings digests) {

    public BridgeConfig {
        targets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(targets));
    }

    /** Every target grouping, as by default; no console (no login) and no digests. */
    public BridgeConfig(
            String listenHost,
            int listenPort,
            Path statePath,
            WebhookAuth auth,
            AlertDefaults defaults,
            Map<String, TargetConfig> targets,
            BreakerSettings breaker,
            OutboxSettings outbox) {
        this(
                listenHost,
                listenPort,
                statePath,
                auth,
                defaults,
                targets,
                breaker,
                outbox,
                GroupingSettings.ALL_GROUPED,
                Optional.empty(),
                DigestSettings.OFF);
    }
}
