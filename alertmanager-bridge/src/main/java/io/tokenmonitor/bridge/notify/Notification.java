package io.tokenmonitor.bridge.notify;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A platform-neutral message about one alert, a group of alerts (then {@link #entries} lists them, one line each,
 * and {@link #labels} are the group's labels) or a test, from which each notifier renders its own format. A group
 * keeps the kind FIRING (any alert fires) or RESOLVED (all resolved), so a notifier's switch over kinds needs
 * nothing new: the group's lines reach it through {@link MessageLayout} like any field.
 */
public record Notification(
        Kind kind,
        String alertName,
        String severity,
        Map<String, String> labels,
        String summary,
        String description,
        Instant startsAt,
        Optional<Instant> endsAt,
        List<Link> links,
        List<String> notes,
        ZoneId zone,
        Language language,
        List<Entry> entries) {

    /** Firing, resolved, or a test message. */
    public enum Kind {
        FIRING,
        RESOLVED,
        TEST
    }

    /** A link shown as a button or hyperlink. */
    public record Link(LinkKind kind, String url) {}

    /** What a link points at; decides its caption. */
    public enum LinkKind {
        DASHBOARD,
        RUNBOOK,
        SILENCE,
        SOURCE
    }

    /** One alert of a group message: rendered as one line. */
    public record Entry(Kind kind, String alertName, String severity, String summary, Map<String, String> labels) {
        public Entry {
            labels = new TreeMap<>(labels);
            summary = summary == null ? "" : summary;
        }
    }

    public Notification {
        entries = List.copyOf(entries);
        labels = new TreeMap<>(labels);
        links = List.copyOf(links);
        notes = List.copyOf(notes);
        summary = summary == null ? "" : summary;
        description = description == null ? "" : description;
    }

    /** A message about one alert (or a test). */
    public Notification(
            Kind kind,
            String alertName,
            String severity,
            Map<String, String> labels,
            String summary,
            String description,
            Instant startsAt,
            Optional<Instant> endsAt,
            List<Link> links,
            List<String> notes,
            ZoneId zone,
            Language language) {
        this(
                kind,
                alertName,
                severity,
                labels,
                summary,
                description,
                startsAt,
                endsAt,
                links,
                notes,
                zone,
                language,
                List.of());
    }

    /**
     * A message about several alerts of one Alertmanager group: firing if any of them fires, with the most severe
     * firing alert's severity, and the group's labels.
     */
    public static Notification group(
            Map<String, String> groupLabels, List<Entry> entries, Instant now, ZoneId zone, Language language) {
        boolean firing = entries.stream().anyMatch(e -> e.kind() == Kind.FIRING);
        String severity = entries.stream()
                .filter(e -> e.kind() == Kind.FIRING)
                .map(Entry::severity)
                .min((a, b) -> Integer.compare(rank(a), rank(b)))
                .orElse("info");
        return new Notification(
                firing ? Kind.FIRING : Kind.RESOLVED,
                groupLabels.getOrDefault("alertname", ""),
                severity,
                groupLabels,
                "",
                "",
                now,
                Optional.empty(),
                List.of(),
                List.of(),
                zone,
                language,
                entries);
    }

    /** The alertname of a digest message: {@link MessageLayout} lays it out as headed lines, not as an alert. */
    public static final String DIGEST_NAME = "TokenMonitorDigest";

    /** A heading line of a digest starts with this; the other lines are shown as they are. */
    public static final String DIGEST_HEADING = "# ";

    /**
     * A scheduled digest: {@code title}, then {@code lines} (a line starting with {@link #DIGEST_HEADING} heads a
     * section). A TEST-kind message, so every notifier renders it with the neutral colour of a non-alert.
     */
    public static Notification digest(String title, List<String> lines, Instant now, ZoneId zone, Language language) {
        return new Notification(
                Kind.TEST,
                DIGEST_NAME,
                "info",
                Map.of("alertname", DIGEST_NAME),
                title,
                "",
                now,
                Optional.empty(),
                List.of(),
                lines,
                zone,
                language);
    }

    /** Whether this is a digest rather than an alert or a test. */
    public boolean isDigest() {
        return kind == Kind.TEST && DIGEST_NAME.equals(alertName);
    }

    /** Whether this message is about a group of alerts. */
    public boolean isGroup() {
        return !entries.isEmpty();
    }

    private static int rank(String severity) {
        return switch (severity) {
            case "critical" -> 0;
            case "warning" -> 1;
            case "info" -> 3;
            default -> 2;
        };
    }

    /** The sample message of the {@code test-send} command. */
    public static Notification sample(Language language, ZoneId zone, Instant now) {
        return new Notification(
                Kind.TEST,
                "TokenMonitorBridgeTest",
                "info",
                Map.of("alertname", "TokenMonitorBridgeTest", "severity", "info"),
                language.testText,
                "<b>&</b> " + language.pick("转义检查", "escaping check"),
                now,
                Optional.empty(),
                List.of(),
                List.of(),
                zone,
                language);
    }
}
