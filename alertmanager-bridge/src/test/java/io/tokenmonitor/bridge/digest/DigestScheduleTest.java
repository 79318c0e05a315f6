package io.tokenmonitor.bridge.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmonitor.common.config.ConfigException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DigestScheduleTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void dailyPeriodEndsAtTheLatestLocalTimeAndIs23HoursOnTheDayDstStarts() {
        DigestSchedule s = new DigestSchedule(Optional.of(LocalTime.of(9, 0)), Optional.empty(), BERLIN, 5);
        DigestSchedule.Period p = s.latest(DigestSchedule.Kind.DAILY, Instant.parse("2026-03-29T12:00:00Z"));
        assertThat(p.end()).isEqualTo(Instant.parse("2026-03-29T07:00:00Z")); // 09:00 CEST
        assertThat(p.start()).isEqualTo(Instant.parse("2026-03-28T08:00:00Z")); // 09:00 CET
        assertThat(Duration.between(p.start(), p.end())).isEqualTo(Duration.ofHours(23));
        // Just before 09:00 local, the latest period is the one that ended yesterday.
        DigestSchedule.Period before = s.latest(DigestSchedule.Kind.DAILY, Instant.parse("2026-03-29T06:59:59Z"));
        assertThat(before.end()).isEqualTo(Instant.parse("2026-03-28T08:00:00Z"));
    }

    @Test
    void weeklyPeriodIs169HoursAcrossTheEndOfDst() {
        DigestSchedule s = new DigestSchedule(
                Optional.empty(),
                Optional.of(new DigestSchedule.Weekly(DayOfWeek.MONDAY, LocalTime.of(9, 0))),
                BERLIN,
                5);
        DigestSchedule.Period p = s.latest(DigestSchedule.Kind.WEEKLY, Instant.parse("2026-10-26T09:00:00Z"));
        assertThat(p.end()).isEqualTo(Instant.parse("2026-10-26T08:00:00Z"));
        assertThat(Duration.between(p.start(), p.end())).isEqualTo(Duration.ofHours(169));
    }

    @Test
    void aTimeInTheDstGapMovesForward() {
        DigestSchedule s = new DigestSchedule(Optional.of(LocalTime.of(2, 30)), Optional.empty(), BERLIN, 5);
        assertThat(s.latest(DigestSchedule.Kind.DAILY, Instant.parse("2026-03-29T12:00:00Z"))
                        .end())
                .isEqualTo(Instant.parse("2026-03-29T01:30:00Z")); // 03:30 CEST
    }

    @Test
    void badTimesNameTheKey() {
        assertThatThrownBy(() -> DigestSchedule.parseDaily("bridge.yml: digests.targets.tg.daily", "9:00"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("bridge.yml: digests.targets.tg.daily: \"9:00\"");
        assertThatThrownBy(() -> DigestSchedule.parseWeekly("k", "mo 09:00")).hasMessageContaining("not a weekday");
        assertThat(DigestSchedule.parseWeekly("k", "Monday 09:00"))
                .isEqualTo(new DigestSchedule.Weekly(DayOfWeek.MONDAY, LocalTime.of(9, 0)));
    }
}
