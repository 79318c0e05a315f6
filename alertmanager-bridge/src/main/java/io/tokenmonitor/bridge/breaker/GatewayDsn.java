package io.tokenmonitor.bridge.breaker;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the gateway's main database is, parsed from {@code SQL_DSN} in the gateway's own formats
 * ({@code user:pass@tcp(host:port)/db?…}, {@code postgres://…}, a SQLite path) or a JDBC URL.
 * {@link #toString()} masks the password.
 */
public record GatewayDsn(Dialect dialect, String jdbcUrl, Optional<String> user, Optional<String> password) {

    /** The three databases New API and One API run on. */
    public enum Dialect { MYSQL, POSTGRES, SQLITE }

    private static final Pattern GO_MYSQL = Pattern.compile("^(.*)@tcp\\(([^)]+)\\)/([^?]*)(?:\\?.*)?$");
    /** Fail fast if the gateway database hangs: a breaker attempt must not hold up notifications for long. */
    private static final String MYSQL_TIMEOUTS = "connectTimeout=5000&socketTimeout=15000";
    private static final String POSTGRES_TIMEOUTS = "connectTimeout=5&socketTimeout=15";

    /** Parses a DSN; the exception message says what was expected, without echoing the password. */
    public static GatewayDsn parse(String dsn) {
        String value = dsn.strip();
        if (value.startsWith("jdbc:")) {
            return new GatewayDsn(dialectOfJdbc(value), value, Optional.empty(), Optional.empty());
        }
        if (value.startsWith("postgres://") || value.startsWith("postgresql://")) {
            return postgres(value);
        }
        Matcher m = GO_MYSQL.matcher(value);
        if (m.matches()) {
            String credentials = m.group(1);
            int colon = credentials.indexOf(':');
            Optional<String> user = Optional.of(colon < 0 ? credentials : credentials.substring(0, colon)).filter(s -> !s.isEmpty());
            Optional<String> password = colon < 0 ? Optional.empty() : Optional.of(credentials.substring(colon + 1));
            if (m.group(3).isEmpty()) {
                throw unparsable(value);
            }
            return new GatewayDsn(Dialect.MYSQL, "jdbc:mysql://" + m.group(2) + "/" + m.group(3) + "?" + MYSQL_TIMEOUTS,
                    user, password);
        }
        if (value.contains("@") || value.contains("(") || value.contains("://") || value.isEmpty()) {
            throw unparsable(value);
        }
        // A SQLite path, possibly with the gateway's own options (SQLITE_PATH defaults to "one-api.db?_busy_timeout=30000").
        String path = value.startsWith("file:") ? value.substring(5) : value;
        int query = path.indexOf('?');
        return new GatewayDsn(Dialect.SQLITE, "jdbc:sqlite:" + (query < 0 ? path : path.substring(0, query)),
                Optional.empty(), Optional.empty());
    }

    private static GatewayDsn postgres(String value) {
        try {
            URI uri = new URI(value);
            if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
                throw unparsable(value);
            }
            Optional<String> user = Optional.empty();
            Optional<String> password = Optional.empty();
            if (uri.getRawUserInfo() != null) {
                String[] parts = uri.getRawUserInfo().split(":", 2);
                user = Optional.of(URLDecoder.decode(parts[0], StandardCharsets.UTF_8));
                password = parts.length > 1 ? Optional.of(URLDecoder.decode(parts[1], StandardCharsets.UTF_8)) : Optional.empty();
            }
            int port = uri.getPort() < 0 ? 5432 : uri.getPort();
            String query = uri.getRawQuery() == null ? POSTGRES_TIMEOUTS : uri.getRawQuery() + "&" + POSTGRES_TIMEOUTS;
            return new GatewayDsn(Dialect.POSTGRES, "jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getPath() + "?" + query,
                    user, password);
        } catch (URISyntaxException e) {
            throw unparsable(value);
        }
    }

    private static Dialect dialectOfJdbc(String url) {
        if (url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:")) {
            return Dialect.MYSQL;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return Dialect.POSTGRES;
        }
        if (url.startsWith("jdbc:sqlite:")) {
            return Dialect.SQLITE;
        }
        throw new IllegalArgumentException("SQL_DSN: JDBC URLs must be jdbc:mysql:, jdbc:postgresql: or jdbc:sqlite:");
    }

    private static IllegalArgumentException unparsable(String value) {
        String shown = value.replaceAll("(?<=:)[^:@/]*(?=@)", "<masked>");
        return new IllegalArgumentException("SQL_DSN: cannot parse \"" + shown + "\"; expected user:pass@tcp(host:port)/database, "
                + "postgres://user:pass@host:port/database, a SQLite file path or a JDBC URL");
    }

    @Override
    public String toString() {
        String url = jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1<masked>");
        return dialect.name().toLowerCase() + " " + url + user.map(u -> " user=" + u).orElse("");
    }
}
