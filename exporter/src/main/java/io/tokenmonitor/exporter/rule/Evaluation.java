package io.tokenmonitor.exporter.rule;

import java.time.Instant;

/**
 * What a rule shows at one evaluation.
 *
 * @param kind usage, error_ratio, latency, spike, channel_down or spend_anomaly
 * @param value the measured value in {@code unit} (for channel_down: channels not enabled); null when there is none
 *     (no request in the window for a ratio or a latency)
 * @param threshold the rule's limit or {@code above}, in {@code unit}
 * @param unit tokens, usd, requests, ratio, seconds, factor or channels; keys, users or groups for a spend_anomaly
 *     rule with {@code per} (how many are over their threshold)
 * @param armed whether the rule can fire now: enabled, its window in force, and its {@code min_requests} met
 * @param firing armed and the value past the threshold (Prometheus and Alertmanager decide the alert itself)
 * @param note why it is not armed, for people (for example "12 of the 20 requests needed"); empty otherwise
 * @param requests requests in the window (for ratio, latency and spike rules; 0 otherwise)
 */
public record Evaluation(
        String kind,
        Double value,
        double threshold,
        String unit,
        boolean armed,
        boolean firing,
        String note,
        Instant windowStart,
        Instant windowEnd,
        long requests) {}
