package io.tokenmonitor.common.alert;

import io.tokenmonitor.common.config.ConfigException;

/** A gateway channel's id (a budget's {@code channel_id}, the {@code channel_id} label): a whole number from 1. */
public final class ChannelId {
    private ChannelId() {}

    /**
     * Reads the id; leading zeros are dropped ({@code 007} is channel 7).
     *
     * @throws ConfigException naming {@code key} when the text is not a positive whole number
     */
    public static long parse(String key, String text) {
        String v = text == null ? "" : text.strip();
        if (v.matches("\\d{1,19}")) {
            try {
                long id = Long.parseLong(v);
                if (id > 0) {
                    return id;
                }
            } catch (NumberFormatException e) {
                // past Long.MAX_VALUE: reported below
            }
        }
        throw new ConfigException(
                key + ": \"" + v + "\" is not a channel id; use the gateway's numeric id (1 or more)");
    }
}
