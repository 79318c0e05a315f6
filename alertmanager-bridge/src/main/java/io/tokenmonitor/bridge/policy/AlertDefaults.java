package io.tokenmonitor.bridge.policy;

import io.tokenmonitor.bridge.notify.Language;
import io.tokenmonitor.common.time.ActiveWindow;
import java.time.Duration;
import java.time.ZoneId;

/** Policy defaults for alerts that do not carry the label, from the {@code defaults} section of the config. */
public record AlertDefaults(
        ZoneId zone,
        Duration cooldown,
        ActiveWindow active,
        String severity,
        Language language,
        Duration dedupWindow,
        Duration deferredExpiry) {
    public static final Duration DEFAULT_COOLDOWN = Duration.ofHours(1);
    /** Alertmanager HA peers and retries re-send within a group_interval (5 m by default); twice that. */
    public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofMinutes(10);
    /** A deferred alert Alertmanager stopped re-sending (repeat_interval ≤ 24 h is usual) is stale. */
    public static final Duration DEFAULT_DEFERRED_EXPIRY = Duration.ofHours(25);
}
