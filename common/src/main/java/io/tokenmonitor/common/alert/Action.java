package io.tokenmonitor.common.alert;

import io.tokenmonitor.common.config.ConfigException;

/** What an alert asks the bridge to do besides notifying: the {@code action} label and a budget's {@code action}. */
public enum Action {
    NOTIFY("notify"),
    DISABLE_CHANNEL("disable_channel"),
    /** Switch the gateway API key named by the {@code token_id} label off ({@code tokens.status = 2}). */
    DISABLE_TOKEN("disable_token"),
    /** Switch the gateway user named by the {@code user_id} label off ({@code users.status = 2}). */
    DISABLE_USER("disable_user");

    private final String value;

    Action(String value) {
        this.value = value;
    }

    /** The label value. */
    public String value() {
        return value;
    }

    /**
     * Reads {@code notify}, {@code disable_channel}, {@code disable_token} or {@code disable_user}, exactly (label values are matched exactly by Alertmanager too).
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
        throw new ConfigException(
                key + ": \"" + v + "\" is not an action; use notify, disable_channel, disable_token or disable_user");
    }

    @Override
    public String toString() {
        return value;
    }
}
