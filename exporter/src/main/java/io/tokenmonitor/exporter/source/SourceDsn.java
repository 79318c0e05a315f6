package io.tokenmonitor.exporter.source;

import io.tokenmonitor.common.config.Secret;
import io.tokenmonitor.common.gateway.GatewayDsn;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gateway's database as the exporter connects to it: the DSN in any form the gateway accepts,
 * read by the shared grammar ({@link GatewayDsn}), and the exporter's own driver options (timeouts,
 * keep-alive) added to its JDBC URL. {@link #toString()} never shows the password.
 */
public record SourceDsn(GatewayDsn gateway) {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(120);

    /**
     * Parses a DSN.
     *
     * @param key the variable it came from, for error messages ({@code SQL_DSN}, {@code LOG_SQL_DSN}, …)
     * @param sqlitePath where {@code local} points ({@code SQLITE_PATH})
     */
    public static SourceDsn parse(String key, String text, String sqlitePath) {
        return new SourceDsn(GatewayDsn.parse(key, text, sqlitePath));
    }

    /** A SQLite database file, opened read-only by the pool. */
    public static SourceDsn sqlite(Path file) {
        return new SourceDsn(GatewayDsn.sqlite(file));
    }

    public SourceDialect dialect() {
        return switch (gateway.dialect()) {
            case MYSQL -> SourceDialect.MYSQL;
            case POSTGRES -> SourceDialect.POSTGRES;
            case SQLITE -> SourceDialect.SQLITE;
        };
    }

    /** The JDBC URL with the exporter's driver options; options written in the DSN win. No password in it. */
    public String jdbcUrl() {
        Map<String, String> options =
                new LinkedHashMap<>(gateway.dialect().timeoutOptions(CONNECT_TIMEOUT, SOCKET_TIMEOUT));
        switch (gateway.dialect()) {
            case MYSQL -> {
                // No allowPublicKeyRetrieval here: it sends the password to a man in the middle when TLS is off;
                // the DSN asks for it where a MySQL 8 server needs it (docs/gateway-dsn.md).
                options.put("tcpKeepAlive", "true");
            }
            case POSTGRES -> {
                options.put("tcpKeepAlive", "true");
                options.put("ApplicationName", "token-monitor-exporter");
            }
            case SQLITE -> {}
        }
        return gateway.jdbcUrl(options);
    }

    /** The user to connect as; null when the DSN names none. */
    public String user() {
        return gateway.user().orElse(null);
    }

    /** The password; null when the DSN has none. */
    public String password() {
        return gateway.password().map(Secret::value).orElse(null);
    }

    /**
     * What stays the same when only the host or the password of the same database changes: the
     * engine and the database (or file) name. The store remembers it to refuse another gateway's data.
     */
    public String identity() {
        return gateway.identity();
    }

    @Override
    public String toString() {
        return gateway.toString();
    }
}
