package io.tokenmonitor.bridge.digest;

import io.tokenmonitor.common.config.ConfigException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * When one target gets its digests: daily at a time, weekly on a weekday at a time, both read in {@code zone}, with
 * the {@code top} channels and models named (the rest summed as "others"). A period runs from one due time to the
 * next in local time, so across a DST change a day is 23 or 25 hours long and the digest still comes at 09:00.
 */
public record DigestSchedule(Optional<LocalTime> daily, Optional<Weekly> weekly, ZoneId zone, int top) {
    public static final int DEFAULT_TOP = 5;

    /** Two-digit hours and minutes, as in the active windows ({@code HH:MM}, 00:00 to 23:59). */
    private static final Pattern TIME = Pattern.compile("(([01][0-9])|(2[0-3])):[0-5][0-9]");

    /** A weekday and time of day. */
    public record Weekly(DayOfWeek day, LocalTime time) {}

    /** The two kinds of period; the name is what {@code digest_runs.period} holds. */
    public enum Kind {
        DAILY("daily"),
        WEEKLY("weekly");

        final String key;

        Kind(String key) {
            this.key = key;
        }
    }

    /** One period of a kind: {@code [start, end)}, due (sent) at {@code end}. */
    public record Period(Kind kind, Instant start, Instant end) {}

    public DigestSchedule {
        if (daily.isEmpty() && weekly.isEmpty()) {
            throw new IllegalArgumentException("a digest needs daily or weekly");
        }
    }

    /** Reads {@code 09:00}; {@code key} is named in the error. */
    public static LocalTime parseDaily(String key, String text) {
        String value = text == null ? "" : text.strip();
        if (!TIME.matcher(value).matches()) {
            throw new ConfigException(
                    key + ": \"" + value + "\" is not a time of day; write HH:MM from 00:00 to 23:59, e.g. 09:00");
        }
        return LocalTime.parse(value);
    }

    /** Reads {@code mon 09:00} (any 3+ letter prefix of an English day name, any case). */
    public static Weekly parseWeekly(String key, String text) {
        String value = text == null ? "" : text.strip();
        String[] words = value.split("\\s+");
        if (words.length != 2) {
            throw new ConfigException(key + ": \"" + value + "\" is not a weekday and time; write e.g. mon 09:00");
        }
        String day = words[0].toLowerCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            if (day.length() >= 3 && d.name().toLowerCase(Locale.ROOT).startsWith(day)) {
                return new Weekly(d, parseDaily(key, words[1]));
            }
        }
        throw new ConfigException(
                key + ": \"" + words[0] + "\" is not a weekday; use Mon, Tue, Wed, Thu, Fri, Sat, Sun");
    }

    /** The configured kinds, daily first. */
    public List<Kind> kinds() {
        return daily.isPresent() && weekly.isPresent()
                ? List.of(Kind.DAILY, Kind.WEEKLY)
                : List.of(daily.isPresent() ? Kind.DAILY : Kind.WEEKLY);
    }

    /** The latest period of {@code kind} due at or before {@code now}. */
    public Period latest(Kind kind, Instant now) {
        ZonedDateTime local = now.atZone(zone);
        if (kind == Kind.DAILY) {
            LocalTime time = daily.orElseThrow();
            LocalDate day = local.toLocalDate();
            if (at(day, time).isAfter(now)) {
                day = day.minusDays(1);
            }
            return new Period(kind, at(day.minusDays(1), time), at(day, time));
        }
        Weekly w = weekly.orElseThrow();
        LocalDate day = local.toLocalDate().with(TemporalAdjusters.previousOrSame(w.day()));
        if (at(day, w.time()).isAfter(now)) {
            day = day.minusWeeks(1);
        }
        return new Period(kind, at(day.minusWeeks(1), w.time()), at(day, w.time()));
    }

    /** A local time that a DST gap skips is moved forward by the gap (02:30 becomes 03:30), as java.time does. */
    private Instant at(LocalDate day, LocalTime time) {
        return ZonedDateTime.of(day, time, zone).toInstant();
    }
}
