package io.tokenmonitor.bridge.notify;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A platform-neutral message about one alert (or a test), from which each notifier renders its own format. */
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
        Language language) {

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

    public Notification {
        labels = new TreeMap<>(labels);
        links = List.copyOf(links);
        notes = List.copyOf(notes);
        summary = summary == null ? "" : summary;
        description = description == null ? "" : description;
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
