package io.tokenmonitor.bridge.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.tokenmonitor.common.time.ActiveWindow;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ActiveWindowTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    private static boolean openAt(ActiveWindow w, String localTime, ZoneId zone) {
        return w.isOpen(LocalDateTime.parse(localTime).atZone(zone).toInstant(), zone);
    }

    @Test
    void givenOfficeHours_whenTimeIsInside_thenWindowIsOpenAndEndIsExclusive() {
        ActiveWindow w = ActiveWindow.parse("active", "Mon-Fri 09:00-18:00");
        assertThat(openAt(w, "2026-11-30T09:00", SHANGHAI)).isTrue(); // Monday
        assertThat(openAt(w, "2026-11-30T17:59", SHANGHAI)).isTrue();
        assertThat(openAt(w, "2026-11-30T18:00", SHANGHAI)).isFalse();
        assertThat(openAt(w, "2026-11-29T10:00", SHANGHAI)).isFalse(); // Sunday
    }

    @Test
    void givenOvernightRange_whenTimeIsAfterMidnight_thenWindowIsOpen() {
        ActiveWindow w = ActiveWindow.parse("active", "22:00-06:00");
        assertThat(openAt(w, "2026-11-30T23:30", SHANGHAI)).isTrue();
        assertThat(openAt(w, "2026-12-01T05:59", SHANGHAI)).isTrue();
        assertThat(openAt(w, "2026-12-01T06:00", SHANGHAI)).isFalse();
        assertThat(openAt(w, "2026-12-01T12:00", SHANGHAI)).isFalse();
    }

    @Test
    void givenOvernightRangeOnFriday_whenSaturdayMorning_thenOpenButNotFridayMorning() {
        ActiveWindow w = ActiveWindow.parse("active", "Fri 22:00-06:00");
        assertThat(openAt(w, "2026-12-05T03:00", SHANGHAI)).isTrue(); // Saturday, belongs to Friday night
        assertThat(openAt(w, "2026-12-04T03:00", SHANGHAI)).isFalse(); // Friday morning belongs to Thursday
    }

    @Test
    void givenZone_whenSameInstant_thenAnswerDependsOnZone() {
        ActiveWindow w = ActiveWindow.parse("active", "09:00-18:00");
        var instant = LocalDateTime.parse("2026-11-30T10:00").atZone(SHANGHAI).toInstant();
        assertThat(w.isOpen(instant, SHANGHAI)).isTrue();
        assertThat(w.isOpen(instant, ZoneId.of("America/New_York"))).isFalse(); // 21:00 the evening before
    }

    @Test
    void givenWeekdayListAndSeveralRanges_whenParsed_thenAllApply() {
        ActiveWindow w = ActiveWindow.parse("active", "Sat,Sun 10:00-12:00,14:00-16:00");
        assertThat(openAt(w, "2026-11-29T11:00", SHANGHAI)).isTrue();
        assertThat(openAt(w, "2026-11-29T13:00", SHANGHAI)).isFalse();
        assertThat(openAt(w, "2026-11-29T15:00", SHANGHAI)).isTrue();
        assertThat(openAt(w, "2026-11-30T11:00", SHANGHAI)).isFalse();
    }

    @Test
    void givenBadWindows_whenParsed_thenMessageNamesTheProblem() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ActiveWindow.parse("active", "Mon-Fry 09:00-18:00"))
                .withMessageContaining("\"Fry\" is not a weekday");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ActiveWindow.parse("active", "25:00-26:00"))
                .withMessageContaining("is not a time of day");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ActiveWindow.parse("active", "09:00-09:00"))
                .withMessageContaining("is empty");
        assertThat(ActiveWindow.parse("active", "00:00-24:00")
                        .isOpen(java.time.Instant.parse("2026-11-30T23:59:00Z"), ZoneId.of("UTC")))
                .isTrue();
    }
}
