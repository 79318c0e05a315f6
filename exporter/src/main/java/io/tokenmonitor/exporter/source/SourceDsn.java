package io.tokenmonitor.exporter.source;

import io.tokenmonitor.exporter.config.ConfigException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the gateway's database is, parsed from the formats the gateway itself accepts.
 *
 * <ul>
 *   <li>{@code user:pass@tcp(host:3306)/db?…} (the gateway's {@code SQL_DSN} for MySQL/MariaDB)</li>
 *   <li>{@code postgres://user:pass@host:5432/db} or {@code postgresql://…}</li>
 *   <li>{@code mysql://user:pass@host:3306/db} (the original Token Monitor's {@code DATABASE_URL})</li>
 *   <li>{@code local} (SQLite at {@code SQLITE_PATH}) or a SQLite file path</li>
 *   <li>a JDBC URL ({@code jdbc:mysql:}, {@code jdbc:postgresql:}, {@code jdbc:sqlite:})</li>
 * </ul>
 * {@link #toString()} never shows the password.
 */
public record SourceDsn(SourceDialect dialect, String jdbcUrl, String user, String password, String display) {

    private static final Pattern GO_NET = Pattern.compile("^(?:(?<proto>tcp|unix)\\((?<addr>[^)]*)\\))?$");
    private static final Pattern URL = Pattern.compile("^(?<scheme>[a-z]+)://(?:(?<user>[^:@/]*)(?::(?<pass>[^@/]*))?@)?(?<host>[^/:?]+)(?::(?<port>\\d+))?(?:/(?<db>[^?]*))?(?:\\?(?<params>.*))?$");
    private static final String MYSQL_OPTIONS = "connectTimeout=10000&socketTimeout=120000&tcpKeepAlive=true&allowPublicKeyRetrieval=true";
    private static final String POSTGRES_OPTIONS = "connectTimeout=10&socketTimeout=120&tcpKeepAlive=true&ApplicationName=token-monitor-exporter";

    /**
     * Parses a DSN.
     *
     * @param key the variable it came from, for error messages ({@code SQL_DSN}, {@code LOG_SQL_DSN}, …)
     * @param sqlitePath where {@code local} points ({@code SQLITE_PATH})
     */
    public static SourceDsn parse(String key, String text, String sqlitePath) {
        String dsn = text == null ? "" : text.trim();
        if (dsn.isEmpty()) {
            throw new ConfigException(key + ": is empty; set it to the gateway's SQL_DSN, e.g. user:pass@tcp(db:3306)/new-api");
        }
        if (dsn.startsWith("jdbc:")) {
            return fromJdbc(key, dsn);
        }
        if (dsn.equals("local") || dsn.startsWith("local")) {
            return sqlite(Path.of(sqlitePath));
        }
        String lower = dsn.toLowerCase(Locale.ROOT);
        if (lower.startsWith("postgres://") || lower.startsWith("postgresql://") || lower.startsWith("mysql://")) {
            return fromUrl(key, dsn);
        }
        if (dsn.contains("@tcp(") || dsn.contains("@unix(") || dsn.contains("@/") || dsn.startsWith("tcp(")) {
            return fromGoMysql(key, dsn);
        }
        if (lower.endsWith(".db") || lower.endsWith(".sqlite") || lower.endsWith(".sqlite3") || dsn.startsWith("/")
                || dsn.startsWith("./") || dsn.startsWith("file:")) {
            return sqlite(Path.of(dsn.startsWith("file:") ? dsn.substring("file:".length()) : dsn));
        }
        throw new ConfigException(key + ": cannot parse \"" + mask(dsn) + "\"; expected user:pass@tcp(host:port)/database, "
                + "postgres://user:pass@host:port/database, mysql://user:pass@host:port/database, a SQLite file path or a JDBC URL");
    }

    /** A SQLite database file, opened read-only by the pool. */
    public static SourceDsn sqlite(Path file) {
        String path = file.toAbsolutePath().toString();
        return new SourceDsn(SourceDialect.SQLITE, "jdbc:sqlite:" + path, null, null, "sqlite:" + path);
    }

    private static SourceDsn fromGoMysql(String key, String dsn) {
        // Like the Go driver: the address ends at ")/", and the password (which may contain '@')
        // ends at the last '@' before the address.
        int addressEnd = dsn.lastIndexOf(")/");
        int slash = addressEnd >= 0 ? addressEnd + 1 : dsn.indexOf("@/") + 1;
        String left = dsn.substring(0, slash);
        String right = dsn.substring(slash + 1);
        int at = left.lastIndexOf('@');
        String credentials = at < 0 ? "" : left.substring(0, at);
        Matcher net = GO_NET.matcher(left.substring(at + 1));
        int question = right.indexOf('?');
        String db = question < 0 ? right : right.substring(0, question);
        String params = question < 0 ? null : right.substring(question + 1);
        if (!net.matches() || db.isEmpty()) {
            throw new ConfigException(key + ": cannot parse \"" + mask(dsn) + "\"; expected user:pass@tcp(host:port)/database");
        }
        if ("unix".equals(net.group("proto"))) {
            throw new ConfigException(key + ": unix sockets are not supported; use tcp(host:port)");
        }
        int colon = credentials.indexOf(':');
        String user = colon < 0 ? credentials : credentials.substring(0, colon);
        String pass = colon < 0 ? "" : credentials.substring(colon + 1);
        String address = net.group("addr") == null || net.group("addr").isEmpty() ? "127.0.0.1:3306" : net.group("addr");
        if (!address.contains(":")) {
            address = address + ":3306";
        }
        String jdbc = "jdbc:mysql://" + address + "/" + db + "?" + MYSQL_OPTIONS + tlsOption(params);
        return new SourceDsn(SourceDialect.MYSQL, jdbc, user, pass, "mysql://" + user + "@" + address + "/" + db);
    }

    private static String tlsOption(String params) {
        if (params == null) {
            return "";
        }
        for (String param : params.split("&")) {
            switch (param) {
                case "tls=true" -> {
                    return "&sslMode=VERIFY_IDENTITY";
                }
                case "tls=skip-verify" -> {
                    return "&sslMode=REQUIRED";
                }
                case "tls=false" -> {
                    return "&sslMode=DISABLED";
                }
                default -> {
                }
            }
        }
        return "";
    }

    private static SourceDsn fromUrl(String key, String dsn) {
        Matcher m = URL.matcher(dsn);
        if (!m.matches() || m.group("db") == null || m.group("db").isEmpty()) {
            throw new ConfigException(key + ": cannot parse \"" + mask(dsn) + "\"; expected scheme://user:pass@host:port/database");
        }
        String user = decode(m.group("user"));
        String pass = decode(m.group("pass"));
        boolean mysql = m.group("scheme").equalsIgnoreCase("mysql");
        String port = m.group("port") != null ? m.group("port") : (mysql ? "3306" : "5432");
        String hostPort = m.group("host") + ":" + port;
        String db = m.group("db");
        if (mysql) {
            return new SourceDsn(SourceDialect.MYSQL, "jdbc:mysql://" + hostPort + "/" + db + "?" + MYSQL_OPTIONS,
                    user, pass, "mysql://" + user + "@" + hostPort + "/" + db);
        }
        String sslmode = param(m.group("params"), "sslmode");
        String jdbc = "jdbc:postgresql://" + hostPort + "/" + db + "?" + POSTGRES_OPTIONS + (sslmode == null ? "" : "&sslmode=" + sslmode);
        return new SourceDsn(SourceDialect.POSTGRES, jdbc, user, pass, "postgres://" + user + "@" + hostPort + "/" + db);
    }

    private static SourceDsn fromJdbc(String key, String dsn) {
        SourceDialect dialect;
        if (dsn.startsWith("jdbc:mysql:") || dsn.startsWith("jdbc:mariadb:")) {
            dialect = SourceDialect.MYSQL;
            dsn = dsn.replaceFirst("^jdbc:mariadb:", "jdbc:mysql:");
        } else if (dsn.startsWith("jdbc:postgresql:")) {
            dialect = SourceDialect.POSTGRES;
        } else if (dsn.startsWith("jdbc:sqlite:")) {
            dialect = SourceDialect.SQLITE;
        } else {
            throw new ConfigException(key + ": JDBC URL \"" + mask(dsn) + "\" is not for MySQL/MariaDB, PostgreSQL or SQLite");
        }
        return new SourceDsn(dialect, dsn, null, null, mask(dsn));
    }

    private static String param(String params, String name) {
        if (params == null) {
            return null;
        }
        for (String param : params.split("&")) {
            if (param.startsWith(name + "=")) {
                return param.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static String decode(String text) {
        return text == null ? "" : URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Hides passwords in any DSN-like text: {@code :secret@} and {@code password=secret}. */
    static String mask(String text) {
        return text.replaceAll(":[^:@/]*@", ":***@").replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    /**
     * What stays the same when only the host or the password of the same database changes: the
     * engine and the database (or file) name. The store remembers it to refuse another gateway's data.
     */
    public String identity() {
        String tail = display.substring(display.lastIndexOf('/') + 1);
        int question = tail.indexOf('?');
        return dialect.label() + ":" + (question < 0 ? tail : tail.substring(0, question));
    }

    @Override
    public String toString() {
        return display;
    }
}
