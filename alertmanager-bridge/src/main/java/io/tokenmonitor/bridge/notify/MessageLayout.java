package io.tokenmonitor.bridge.notify;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The content of a message before any platform markup: a title, labelled fields and links. Long values are cut
 * into chunks of at most {@link #MAX_CHUNK_CHARS} characters so that every rendered line fits any platform's
 * limit even after escaping, which lets the splitters cut between lines and never inside markup.
 */
public record MessageLayout(
        String title, String severity, boolean resolvedOrTest, List<Field> fields, List<Notification.Link> links) {
    /** Worst case escaping is five characters per character ({@code &amp;}); 700 × 5 stays below 4096. */
    static final int MAX_CHUNK_CHARS = 700;

    /**
     * Labels shown per message; the rest are counted in one line. A webhook may carry thousands of labels, and
     * every one shown costs every target a share of a rate-limited queue that real alerts wait in.
     */
    static final int MAX_LABELS = 40;

    /** Characters of one annotation or note shown (two Telegram parts, five WeCom ones); the rest are counted. */
    static final int MAX_VALUE_CHARS = 6_000;

    /** Labels that only steer the bridge; listing them in every message would be noise. */
    private static final Set<String> POLICY_LABELS = Set.of("notify", "active", "tz", "cooldown", "action");

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx", Locale.ROOT);

    /** One labelled line; {@code label} is empty for continuation chunks and label listings. */
    public record Field(String label, String value) {}

    public MessageLayout {
        fields = List.copyOf(fields);
        links = List.copyOf(links);
    }

    /** Lays out a notification in its language. */
    public static MessageLayout of(Notification n) {
        if (n.isGroup()) {
            return ofGroup(n);
        }
        if (n.isDigest()) {
            return ofDigest(n);
        }
        Language l = n.language();
        String status = switch (n.kind()) {
            case FIRING -> "[" + l.firing + "]";
            case RESOLVED -> "[" + l.resolved + "]";
            case TEST -> "[" + l.test + "]";
        };
        String icon = icon(n.kind(), n.severity());
        List<Field> fields = new ArrayList<>();
        add(fields, l.severity, n.severity());
        add(fields, l.summary, n.summary());
        add(fields, l.description, n.description());
        add(fields, l.started, format(n.startsAt(), n.zone()));
        n.endsAt().ifPresent(end -> add(fields, l.ended, format(end, n.zone())));
        for (String note : n.notes()) {
            add(fields, l.note, note);
        }
        int shown = 0;
        int hidden = 0;
        for (Map.Entry<String, String> label : n.labels().entrySet()) {
            if (POLICY_LABELS.contains(label.getKey()) || label.getKey().equals("alertname")) {
                continue;
            }
            if (shown == MAX_LABELS) {
                hidden++;
                continue;
            }
            if (shown == 0) {
                fields.add(new Field(l.labels, ""));
            }
            shown++;
            // One line per label: a long value is cut rather than spread over many lines.
            String line = label.getKey() + "=" + label.getValue();
            fields.add(new Field("", oneChunk(line)));
        }
        if (hidden > 0) {
            fields.add(new Field("", hiddenLabels(l, hidden)));
        }
        return new MessageLayout(
                icon + " " + status + " " + truncate(n.alertName()),
                n.severity(),
                n.kind() != Notification.Kind.FIRING,
                fields,
                n.links());
    }

    /**
     * A group: the title counts firing and resolved alerts, the first field names the group's labels, then one line
     * per alert (icon, name, its own labels, summary), each cut to one chunk, so the platform's splitter packs whole
     * alerts into each part.
     */
    private static MessageLayout ofGroup(Notification n) {
        Language l = n.language();
        int firing = (int) n.entries().stream()
                .filter(e -> e.kind() == Notification.Kind.FIRING)
                .count();
        int resolved = n.entries().size() - firing;
        String status = "[" + (firing > 0 ? l.firing : l.resolved) + "]";
        List<Field> fields = new ArrayList<>();
        String groupLabels = labelText(n.labels(), Map.of(), true);
        if (!groupLabels.isEmpty()) {
            fields.add(new Field(l.groupLabels(), oneChunk(groupLabels)));
        }
        for (Notification.Entry e : n.entries()) {
            StringBuilder line = new StringBuilder(icon(e.kind(), e.severity()))
                    .append(' ')
                    .append(e.alertName().isBlank() ? "alert" : e.alertName());
            String own = labelText(e.labels(), n.labels(), false);
            if (!own.isEmpty()) {
                line.append(" {").append(own).append('}');
            }
            if (!e.summary().isBlank()) {
                line.append(" — ").append(e.summary().strip().replaceAll("\\s+", " "));
            }
            fields.add(new Field("", oneChunk(line.toString())));
        }
        return new MessageLayout(
                icon(n.kind(), n.severity()) + " " + status + " " + l.groupCounts(firing, resolved),
                n.severity(),
                firing == 0,
                fields,
                n.links());
    }

    /**
     * A digest: its title, then one field per line, a heading as a labelled field; each line is cut to one chunk, so
     * the platform's splitter cuts between lines.
     */
    private static MessageLayout ofDigest(Notification n) {
        List<Field> fields = new ArrayList<>();
        for (String line : n.notes()) {
            if (line.startsWith(Notification.DIGEST_HEADING)) {
                fields.add(new Field(oneChunk(line.substring(Notification.DIGEST_HEADING.length())), ""));
            } else {
                fields.add(new Field("", oneChunk(line)));
            }
        }
        return new MessageLayout("📊 " + truncate(n.summary()), "info", true, fields, n.links());
    }

    /**
     * {@code k=v, …} of the labels worth showing: not policy labels, not those in {@code shared}, alertname only
     * when {@code withName} (an alert's line starts with its name already).
     */
    private static String labelText(Map<String, String> labels, Map<String, String> shared, boolean withName) {
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (Map.Entry<String, String> label : labels.entrySet()) {
            String key = label.getKey();
            if (POLICY_LABELS.contains(key)
                    || (key.equals("alertname") && !withName)
                    || label.getValue().equals(shared.get(key))) {
                continue;
            }
            if (shown++ == MAX_LABELS) {
                break;
            }
            out.append(out.isEmpty() ? "" : ", ").append(key).append('=').append(label.getValue());
        }
        return out.toString();
    }

    private static String oneChunk(String line) {
        return line.length() > MAX_CHUNK_CHARS ? chunks(line).get(0) + "…" : line;
    }

    private static String icon(Notification.Kind kind, String severity) {
        return switch (kind) {
            case RESOLVED -> "✅";
            case TEST -> "🔔";
            case FIRING ->
                switch (severity) {
                    case "critical" -> "🔴";
                    case "info" -> "🔵";
                    default -> "🟠";
                };
        };
    }

    /** The caption of a link in this message's language. */
    public static String caption(Notification.LinkKind kind, Language l) {
        return switch (kind) {
            case DASHBOARD -> l.dashboard;
            case RUNBOOK -> l.runbook;
            case SILENCE -> l.silence;
            case SOURCE -> l.source;
        };
    }

    private static void add(List<Field> fields, String label, String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        String text = value.strip();
        if (text.length() > MAX_VALUE_CHARS) {
            int end =
                    Character.isHighSurrogate(text.charAt(MAX_VALUE_CHARS - 1)) ? MAX_VALUE_CHARS - 1 : MAX_VALUE_CHARS;
            text = text.substring(0, end) + " " + hiddenChars(text.length() - end);
        }
        List<String> chunks = chunks(text);
        for (int i = 0; i < chunks.size(); i++) {
            fields.add(new Field(i == 0 ? label : "", chunks.get(i)));
        }
    }

    private static String hiddenLabels(Language l, int count) {
        String n = String.format(Locale.ROOT, "%,d", count);
        return l == Language.ZH ? "… 另有 " + n + " 个标签未显示" : "… " + n + " more labels not shown";
    }

    /** Said in both languages: {@code add} has no language, and a cut value is rare. */
    private static String hiddenChars(int count) {
        String n = String.format(Locale.ROOT, "%,d", count);
        return "… (" + n + " more characters not shown / 另有 " + n + " 个字符未显示)";
    }

    /** Cuts text into chunks of at most {@link #MAX_CHUNK_CHARS}, never inside a surrogate pair. */
    static List<String> chunks(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(text.length(), start + MAX_CHUNK_CHARS);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            out.add(text.substring(start, end));
            start = end;
        }
        return out;
    }

    private static String truncate(String name) {
        return chunks(name == null || name.isBlank() ? "alert" : name).get(0);
    }

    private static String format(Instant instant, ZoneId zone) {
        return instant == null ? "" : TIME.format(instant.atZone(zone));
    }
}
