package io.tokenmonitor.bridge.intake;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.tokenmonitor.bridge.policy.AlertEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An Alertmanager webhook body (version 4). Unknown fields are ignored, since newer Alertmanagers add some
 * ({@code notification_reason} in 0.32, {@code routeLabels} in 0.34); {@link #problem()} checks what the bridge needs.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record WebhookMessage(
        String version,
        String groupKey,
        String status,
        String receiver,
        Map<String, String> groupLabels,
        Map<String, String> commonLabels,
        Map<String, String> commonAnnotations,
        String externalURL,
        List<Alert> alerts) {

    /** More alerts than this in one body is not Alertmanager talking (it sends one group per request). */
    static final int MAX_ALERTS = 5_000;

    /** One alert of the group. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Alert(
            String status,
            Map<String, String> labels,
            Map<String, String> annotations,
            String startsAt,
            String endsAt,
            String generatorURL,
            String fingerprint) {}

    /** The first reason this body cannot be processed, phrased for a one-line 400 answer; empty when it is fine. */
    public Optional<String> problem() {
        if (version != null && !version.equals("4")) {
            return Optional.of("version \"" + clip(version) + "\" is not supported; expected \"4\"");
        }
        if (alerts == null) {
            return Optional.of("missing field \"alerts\"");
        }
        if (alerts.size() > MAX_ALERTS) {
            return Optional.of("too many alerts in one request (" + alerts.size() + " > " + MAX_ALERTS + ")");
        }
        for (int i = 0; i < alerts.size(); i++) {
            Alert a = alerts.get(i);
            String where = "alerts[" + i + "]";
            if (a == null) {
                return Optional.of(where + " is null");
            }
            if (!"firing".equals(a.status()) && !"resolved".equals(a.status())) {
                return Optional.of(where + ".status must be \"firing\" or \"resolved\"");
            }
            if (a.labels() == null || a.labels().isEmpty()) {
                return Optional.of(where + ".labels is missing or empty");
            }
            if (a.startsAt() == null) {
                return Optional.of(where + ".startsAt is missing");
            }
            try {
                Instant.parse(a.startsAt());
                if (a.endsAt() != null && !a.endsAt().isEmpty()) {
                    Instant.parse(a.endsAt());
                }
            } catch (DateTimeParseException e) {
                return Optional.of(where + ": startsAt/endsAt is not an RFC 3339 time");
            }
        }
        return Optional.empty();
    }

    /** The alerts of a validated body as the events the policy works on, in the body's order. */
    public List<AlertEvent> events() {
        return alerts.stream().map(this::event).toList();
    }

    /** The labels Alertmanager grouped by, as the group message names them. */
    public Map<String, String> groupLabelsWithoutNulls() {
        return withoutNulls(groupLabels);
    }

    private AlertEvent event(Alert alert) {
        Map<String, String> labels = withoutNulls(alert.labels());
        String key = alert.fingerprint() != null
                        && !alert.fingerprint().isBlank()
                        && alert.fingerprint().length() <= 64
                ? alert.fingerprint()
                : labelHash(labels);
        return new AlertEvent(
                key,
                alert.status(),
                labels,
                withoutNulls(alert.annotations()),
                alert.startsAt(),
                alert.endsAt(),
                alert.generatorURL(),
                externalURL);
    }

    private static Map<String, String> withoutNulls(Map<String, String> map) {
        Map<String, String> out = new LinkedHashMap<>();
        if (map != null) {
            map.forEach((k, v) -> {
                if (k != null) {
                    out.put(k, v == null ? "" : v);
                }
            });
        }
        return out;
    }

    private static String labelHash(Map<String, String> labels) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            new TreeMap<>(labels).forEach((k, v) -> {
                sha.update(k.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(v.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            });
            return "l" + HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static String clip(String text) {
        return text.length() > 20 ? text.substring(0, 20) + "…" : text;
    }
}
