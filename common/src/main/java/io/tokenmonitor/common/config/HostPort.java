package io.tokenmonitor.common.config;

import java.net.InetSocketAddress;

/**
 * A {@code host:port} setting: {@code 0.0.0.0:9466}, {@code db:3306}, {@code :9466} (every address),
 * {@code [::1]:9466} (an IPv6 address goes in brackets, as in URLs, since it holds colons itself).
 *
 * @param host the host without brackets; empty for every address
 */
public record HostPort(String host, int port) {

    public HostPort {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range");
        }
    }

    /**
     * Parses {@code text}.
     *
     * @param key names the setting in the error message
     * @throws ConfigException when the text has no port, a bad port, or an IPv6 address without brackets
     */
    public static HostPort parse(String key, String text) {
        return parse(key, text, -1);
    }

    /**
     * Parses {@code text}, taking {@code defaultPort} when the port is left out ({@code db} for {@code db:3306}).
     *
     * @param defaultPort the port when none is written; -1 to require one
     */
    public static HostPort parse(String key, String text, int defaultPort) {
        return parse(key, text, defaultPort, "0.0.0.0:9466 or [::1]:9466");
    }

    /**
     * As {@link #parse(String, String, int)}, with the examples the message gives ({@code "db:3306 or [::1]:3306"}).
     */
    public static HostPort parse(String key, String text, int defaultPort, String examples) {
        String value = text == null ? "" : text.strip();
        String example = " write host:port, for example " + examples;
        if (value.isEmpty()) {
            throw new ConfigException(key + ": is empty;" + example);
        }
        String host;
        String port;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                throw new ConfigException(key + ": \"" + value
                        + "\" opens a bracket for an IPv6 address but does not close it;" + example);
            }
            host = value.substring(1, close);
            String rest = value.substring(close + 1);
            if (rest.isEmpty()) {
                port = null;
            } else if (rest.startsWith(":")) {
                port = rest.substring(1);
            } else {
                throw new ConfigException(key + ": \"" + value + "\" has text after the IPv6 address;" + example);
            }
            if (host.isEmpty() || !host.contains(":")) {
                throw new ConfigException(key + ": \"" + value + "\" has no IPv6 address in the brackets;" + example);
            }
        } else {
            int colon = value.lastIndexOf(':');
            if (colon >= 0 && value.indexOf(':') != colon) {
                throw new ConfigException(key + ": \"" + value
                        + "\" looks like an IPv6 address; put it in brackets, for example [::1]:9466");
            }
            host = colon < 0 ? value : value.substring(0, colon);
            port = colon < 0 ? null : value.substring(colon + 1);
        }
        if (host.contains("/") || host.contains("@") || host.contains(" ")) {
            throw new ConfigException(key + ": \"" + value + "\" is not a host name or address;" + example);
        }
        if (port == null) {
            if (defaultPort < 0) {
                throw new ConfigException(key + ": \"" + value + "\" has no port;" + example);
            }
            return new HostPort(host, defaultPort);
        }
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
            throw new ConfigException(key + ": \"" + value + "\" has no valid port (0 to 65535);" + example);
        }
        return new HostPort(host, Integer.parseInt(port));
    }

    /** The address to bind or connect to; an empty host binds every address. */
    public InetSocketAddress toSocketAddress() {
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    /** {@code host:port} again, with an IPv6 address in brackets: fit for URLs and for {@link #parse}. */
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
