package io.tokenmonitor.bridge.breaker;

import io.tokenmonitor.common.gateway.GatewayDsn;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The channel breaker: where the gateway database is (empty: breaker off), which alerts may ask for it, and how
 * careful to be.
 *
 * @param alertNames the only alertnames whose {@code action="disable_channel"} is acted on: the webhook token lets
 *     anyone post any alert, so a made-up name must not disable a channel
 * @param maxPerHour channels disabled per rolling hour, all channels together
 * @param channelInterval the same channel is disabled at most once within this, even if re-enabled meanwhile
 */
public record BreakerSettings(
        Optional<GatewayDsn> gateway,
        boolean dryRun,
        int maxPerHour,
        Duration channelInterval,
        Set<String> alertNames) {
    public static final int DEFAULT_MAX_PER_HOUR = 3;
    /** Long enough that a flapping alert cannot disable, be re-enabled and disable again all day. */
    public static final Duration DEFAULT_CHANNEL_INTERVAL = Duration.ofHours(6);

    /**
     * The alerts this project generates that name one channel (prometheus/rules/alerts.yml): the budget alert the
     * exporter's budgets feed, and the per-channel rules, should a user add {@code action: disable_channel} to one.
     * Not TokenMonitorBudgetForecastExhausted: its rule forces {@code action: notify}, a forecast never trips.
     */
    public static final List<String> DEFAULT_ALERT_NAMES = List.of(
            "TokenMonitorBudgetExceeded",
            "TokenMonitorChannelErrorRatioHigh",
            "TokenMonitorChannelLatencyHigh",
            "TokenMonitorChannelAutoDisabled",
            "TokenMonitorChannelBalanceLow",
            "TokenMonitorRequestVolumeSpike",
            // The exporter's rules of every kind (issue 13): one generic alert per kind carries each rule's action.
            "TokenMonitorRuleErrorRatioHigh",
            "TokenMonitorRuleLatencyHigh",
            "TokenMonitorRuleRequestSpike",
            "TokenMonitorRuleChannelDown");

    public BreakerSettings {
        alertNames = Set.copyOf(new LinkedHashSet<>(alertNames));
    }
}
