package io.tokenmonitor.exporter.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations the way Prometheus and Alertmanager write them: {@code 500ms}, {@code 30s},
 * {@code 1h30m}, {@code 7d}, {@code 2w}. A bare number is refused because its unit would be a guess.
 */
public final class PromDuration {

    private static final Pattern WHOLE = Pattern.compile("((\\d+)(ms|s|m|h|d|w|y))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w|y)");

    private PromDuration() {
    }

    /**
     * Returns the duration written in {@code text}.
     *
     * @param key the setting's name, used in the error message
     * @throws ConfigException naming {@code key} when the text is not a duration
     */
    public static Duration parse(String key, String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.matches("\\d+")) {
            throw new ConfigException(key + ": \"" + trimmed + "\" has no unit; write " + trimmed + "s, "
                    + trimmed + "ms or " + trimmed + "m");
        }
        if (!WHOLE.matcher(trimmed).matches()) {
            throw new ConfigException(key + ": \"" + trimmed + "\" is not a duration; write for example 500ms, 30s, 1h30m or 7d");
        }
        Duration total = Duration.ZERO;
        Matcher part = PART.matcher(trimmed);
        while (part.find()) {
            long amount = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                case "w" -> Duration.ofDays(7 * amount);
                case "y" -> Duration.ofDays(365 * amount);
                default -> throw new IllegalStateException("unit " + part.group(2));
            });
        }
        return total;
    }

    /** Formats a duration in the same notation, largest units first ({@code 90m} becomes {@code 1h30m}). */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long millis = duration.toMillis();
        long[] sizes = {Duration.ofDays(1).toMillis(), Duration.ofHours(1).toMillis(), Duration.ofMinutes(1).toMillis(), 1000, 1};
        String[] units = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < sizes.length; i++) {
            if (millis >= sizes[i]) {
                out.append(millis / sizes[i]).append(units[i]);
                millis %= sizes[i];
            }
        }
        return out.toString();
    }
}
