package io.tokenmonitor.exporter.budget;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/** The span of time a budget covers, as a half-open interval {@code [start, end)} at a given moment. */
public sealed interface BudgetWindow {

    /** The interval in force at {@code now}; calendar windows follow {@code zone}. */
    Interval at(Instant now, ZoneId zone);

    /** The value of the {@code window} label. */
    String label();

    /** A half-open interval of time, both ends on whole minutes. */
    record Interval(Instant start, Instant end) {}

    /**
     * The last {@code length} up to now, to the minute: it starts at the beginning of the minute
     * {@code length} ago, so usage is exact to the minute at that edge.
     */
    record Rolling(Duration length, String label) implements BudgetWindow {
        @Override
        public Interval at(Instant now, ZoneId zone) {
            return new Interval(now.minus(length).truncatedTo(ChronoUnit.MINUTES), now);
        }
    }

    /** Today in the configured zone, from midnight to midnight. */
    record CalendarDay() implements BudgetWindow {
        @Override
        public Interval at(Instant now, ZoneId zone) {
            ZonedDateTime start = now.atZone(zone).toLocalDate().atStartOfDay(zone);
            return new Interval(
                    start.toInstant(),
                    start.plusDays(1).toLocalDate().atStartOfDay(zone).toInstant());
        }

        @Override
        public String label() {
            return "calendar_day";
        }
    }

    /** This month in the configured zone, from the first at midnight to the first of next month. */
    record CalendarMonth() implements BudgetWindow {
        @Override
        public Interval at(Instant now, ZoneId zone) {
            LocalDate first = now.atZone(zone).toLocalDate().withDayOfMonth(1);
            return new Interval(
                    first.atStartOfDay(zone).toInstant(),
                    first.plusMonths(1).atStartOfDay(zone).toInstant());
        }

        @Override
        public String label() {
            return "calendar_month";
        }
    }

    /** A fixed range of time, the same whenever it is asked. */
    record Fixed(Instant start, Instant end) implements BudgetWindow {
        @Override
        public Interval at(Instant now, ZoneId zone) {
            return new Interval(start, end);
        }

        @Override
        public String label() {
            return "custom";
        }
    }
}
