package io.tokenmonitor.common.config;

/**
 * A setting is missing or wrong. It stops the program at start; the message is the one line shown to
 * the operator: the setting's name, what is wrong and what a right value looks like, never a secret.
 * It is an {@link IllegalArgumentException}, so code that reads a label value and keeps going on a bad one (the
 * bridge's policy labels) catches it like any other refused argument.
 */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }
}
