package io.tokenmonitor.common.alert;

import io.tokenmonitor.common.config.ConfigException;

/**
 * A gateway API key's ({@code tokens.id}, the {@code token_id} label) or user's ({@code users.id}, {@code user_id})
 * id: ASCII decimal digits, a whole number from 1, the grammar of {@link ChannelId}.
 */
public final class AccountId {
    private AccountId() {}

    /**
     * Reads a key's id; leading zeros are dropped.
     *
     * @throws ConfigException naming {@code key} when the text is not a positive whole number
     */
    public static long token(String key, String text) {
        return parse(key, text, "key id");
    }

    /**
     * Reads a user's id; leading zeros are dropped.
     *
     * @throws ConfigException naming {@code key} when the text is not a positive whole number
     */
    public static long user(String key, String text) {
        return parse(key, text, "user id");
    }

    private static long parse(String key, String text, String what) {
        String v = text == null ? "" : text.strip();
        if (v.matches("[0-9]{1,19}")) {
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
                key + ": \"" + v + "\" is not a " + what + "; use the gateway's numeric id (1 or more)");
    }
}
