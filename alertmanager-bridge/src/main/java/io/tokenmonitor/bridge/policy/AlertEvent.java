package io.tokenmonitor.bridge.policy;

import io.tokenmonitor.bridge.notify.Language;
import io.tokenmonitor.bridge.notify.Notification;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One alert as the bridge stores it: identity ({@link #alertKey}, Alertmanager's fingerprint or a hash of the
 * labels, see {@code WebhookMessage#events()}), status, labels, annotations and links. Times stay RFC 3339 strings, exactly as Alertmanager sent them.
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
        Optional<Instant> ends = Optional.ofNullable(endsAt)
                .filter(s -> !s.isEmpty())
                .map(Instant::parse)
                .filter(t -> firing() ? false : t.isAfter(ZERO_TIME));
        List<Notification.Link> links = new ArrayList<>();
        link(links, Notification.LinkKind.DASHBOARD, annotations.get("dashboard_url"));
        link(links, Notification.LinkKind.RUNBOOK, annotations.get("runbook_url"));
        if (firing() && externalUrl != null && !externalUrl.isBlank()) {
            link(
                    links,
                    Notification.LinkKind.SILENCE,
                    externalUrl.replaceAll("/+$", "") + "/#/silences/new?filter="
                            + URLEncoder.encode(matchers(), StandardCharsets.UTF_8)
                                    .replace("+", "%20"));
        }
        link(links, Notification.LinkKind.SOURCE, generatorUrl);
        List<String> allNotes = new ArrayList<>(policy.problems().stream()
                .map(p -> language.pick(
                        "标签 " + p.label() + " 无效（" + p.message() + "），已按默认处理",
                        "label " + p.label() + " ignored (" + p.message() + "); default used"))
                .toList());
        allNotes.addAll(notes);
        return new Notification(
                firing() ? Notification.Kind.FIRING : Notification.Kind.RESOLVED,
                alertName(),
                policy.severity(),
                labels,
                annotations.get("summary"),
                annotations.get("description"),
                Instant.parse(startsAt),
                ends,
                links,
                allNotes,
                policy.zone(),
                language);
    }

    private String matchers() {
        return labels.entrySet().stream()
                .map(e ->
                        e.getKey() + "=\"" + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(",", "{", "}"));
    }

    private static void link(List<Notification.Link> links, Notification.LinkKind kind, String url) {
        if (url != null && (url.startsWith("http://") || url.startsWith("https://"))) {
            links.add(new Notification.Link(kind, url));
        }
    }
}
