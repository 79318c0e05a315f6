package io.tokenmonitor.bridge.settings;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations in the Prometheus/Alertmanager notation: {@code 30s}, {@code 1h30m}, {@code 7d}, {@code 500ms}. */
public final class PromDuration {
    // Units must appear in this order, each at most once, as Prometheus' model.ParseDuration requires.
    private static final Pattern FORMAT = Pattern.compile(
            "(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+)s)?(?:(\\d+)ms)?");
    private static final Duration[] UNITS = {
        Duration.ofDays(365), Duration.ofDays(7), Duration.ofDays(1), Duration.ofHours(1),
        Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofMillis(1)
    };

    private PromDuration() {
    }

    /** Parses {@code text}; the exception message says what a right value looks like. */
    public static Duration parse(String text) {
        String value = text == null ? "" : text.strip();
        if (value.equals("0")) {
            return Duration.ZERO;
        }
        if (value.matches("\\d+")) {
            throw new IllegalArgumentException("\"" + value + "\" has no unit; write " + value + "s, " + value + "m or " + value + "h");
        }
        Matcher m = FORMAT.matcher(value);
        if (value.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException("\"" + value + "\" is not a duration; write for example 30s, 30m, 1h30m or 7d");
        }
        Duration total = Duration.ZERO;
        for (int i = 0; i < UNITS.length; i++) {
            String n = m.group(i + 1);
            if (n != null) {
                total = total.plus(UNITS[i].multipliedBy(Long.parseLong(n)));
            }
        }
        return total;
    }

    /** Formats a duration the way {@link #parse} reads it, largest units first ({@code 1h30m}). */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long millis = duration.toMillis();
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
        String[] names = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < sizes.length; i++) {
            if (millis >= sizes[i]) {
                out.append(millis / sizes[i]).append(names[i]);
                millis %= sizes[i];
            }
        }
        return out.toString();
    }
}
