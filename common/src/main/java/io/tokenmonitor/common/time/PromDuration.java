package io.tokenmonitor.common.time;

import io.tokenmonitor.common.config.ConfigException;
import java.time.Duration;

/**
 * Durations exactly as Prometheus and Alertmanager read them: a port of {@code model.ParseDuration} and
 * {@code Duration.String} from github.com/prometheus/common, file {@code model/time.go}. Units {@code y w d h m s ms}
 * (a year is 365 days, a week 7), largest first and each at most once ({@code 1h30m}, not {@code 30m1h}, which
 * could be misread as a month), {@code 0} alone means zero, anything longer than Go's time.Duration (about 292
 * years) is refused. Both programs read every duration setting and label with this one class.
 */
public final class PromDuration {
    private static final String[] UNITS = {"y", "w", "d", "h", "m", "s", "ms"};
    private static final long[] NANOS = {
        365L * 24 * 3_600_000_000_000L,
        7L * 24 * 3_600_000_000_000L,
        24 * 3_600_000_000_000L,
        3_600_000_000_000L,
        60_000_000_000L,
        1_000_000_000L,
        1_000_000L
    };
    /** Go's 1<<63, as an unsigned long. */
    private static final long TWO_TO_63 = Long.MIN_VALUE;

    private PromDuration() {}

    /**
     * Parses {@code text} (stripped of surrounding white space).
     *
     * @param key the setting or label, named in the message
     * @throws ConfigException naming {@code key}, saying what a right value looks like
     */
    public static Duration parse(String key, String text) {
        String value = text == null ? "" : text.strip();
        if (value.equals("0")) {
            return Duration.ZERO;
        }
        if (value.isEmpty()) {
            throw new ConfigException(key + ": is empty; write 30s, 30m or 30h");
        }
        if (value.chars().allMatch(PromDuration::isDigit)) {
            throw new ConfigException(
                    key + ": \"" + value + "\" has no unit; write " + value + "s, " + value + "m or " + value + "h");
        }
        long total = 0; // unsigned, as in Go
        int lastUnit = -1;
        int i = 0;
        while (i < value.length()) {
            if (!isDigit(value.charAt(i))) {
                throw notADuration(key, value);
            }
            int digits = i;
            while (i < value.length() && isDigit(value.charAt(i))) {
                i++;
            }
            String number = value.substring(digits, i);
            int unitStart = i;
            while (i < value.length() && !isDigit(value.charAt(i))) {
                i++;
            }
            String unitText = value.substring(unitStart, i);
            if (unitText.isEmpty()) {
                throw notADuration(key, value);
            }
            int unit = java.util.Arrays.asList(UNITS).indexOf(unitText);
            if (unit < 0) {
                throw new ConfigException(key + ": \"" + value + "\" has the unknown unit \"" + unitText
                        + "\"; use y, w, d, h, m, s or ms, for example 1h30m");
            }
            if (unit <= lastUnit) {
                throw new ConfigException(
                        key + ": \"" + value + "\" is not a duration; write the units from largest to smallest,"
                                + " each once (y, w, d, h, m, s, ms), for example 1h30m");
            }
            lastUnit = unit;
            long amount;
            try {
                amount = Long.parseUnsignedLong(number);
            } catch (NumberFormatException e) {
                throw tooLong(key, value);
            }
            if (Long.compareUnsigned(amount, Long.divideUnsigned(TWO_TO_63, NANOS[unit])) > 0) {
                throw tooLong(key, value);
            }
            total += amount * NANOS[unit];
            if (Long.compareUnsigned(total, Long.MAX_VALUE) > 0) {
                throw tooLong(key, value);
            }
        }
        return Duration.ofNanos(total);
    }

    /**
     * As {@link #parse}, for settings that must be more than zero (poll intervals, timeouts): zero is refused
     * with the same message in both programs.
     */
    public static Duration parsePositive(String key, String text) {
        Duration d = parse(key, text);
        if (d.isZero()) {
            throw new ConfigException(key + ": must be more than 0; write for example 30s");
        }
        return d;
    }

    /**
     * Formats like Prometheus: largest units first ({@code 1h30m}), {@code 0s} for zero; years and weeks only
     * when they divide the duration exactly ({@code 90d}, not {@code 12w6d}). Below a millisecond is cut off.
     */
    public static String format(Duration duration) {
        long ms = duration.toMillis();
        if (ms == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        if (ms < 0) {
            out.append('-');
            ms = -ms;
        }
        for (int u = 0; u < UNITS.length; u++) {
            long mult = NANOS[u] / 1_000_000L;
            boolean exact = u < 2;
            if (exact && ms % mult != 0) {
                continue;
            }
            long v = ms / mult;
            if (v > 0) {
                out.append(v).append(UNITS[u]);
                ms -= v * mult;
            }
        }
        return out.toString();
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static ConfigException notADuration(String key, String value) {
        return new ConfigException(key + ": \"" + value + "\" is not a duration; write for example 30s, 1h30m or 7d");
    }

    private static ConfigException tooLong(String key, String value) {
        return new ConfigException(key + ": \"" + value + "\" is too long; durations stop at about 292y");
    }
}
