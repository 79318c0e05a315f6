package io.tokenmonitor.bridge.config;

/** A configuration problem that stops the bridge at start; the message is the one line shown to the user. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
