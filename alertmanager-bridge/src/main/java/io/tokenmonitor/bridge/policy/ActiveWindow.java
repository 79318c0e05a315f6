package io.tokenmonitor.bridge.policy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When an alert may be announced: optional weekdays and one or more {@code HH:MM-HH:MM} ranges, read in a zone
 * given at evaluation time. A range whose end is not after its start runs overnight; it belongs to the weekday
 * on which it starts, so {@code Fri 22:00-06:00} is open on Saturday at 03:00 and not on Friday at 03:00.
 */
public final class ActiveWindow {
    /** The window that is always open (no {@code active} label). */
    public static final ActiveWindow ALWAYS = new ActiveWindow("always", EnumSet.allOf(DayOfWeek.class), List.of());

    private static final Pattern RANGE = Pattern.compile("(\\d{1,2}):(\\d{2})-(\\d{1,2}):(\\d{2})");
    private static final int MINUTES_PER_DAY = 24 * 60;

    private final String text;
    private final Set<DayOfWeek> days;
    private final List<int[]> rangesInMinutes;

    private ActiveWindow(String text, Set<DayOfWeek> days, List<int[]> rangesInMinutes) {
        this.text = text;
        this.days = Set.copyOf(days);
        this.rangesInMinutes = List.copyOf(rangesInMinutes);
    }

    /**
     * Parses {@code "09:00-18:00"}, {@code "Mon-Fri 09:00-18:00"}, {@code "Sat,Sun 10:00-12:00,14:00-16:00"},
     * {@code "Mon-Fri 22:00-06:00"} or {@code "always"}; the message of the exception says what is wrong.
     */
    public static ActiveWindow parse(String text) {
        String value = text == null ? "" : text.strip();
        if (value.isEmpty() || value.equalsIgnoreCase("always")) {
            return ALWAYS;
        }
        String[] words = value.split("\\s+");
        if (words.length > 2) {
            throw invalid(value, "expected [weekdays] HH:MM-HH:MM");
        }
        Set<DayOfWeek> days = words.length == 2 ? parseDays(value, words[0]) : EnumSet.allOf(DayOfWeek.class);
        List<int[]> ranges = new ArrayList<>();
        for (String range : words[words.length - 1].split(",")) {
            ranges.add(parseRange(value, range));
        }
        return new ActiveWindow(value, days, ranges);
    }

    /** Whether the window is open at {@code instant} in {@code zone}. */
    public boolean isOpen(Instant instant, ZoneId zone) {
        if (this == ALWAYS) {
            return true;
        }
        ZonedDateTime local = instant.atZone(zone);
        int minute = local.getHour() * 60 + local.getMinute();
        DayOfWeek today = local.getDayOfWeek();
        DayOfWeek yesterday = today.minus(1);
        for (int[] r : rangesInMinutes) {
            int start = r[0];
            int end = r[1];
            if (start < end) {
                if (days.contains(today) && minute >= start && minute < end) {
                    return true;
                }
            } else {
                // Overnight: the evening part belongs to today, the morning part to the day it started on.
                if (days.contains(today) && minute >= start) {
                    return true;
                }
                if (days.contains(yesterday) && minute < end) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }

    private static Set<DayOfWeek> parseDays(String whole, String spec) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String item : spec.split(",")) {
            String[] ends = item.split("-", -1);
            if (ends.length == 1) {
                days.add(day(whole, ends[0]));
            } else if (ends.length == 2) {
                DayOfWeek d = day(whole, ends[0]);
                DayOfWeek last = day(whole, ends[1]);
                days.add(d);
                while (d != last) {   // Fri-Mon wraps over the weekend
                    d = d.plus(1);
                    days.add(d);
                }
            } else {
                throw invalid(whole, "\"" + item + "\" is not a weekday or weekday range");
            }
        }
        return days;
    }

    private static DayOfWeek day(String whole, String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            String full = d.name().toLowerCase(Locale.ROOT);
            if (n.length() >= 3 && full.startsWith(n)) {
                return d;
            }
        }
        throw invalid(whole, "\"" + name + "\" is not a weekday; use Mon, Tue, Wed, Thu, Fri, Sat, Sun");
    }

    private static int[] parseRange(String whole, String range) {
        Matcher m = RANGE.matcher(range);
        if (!m.matches()) {
            throw invalid(whole, "\"" + range + "\" is not a time range; write HH:MM-HH:MM");
        }
        int start = minutes(whole, m.group(1), m.group(2), false);
        int end = minutes(whole, m.group(3), m.group(4), true);
        if (start == end % MINUTES_PER_DAY && end != MINUTES_PER_DAY) {
            throw invalid(whole, "\"" + range + "\" is empty; use 00:00-24:00 for the whole day");
        }
        return new int[] {start, end};
    }

    private static int minutes(String whole, String hours, String minutes, boolean isEnd) {
        int h = Integer.parseInt(hours);
        int m = Integer.parseInt(minutes);
        boolean midnightEnd = isEnd && h == 24 && m == 0;
        if ((h > 23 && !midnightEnd) || m > 59) {
            throw invalid(whole, hours + ":" + minutes + " is not a time of day");
        }
        return h * 60 + m;
    }

    private static IllegalArgumentException invalid(String whole, String why) {
        return new IllegalArgumentException("\"" + whole + "\" is not an active window: " + why);
    }
}
