package io.tokenmonitor.bridge.policy;

import io.tokenmonitor.bridge.intake.WebhookMessage;
import io.tokenmonitor.bridge.notify.Language;
import io.tokenmonitor.bridge.notify.Notification;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One alert as the bridge stores it: identity ({@link #alertKey}, Alertmanager's fingerprint or a hash of the
 * labels), status, labels, annotations and links. Times stay RFC 3339 strings, exactly as Alertmanager sent them.
 */
public record AlertEvent(
        String alertKey,
        String status,
        Map<String, String> labels,
        Map<String, String> annotations,
        String startsAt,
        String endsAt,
        String generatorUrl,
        String externalUrl) {

    /** Alertmanager zeroes endsAt of firing alerts to this. */
    private static final Instant ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

    public AlertEvent {
        labels = new TreeMap<>(labels);
        annotations = annotations == null ? Map.of() : new TreeMap<>(annotations);
    }

    /** Builds the event from a validated webhook alert. */
    public static AlertEvent from(WebhookMessage.Alert alert, String externalUrl) {
        Map<String, String> labels = withoutNulls(alert.labels());
        String key = alert.fingerprint() != null && !alert.fingerprint().isBlank() && alert.fingerprint().length() <= 64
                ? alert.fingerprint()
                : labelHash(labels);
        return new AlertEvent(key, alert.status(), labels, withoutNulls(alert.annotations()), alert.startsAt(),
                alert.endsAt(), alert.generatorURL(), externalUrl);
    }

    /** Identifies this exact event, so Alertmanager's duplicates of it are recognised. */
    public String eventKey() {
        return alertKey + "|" + status + "|" + startsAt;
    }

    public boolean firing() {
        return "firing".equals(status);
    }

    public String alertName() {
        return labels.getOrDefault("alertname", "");
    }

    /** Renders the platform-neutral message for this event. */
    public Notification toNotification(PolicyLabels policy, List<String> notes, Language language) {
        Optional<Instant> ends = Optional.ofNullable(endsAt).filter(s -> !s.isEmpty()).map(Instant::parse)
                .filter(t -> firing() ? false : t.isAfter(ZERO_TIME));
        List<Notification.Link> links = new ArrayList<>();
        link(links, Notification.LinkKind.DASHBOARD, annotations.get("dashboard_url"));
        link(links, Notification.LinkKind.RUNBOOK, annotations.get("runbook_url"));
        if (firing() && externalUrl != null && !externalUrl.isBlank()) {
            link(links, Notification.LinkKind.SILENCE, externalUrl.replaceAll("/+$", "") + "/#/silences/new?filter="
                    + URLEncoder.encode(matchers(), StandardCharsets.UTF_8).replace("+", "%20"));
        }
        link(links, Notification.LinkKind.SOURCE, generatorUrl);
        List<String> allNotes = new ArrayList<>(policy.problems().stream()
                .map(p -> language.pick("标签 " + p.label() + " 无效（" + p.message() + "），已按默认处理",
                        "label " + p.label() + " ignored (" + p.message() + "); default used"))
                .toList());
        allNotes.addAll(notes);
        return new Notification(firing() ? Notification.Kind.FIRING : Notification.Kind.RESOLVED, alertName(),
                policy.severity(), labels, annotations.get("summary"), annotations.get("description"),
                Instant.parse(startsAt), ends, links, allNotes, policy.zone(), language);
    }

    private String matchers() {
        return labels.entrySet().stream()
                .map(e -> e.getKey() + "=\"" + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(",", "{", "}"));
    }

    private static void link(List<Notification.Link> links, Notification.LinkKind kind, String url) {
        if (url != null && (url.startsWith("http://") || url.startsWith("https://"))) {
            links.add(new Notification.Link(kind, url));
        }
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
}
