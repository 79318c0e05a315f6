package io.tokenmonitor.common.time;

import io.tokenmonitor.common.config.ConfigException;
import java.time.DateTimeException;
import java.time.ZoneId;

/** The time zone of calendar windows and active windows ({@code timezone} settings, the {@code tz} label). */
public final class IanaZone {
    private IanaZone() {}

    /**
     * Reads an IANA zone such as {@code Asia/Shanghai} or {@code UTC}.
     *
     * @throws ConfigException naming {@code key}, with an example, as users often guess "Asia/Beijing"
     */
    public static ZoneId parse(String key, String text) {
        String value = text == null ? "" : text.strip();
        try {
            return ZoneId.of(value);
        } catch (DateTimeException e) {
            throw new ConfigException(key + ": \"" + value + "\" is not an IANA zone; for example Asia/Shanghai");
        }
    }
}
