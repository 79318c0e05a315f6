package io.tokenmonitor.common.alert;

import io.tokenmonitor.common.config.ConfigException;
import java.util.Locale;

/**
 * The {@code severity} label: {@code info}, {@code warning} or {@code critical}. Read in any case and always written
 * in lower case, so Alertmanager routes matching {@code severity="critical"} see one spelling.
 */
public enum Severity {
    INFO,
    WARNING,
    CRITICAL;

    /** The lower-case label value. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws ConfigException naming {@code key} */
    public static Severity parse(String key, String text) {
        String v = text == null ? "" : text.strip();
        for (Severity s : values()) {
            if (s.value().equalsIgnoreCase(v)) {
                return s;
            }
        }
        throw new ConfigException(key + ": \"" + v + "\" is not a severity; use info, warning or critical");
    }

    @Override
    public String toString() {
        return value();
    }
}
