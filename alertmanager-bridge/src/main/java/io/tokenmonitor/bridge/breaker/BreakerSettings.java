package io.tokenmonitor.bridge.breaker;

import io.tokenmonitor.common.gateway.GatewayDsn;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The breaker: where the gateway database is (empty: breaker off), which alerts may ask for it, and how careful to
 * be with channels, keys and users.
 *
 * @param alertNames the only alertnames whose {@code action="disable_channel"}, {@code disable_token} or
 *     {@code disable_user} is acted on: the webhook token lets anyone post any alert, so a made-up name must not
 *     switch anything off
 * @param maxPerHour channels disabled per rolling hour, all channels together
 * @param channelInterval the same channel is disabled at most once within this, even if re-enabled meanwhile
 * @param tokens the same two limits for API keys ({@code breaker.token_max_per_hour}, {@code token_interval})
 * @param users and for users ({@code breaker.user_max_per_hour}, {@code user_interval})
 * @param gatewayLabel {@code breaker.gateway}: when set, the breaker acts only on alerts whose {@code gateway} label
 *     is this value (a fleet's alerts share one Alertmanager; ids are per gateway); empty: on any alert
 */
public record BreakerSettings(
        Optional<GatewayDsn> gateway,
        boolean dryRun,
        int maxPerHour,
        Duration channelInterval,
        BreakerLimit tokens,
        BreakerLimit users,
        Set<String> alertNames,
        Optional<String> gatewayLabel) {
    public static final int DEFAULT_MAX_PER_HOUR = 3;
    /** Long enough that a flapping alert cannot disable, be re-enabled and disable again all day. */
    public static final Duration DEFAULT_CHANNEL_INTERVAL = Duration.ofHours(6);

    /**
     * A leaked or looping key is the common case and stopping one costs only that key's owner, so more keys than
     * channels may go per hour; a flood beyond it more likely means a rule gone wrong.
     */
    public static final int DEFAULT_TOKEN_MAX_PER_HOUR = 10;

    public static final Duration DEFAULT_TOKEN_INTERVAL = Duration.ofHours(6);
    /** A disabled user stops all of their keys at once: as careful as with channels. */
    public static final int DEFAULT_USER_MAX_PER_HOUR = 3;

    public static final Duration DEFAULT_USER_INTERVAL = Duration.ofHours(6);

    /**
     * The alerts this project generates that name one channel, key or user (prometheus/rules/alerts.yml): the budget
     * alert the exporter's budgets feed, and the per-channel rules, should a user add {@code action: disable_channel}
     * to one; the rule alerts, whose rules may be scoped to a key or user and carry {@code disable_token} or
     * {@code disable_user}. Not TokenMonitorBudgetForecastExhausted: its rule forces {@code action: notify}, a
     * forecast never trips. Not the low-quota and expiry alerts: the gateway itself stops a key at zero quota or at
     * its expiry (status 4, 3), so switching it off earlier would only take away what the user paid for.
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
            "TokenMonitorRuleChannelDown",
            // Spend far above the same hours of past weeks, per key, user or group (issue 15).
            "TokenMonitorRuleSpendAnomaly");

    public BreakerSettings {
        alertNames = Set.copyOf(new LinkedHashSet<>(alertNames));
    }

    /** The limits per kind of target. */
    public Map<Target.Kind, BreakerLimit> limits() {
        return Map.of(
                Target.Kind.CHANNEL,
                new BreakerLimit(maxPerHour, channelInterval),
                Target.Kind.TOKEN,
                tokens,
                Target.Kind.USER,
                users);
    }
}
