package io.tokenmonitor.common.time;

import io.tokenmonitor.common.config.ConfigException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * When an alert may be announced: optional weekdays ({@code Mon-Fri}, {@code Sat,Sun}, {@code Fri-Mon} wraps; any
 * 3+ letter prefix of an English day name, in any case) and one or more comma-separated {@code HH:MM-HH:MM}
 * ranges, read in a zone given at evaluation time, or {@code always}. A range whose end is before its start runs
 * overnight and belongs to the weekday on which it starts, so {@code Fri 22:00-06:00} is open on Saturday at 03:00
 * and not on Friday at 03:00. A range whose start equals its end is refused as empty.
 */
public final class ActiveWindow {
    /** The window that is always open (no {@code active} label, {@code always}, or empty). */
    public static final ActiveWindow ALWAYS = new ActiveWindow("always", EnumSet.allOf(DayOfWeek.class), List.of());

    /**
     * Times of day as Alertmanager's time intervals require them: github.com/prometheus/alertmanager, file
     * {@code timeinterval/timeinterval.go}, {@code validTime}. Two digits each; {@code 24:00} only (and only as an end).
     */
    private static final Pattern VALID_TIME = Pattern.compile("^((([01][0-9])|(2[0-3])):[0-5][0-9])$|(^24:00$)");

    private static final Pattern LOOSE_TIME = Pattern.compile("\\d{1,2}:\\d{1,2}");

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
     * {@code "Mon-Fri 22:00-06:00"}, {@code "always"} or empty (always).
     *
     * @param key the setting or label, named in the message
     * @throws ConfigException naming {@code key} and what is wrong
     */
    public static ActiveWindow parse(String key, String text) {
        String value = text == null ? "" : text.strip();
        if (value.isEmpty() || value.equalsIgnoreCase("always")) {
            return ALWAYS;
        }
        String[] words = value.split("\\s+");
        if (words.length > 2) {
            throw invalid(
                    key, value, "expected [weekdays] HH:MM-HH:MM[,HH:MM-HH:MM…], for example Mon-Fri 09:00-18:00");
        }
        Set<DayOfWeek> days = words.length == 2 ? parseDays(key, value, words[0]) : EnumSet.allOf(DayOfWeek.class);
        List<int[]> ranges = new ArrayList<>();
        for (String range : words[words.length - 1].split(",", -1)) {
            ranges.add(parseRange(key, value, range));
        }
        return new ActiveWindow(value, days, ranges);
    }

    /** Whether this is the window that is always open. */
    public boolean isAlways() {
        return this == ALWAYS;
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

    /** The text it was parsed from (stripped), {@code always} for {@link #ALWAYS}. */
    @Override
    public String toString() {
        return text;
    }

    private static Set<DayOfWeek> parseDays(String key, String whole, String spec) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String item : spec.split(",", -1)) {
            String[] ends = item.split("-", -1);
            if (ends.length == 1) {
                days.add(day(key, whole, ends[0]));
            } else if (ends.length == 2) {
                DayOfWeek d = day(key, whole, ends[0]);
                DayOfWeek last = day(key, whole, ends[1]);
                days.add(d);
                while (d != last) { // Fri-Mon wraps over the weekend
                    d = d.plus(1);
                    days.add(d);
                }
            } else {
                throw invalid(key, whole, "\"" + item + "\" is not a weekday or weekday range");
            }
        }
        return days;
    }

    private static DayOfWeek day(String key, String whole, String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            if (n.length() >= 3 && d.name().toLowerCase(Locale.ROOT).startsWith(n)) {
                return d;
            }
        }
        throw invalid(key, whole, "\"" + name + "\" is not a weekday; use Mon, Tue, Wed, Thu, Fri, Sat, Sun");
    }

    private static int[] parseRange(String key, String whole, String range) {
        String[] ends = range.split("-", -1);
        if (ends.length != 2) {
            throw invalid(
                    key, whole, "\"" + range + "\" is not a time range; write HH:MM-HH:MM, for example 09:00-18:00");
        }
        int start = minutes(key, whole, ends[0], false);
        int end = minutes(key, whole, ends[1], true);
        if (start == end) {
            throw invalid(key, whole, "\"" + range + "\" is empty; use 00:00-24:00 for the whole day");
        }
        return new int[] {start, end};
    }

    private static int minutes(String key, String whole, String time, boolean isEnd) {
        if (!VALID_TIME.matcher(time).matches()) {
            if (LOOSE_TIME.matcher(time).matches()) {
                String[] hm = time.split(":");
                int h = Integer.parseInt(hm[0]);
                int m = Integer.parseInt(hm[1]);
                if (h < 24 && m < 60) {
                    throw invalid(
                            key,
                            whole,
                            "\"" + time + "\" needs two digits for hours and minutes; write "
                                    + String.format(Locale.ROOT, "%02d:%02d", h, m));
                }
            }
            throw invalid(
                    key,
                    whole,
                    "\"" + time + "\" is not a time of day; write HH:MM from 00:00 to 23:59 (24:00 as an end)");
        }
        if (time.equals("24:00") && !isEnd) {
            throw invalid(key, whole, "24:00 can only end a range; start at 00:00");
        }
        String[] hm = time.split(":");
        return Integer.parseInt(hm[0]) * 60 + Integer.parseInt(hm[1]);
    }

    private static ConfigException invalid(String key, String whole, String why) {
        return new ConfigException(key + ": \"" + whole + "\" is not an active window: " + why);
    }
}
