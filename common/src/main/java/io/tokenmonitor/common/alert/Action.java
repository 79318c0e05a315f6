package io.tokenmonitor.common.alert;

import io.tokenmonitor.common.config.ConfigException;

/** What an alert asks the bridge to do besides notifying: the {@code action} label and a budget's {@code action}. */
public enum Action {
    NOTIFY("notify"),
    DISABLE_CHANNEL("disable_channel");

    private final String value;

    Action(String value) {
        this.value = value;
    }

    /** The label value. */
    public String value() {
        return value;
    }

    /**
     * Reads {@code notify} or {@code disable_channel}, exactly (label values are matched exactly by Alertmanager too).
     *
     * @throws ConfigException naming {@code key}
     */
    public static Action parse(String key, String text) {
        String v = text == null ? "" : text.strip();
        for (Action a : values()) {
            if (a.value.equals(v)) {
                return a;
            }
        }
        throw new ConfigException(key + ": \"" + v + "\" is not an action; use notify or disable_channel");
    }

    @Override
    public String toString() {
        return value;
    }
}
