package io.tokenmonitor.common.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmonitor.common.config.ConfigException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ActiveWindowTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    private static boolean openAt(String window, String localTime) {
        return ActiveWindow.parse("active", window)
                .isOpen(LocalDateTime.parse(localTime).atZone(SHANGHAI).toInstant(), SHANGHAI);
    }

    /** 2026-11-30 is a Monday. */
    @ParameterizedTest(name = "{0} at {1}: {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "Mon-Fri 09:00-18:00             | 2026-11-30T09:00 | true",
                "Mon-Fri 09:00-18:00             | 2026-11-30T17:59 | true",
                "Mon-Fri 09:00-18:00             | 2026-11-30T18:00 | false",
                "Mon-Fri 09:00-18:00             | 2026-11-29T10:00 | false",
                "22:00-06:00                     | 2026-11-30T23:30 | true",
                "22:00-06:00                     | 2026-12-01T05:59 | true",
                "22:00-06:00                     | 2026-12-01T06:00 | false",
                "22:00-06:00                     | 2026-12-01T12:00 | false",
                "Fri 22:00-06:00                 | 2026-12-05T03:00 | true",
                "Fri 22:00-06:00                 | 2026-12-04T03:00 | false",
                "Fri 22:00-06:00                 | 2026-12-04T22:00 | true",
                "Sat,Sun 10:00-12:00,14:00-16:00 | 2026-11-29T11:00 | true",
                "Sat,Sun 10:00-12:00,14:00-16:00 | 2026-11-29T13:00 | false",
                "Sat,Sun 10:00-12:00,14:00-16:00 | 2026-11-29T15:00 | true",
                "Sat,Sun 10:00-12:00,14:00-16:00 | 2026-11-30T11:00 | false",
                "09:00-12:00,13:00-18:00         | 2026-11-30T12:30 | false",
                "09:00-12:00,13:00-18:00         | 2026-11-30T13:00 | true",
                "Fri-Mon 09:00-10:00             | 2026-11-29T09:30 | true",
                "Fri-Mon 09:00-10:00             | 2026-11-30T09:30 | true",
                "Fri-Mon 09:00-10:00             | 2026-12-01T09:30 | false",
                "monday,WEDNESDAY 09:00-10:00    | 2026-12-02T09:30 | true",
                "monday,WEDNESDAY 09:00-10:00    | 2026-12-01T09:30 | false",
                "00:00-24:00                     | 2026-11-30T23:59 | true",
                "22:00-24:00                     | 2026-11-30T23:59 | true",
                "22:00-24:00                     | 2026-11-30T00:00 | false",
                "always                          | 2026-11-30T03:00 | true",
                "ALWAYS                          | 2026-11-30T03:00 | true",
                "''                              | 2026-11-30T03:00 | true",
            })
    void givenWindow_whenAsked_thenOpenAsWritten(String window, String localTime, boolean open) {
        assertThat(openAt(window, localTime)).isEqualTo(open);
    }

    @Test
    void givenZone_whenSameInstant_thenAnswerDependsOnZone() {
        ActiveWindow w = ActiveWindow.parse("active", "09:00-18:00");
        Instant instant =
                LocalDateTime.parse("2026-11-30T10:00").atZone(SHANGHAI).toInstant();
        assertThat(w.isOpen(instant, SHANGHAI)).isTrue();
        assertThat(w.isOpen(instant, ZoneId.of("America/New_York"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"always", "Mon-Fri 09:00-18:00", "09:00-12:00,13:00-18:00", "Sat,Sun 10:00-12:00"})
    void givenWindow_whenPrinted_thenTheTextComesBack(String text) {
        assertThat(ActiveWindow.parse("active", " " + text + " ")).hasToString(text);
    }

    @Test
    void givenNoWindow_whenParsed_thenAlways() {
        assertThat(ActiveWindow.parse("active", "")).isSameAs(ActiveWindow.ALWAYS);
        assertThat(ActiveWindow.parse("active", null).isAlways()).isTrue();
        assertThat(ActiveWindow.parse("active", "09:00-10:00").isAlways()).isFalse();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "9:00-17:00                | \"9:00\" needs two digits for hours and minutes; write 09:00",
                "09:00-9:30                | write 09:30",
                "9:5-10:00                 | write 09:05",
                "22:00-24:30               | \"24:30\" is not a time of day",
                "25:00-26:00               | \"25:00\" is not a time of day",
                "09:60-10:00               | \"09:60\" is not a time of day",
                "24:00-06:00               | 24:00 can only end a range",
                "10:00-10:00               | \"10:00-10:00\" is empty; use 00:00-24:00 for the whole day",
                "00:00-00:00               | is empty",
                "0900-1000                 | \"0900\" is not a time of day",
                "09:00                     | \"09:00\" is not a time range",
                "09:00-10:00-11:00         | is not a time range",
                "09:00-10:00,              | \"\" is not a time range",
                "Mon-Fry 09:00-18:00       | \"Fry\" is not a weekday",
                "Mo 09:00-18:00            | \"Mo\" is not a weekday",
                "Mon-Wed-Fri 09:00-18:00   | \"Mon-Wed-Fri\" is not a weekday or weekday range",
                "Mon Fri 09:00-18:00       | expected [weekdays] HH:MM-HH:MM",
                "Mon-Fri                   | \"Mon\" is not a time of day",
                "sometimes                 | is not a time range",
            })
    void givenBadWindow_whenParsed_thenRefusedNamingTheKeyAndTheProblem(String text, String message) {
        assertThatThrownBy(() -> ActiveWindow.parse("budgets[0].active", text))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("budgets[0].active: \"" + text + "\" is not an active window: ")
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "Asia/Shanghai | Asia/Shanghai",
                "UTC           | UTC",
                "' Europe/Berlin ' | Europe/Berlin",
            })
    void givenIanaZone_whenParsed_thenRead(String text, String zone) {
        assertThat(IanaZone.parse("timezone", text)).isEqualTo(ZoneId.of(zone));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Asia/Beijing", "", "CST8"})
    void givenBadZone_whenParsed_thenRefusedWithAnExample(String text) {
        assertThatThrownBy(() -> IanaZone.parse("timezone", text))
                .isInstanceOf(ConfigException.class)
                .hasMessage("timezone: \"" + text + "\" is not an IANA zone; for example Asia/Shanghai");
    }
}
