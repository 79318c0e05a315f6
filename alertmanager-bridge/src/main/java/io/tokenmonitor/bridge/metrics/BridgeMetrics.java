package io.tokenmonitor.bridge.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's self metrics (names are what the rules and dashboards read: docs/metrics.md):
 * <pre>
 * newapi_bridge_alerts_received_total{status}
 * newapi_bridge_notifications_suppressed_total{reason}
 * newapi_bridge_notifications_sent_total{target,result}
 * newapi_bridge_outbox_pending{target}
 * newapi_bridge_outbox_oldest_pending_age_seconds{target}
 * newapi_bridge_dead_letters_total{target}
 * newapi_bridge_outbox_dropped_total{target}
 * newapi_bridge_breaker_actions_total{result}
 * newapi_bridge_build_info{version}
 * </pre>
 */
public final class BridgeMetrics {
    public static final List<String> SUPPRESS_REASONS =
            List.of("inactive_window", "cooldown", "duplicate", "not_announced", "unknown_target");
    public static final List<String> SEND_RESULTS = List.of("sent", "retry", "rejected");
    public static final List<String> BREAKER_RESULTS = List.of(
            "disabled",
            "already_disabled",
            "dry_run",
            "rate_limited",
            "failed",
            "not_found",
            "not_allowed",
            "other_gateway");
    private static final Logger LOG = LoggerFactory.getLogger(BridgeMetrics.class);

    private final Counter received;
    private final Counter suppressed;
    private final Counter sent;
    private final Counter deadLetters;
    private final Counter dropped;
    private final Counter breakerActions;

    /** Registers every family; {@code pending} is read at scrape time for the outbox gauges. */
    public BridgeMetrics(
            PrometheusRegistry registry,
            String version,
            List<String> targets,
            Supplier<Map<String, PendingStats>> pending,
            Clock clock) {
        // Base names: client_java adds _total to counters and _info to info metrics on exposition.
        received = Counter.builder()
                .name("newapi_bridge_alerts_received")
                .help("Alerts received from Alertmanager, duplicates included.")
                .labelNames("status")
                .register(registry);
        suppressed = Counter.builder()
                .name("newapi_bridge_notifications_suppressed")
                .help("Notifications not sent, by reason.")
                .labelNames("reason")
                .register(registry);
        sent = Counter.builder()
                .name("newapi_bridge_notifications_sent")
                .help("Delivery attempts of message parts, by target and result.")
                .labelNames("target", "result")
                .register(registry);
        deadLetters = Counter.builder()
                .name("newapi_bridge_dead_letters")
                .help("Message parts given up on (rejected by the platform or too old).")
                .labelNames("target")
                .register(registry);
        dropped = Counter.builder()
                .name("newapi_bridge_outbox_dropped")
                .help("Message parts dropped because too many were waiting for the target (also dead letters).")
                .labelNames("target")
                .register(registry);
        breakerActions = Counter.builder()
                .name("newapi_bridge_breaker_actions")
                .help("Breaker attempts (channels, API keys, users), by result.")
                .labelNames("result")
                .register(registry);
        received.initLabelValues("firing");
        received.initLabelValues("resolved");
        SUPPRESS_REASONS.forEach(suppressed::initLabelValues);
        BREAKER_RESULTS.forEach(breakerActions::initLabelValues);
        for (String target : targets) {
            SEND_RESULTS.forEach(r -> sent.initLabelValues(target, r));
            deadLetters.initLabelValues(target);
            dropped.initLabelValues(target);
        }
        GaugeWithCallback.builder()
                .name("newapi_bridge_outbox_pending")
                .help("Message parts waiting for delivery.")
                .labelNames("target")
                .callback(cb -> {
                    Map<String, PendingStats> stats = quietlyRead(pending);
                    for (String t : targets) {
                        PendingStats s = stats.get(t);
                        cb.call(s == null ? 0 : s.count(), t);
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("newapi_bridge_outbox_oldest_pending_age_seconds")
                .help("Age of the oldest message part waiting for delivery; 0 when none waits.")
                .labelNames("target")
                .callback(cb -> {
                    Map<String, PendingStats> stats = quietlyRead(pending);
                    for (String t : targets) {
                        PendingStats s = stats.get(t);
                        double age = s == null
                                ? 0
                                : Math.max(
                                        0,
                                        Duration.between(s.oldestCreated(), clock.instant())
                                                        .toMillis()
                                                / 1000.0);
                        cb.call(age, t);
                    }
                })
                .register(registry);
        Info build = Info.builder()
                .name("newapi_bridge_build")
                .help("Build of the bridge.")
                .labelNames("version")
                .register(registry);
        build.addLabelValues(version);
    }

    public void received(String status) {
        received.labelValues(status).inc();
    }

    public void suppressed(String reason) {
        suppressed.labelValues(reason).inc();
    }

    public void sent(String target, String result) {
        sent.labelValues(target, result).inc();
    }

    public void deadLetter(String target) {
        deadLetters.labelValues(target).inc();
    }

    /** Parts dropped from a target's overfull queue; they are dead letters too. */
    public void dropped(String target, int parts) {
        dropped.labelValues(target).inc(parts);
        deadLetters.labelValues(target).inc(parts);
    }

    public void breaker(String result) {
        breakerActions.labelValues(result).inc();
    }

    private static Map<String, PendingStats> quietlyRead(Supplier<Map<String, PendingStats>> pending) {
        try {
            return pending.get();
        } catch (RuntimeException e) {
            // A scrape must not fail because the store is busy; the gauges read 0 for this one scrape.
            LOG.debug("metrics: reading outbox stats failed", e);
            return Map.of();
        }
    }
}
