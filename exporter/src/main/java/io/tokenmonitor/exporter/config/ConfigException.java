package io.tokenmonitor.exporter.config;

/** A setting is missing or wrong; the message names the setting and says what a right value looks like. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }
}
