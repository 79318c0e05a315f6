package io.tokenmonitor.bridge.policy;

import io.tokenmonitor.bridge.settings.PromDuration;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The policy an alert asks for through its labels (contract §4), with the configured defaults filled in. A bad
 * label value does not drop the alert: the default applies and the problem is shown in the message.
 */
public record PolicyLabels(
        List<String> targets,
        ActiveWindow window,
        ZoneId zone,
        Duration cooldown,
        Action action,
        Optional<Long> channelId,
        String severity,
        List<Problem> problems) {

    /** What the alert asks the bridge to do besides notifying. */
    public enum Action { NOTIFY, DISABLE_CHANNEL }

    /** A label whose value could not be used. */
    public record Problem(String label, String message) {
    }

    public PolicyLabels {
        targets = List.copyOf(targets);
        problems = List.copyOf(problems);
    }

    /** Reads the policy labels of {@code labels}; {@code targets} is empty when the alert names none (all targets). */
    public static PolicyLabels of(Map<String, String> labels, AlertDefaults defaults) {
        List<Problem> problems = new ArrayList<>();
        List<String> targets = Arrays.stream(labels.getOrDefault("notify", "").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
        ActiveWindow window = read(labels, "active", ActiveWindow::parse, defaults.active(), problems);
        ZoneId zone = read(labels, "tz", PolicyLabels::parseZone, defaults.zone(), problems);
        Duration cooldown = read(labels, "cooldown", PromDuration::parse, defaults.cooldown(), problems);
        Action action = read(labels, "action", v -> switch (v) {
            case "notify" -> Action.NOTIFY;
            case "disable_channel" -> Action.DISABLE_CHANNEL;
            default -> throw new IllegalArgumentException("\"" + v + "\" is not notify or disable_channel");
        }, Action.NOTIFY, problems);
        Optional<Long> channelId = Optional.ofNullable(read(labels, "channel_id", v -> {
            try {
                long id = Long.parseLong(v);
                if (id > 0) {
                    return id;
                }
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
            throw new IllegalArgumentException("\"" + v + "\" is not a channel id");
        }, null, problems));
        String severity = Optional.ofNullable(labels.get("severity")).map(s -> s.strip().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty()).orElse(defaults.severity());
        return new PolicyLabels(targets, window, zone, cooldown, action, channelId, severity, problems);
    }

    /**
     * Reads an IANA zone (the {@code tz} label, {@code defaults.timezone}); the message gives an example, as users
     * often guess "Asia/Beijing".
     */
    public static ZoneId parseZone(String text) {
        try {
            return ZoneId.of(text);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not an IANA zone; for example Asia/Shanghai");
        }
    }

    private static <T> T read(Map<String, String> labels, String name, java.util.function.Function<String, T> parser,
                              T fallback, List<Problem> problems) {
        String value = labels.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return parser.apply(value.strip());
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(name, e.getMessage()));
            return fallback;
        }
    }
}
