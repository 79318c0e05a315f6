package io.tokenmonitor.common.gateway;

import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.common.config.HostPort;
import io.tokenmonitor.common.config.Secret;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a gateway's database is ({@code SQL_DSN}, {@code LOG_SQL_DSN}, {@code DATABASE_URL}), parsed from every form
 * the gateways accept (docs/gateway-dsn.md), by both programs with this one parser:
 * <ul>
 *   <li>go-sql-driver: {@code user:pass@tcp(host:port)/db?params} ({@code tls=} honoured; the password may hold
 *       {@code @} and {@code :}), {@code user:pass@unix(/path/to.sock)/db}, {@code user:pass@/db} (127.0.0.1:3306)</li>
 *   <li>{@code postgres://} and {@code postgresql://} URLs (percent-decoded credentials, {@code sslmode} kept)</li>
 *   <li>libpq {@code host=… port=… user=… password=… dbname=… sslmode=…} (values may be single-quoted)</li>
 *   <li>{@code mysql://user:pass@host:port/db} (the original Token Monitor's {@code DATABASE_URL})</li>
 *   <li>{@code local} (SQLite at {@code SQLITE_PATH}), a SQLite file path or {@code file:} path (the gateway's
 *       {@code ?_busy_timeout=…} options dropped)</li>
 *   <li>JDBC URLs: {@code jdbc:mysql:}, {@code jdbc:mariadb:}, {@code jdbc:postgresql:}, {@code jdbc:sqlite:}</li>
 * </ul>
 * Each program adds its own driver options (timeouts) with {@link #jdbcUrl(Map)}; options written in the DSN win.
 * Neither {@link #toString()} nor any error message shows the password.
 *
 * @param baseUrl the JDBC URL without query ({@code jdbc:mysql://db:3306/new-api}, {@code jdbc:sqlite:/data/one-api.db})
 * @param params the driver options the DSN itself asks for (TLS, sslmode, the unix socket factory), in JDBC spelling
 * @param database the database name, or the SQLite file's name
 * @param display where the database is, for logs: no password, ever
 */
public record GatewayDsn(
        Dialect dialect,
        String baseUrl,
        Map<String, String> params,
        Optional<String> user,
        Optional<Secret> password,
        String database,
        String display) {

    /** The gateway's own default for {@code SQL_DSN=local} when {@code SQLITE_PATH} is unset. */
    public static final String DEFAULT_SQLITE_PATH = "one-api.db";
    /** Connector/J's socket factory over a unix socket, from junixsocket-mysql. */
    static final String UNIX_SOCKET_FACTORY = "org.newsclub.net.mysql.AFUNIXDatabaseSocketFactoryCJ";

    /** The three databases New API and One API run on. */
    public enum Dialect {
        MYSQL("mysql"),
        POSTGRES("postgres"),
        SQLITE("sqlite");

        private final String label;

        Dialect(String label) {
            this.label = label;
        }

        /** {@code mysql}, {@code postgres} or {@code sqlite}: the {@code source_db} label and the first word of {@link #identity()}. */
        public String label() {
            return label;
        }

        /**
         * The driver options for a connect timeout and a read (socket) timeout in this driver's units
         * (Connector/J: milliseconds, PgJDBC: seconds); none for SQLite, which has no network.
         */
        public Map<String, String> timeoutOptions(Duration connect, Duration socket) {
            Map<String, String> options = new LinkedHashMap<>();
            switch (this) {
                case MYSQL -> {
                    options.put("connectTimeout", Long.toString(connect.toMillis()));
                    options.put("socketTimeout", Long.toString(socket.toMillis()));
                }
                case POSTGRES -> {
                    options.put("connectTimeout", Long.toString(Math.max(1, connect.toSeconds())));
                    options.put("socketTimeout", Long.toString(Math.max(1, socket.toSeconds())));
                }
                case SQLITE -> {}
            }
            return options;
        }
    }

    private static final String FORMS =
            "expected user:pass@tcp(host:port)/database, user:pass@unix(/path.sock)/database,"
                    + " postgres://user:pass@host:port/database, host=… user=… password=… dbname=…, mysql://user:pass@host:port/database,"
                    + " local, a SQLite file path or a JDBC URL";
    /** go-sql-driver's {@code [user[:password]@][net[(addr)]]/dbname[?params]}; the greedy credentials end at the last fitting '@'. */
    private static final Pattern GO_MYSQL = Pattern.compile(
            "^(?:(?<cred>.*)@)?(?<net>tcp|unix)?(?:\\((?<addr>[^()]*)\\))?/(?<db>[^/?]*)(?:\\?(?<params>.*))?$",
            Pattern.DOTALL);

    /**
     * Why a refused DSN is never quoted: a password may hold any character, so no masking of text that did not
     * parse can know where it ends ({@code user:x://y@…}, {@code password=a&b}). Messages name the part that is
     * wrong instead.
     */
    private static final String NOT_SHOWN = " (the value is not shown: it may hold a password)";

    private static final Pattern LIBPQ = Pattern.compile("^[A-Za-z_]+\\s*=.*", Pattern.DOTALL);

    public GatewayDsn {
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params)); // in order: the URL is stable
    }

    /**
     * Parses a DSN.
     *
     * @param key the variable it came from ({@code SQL_DSN}, {@code LOG_SQL_DSN}, {@code DATABASE_URL}), named in messages
     * @param sqlitePath {@code SQLITE_PATH}, where {@code local} points; null for the gateway's default
     * @throws ConfigException naming {@code key}, never echoing the password
     */
    public static GatewayDsn parse(String key, String text, String sqlitePath) {
        String dsn = text == null ? "" : text.strip();
        if (dsn.isEmpty()) {
            throw new ConfigException(
                    key + ": is empty; set it to the gateway's SQL_DSN, e.g. user:pass@tcp(db:3306)/new-api");
        }
        String lower = dsn.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:")) {
            return fromJdbc(key, dsn);
        }
        if (dsn.equals("local")) {
            return sqlite(Path.of(withoutQuery(
                    sqlitePath == null || sqlitePath.isBlank() ? DEFAULT_SQLITE_PATH : sqlitePath.strip())));
        }
        if (lower.startsWith("postgres://") || lower.startsWith("postgresql://") || lower.startsWith("mysql://")) {
            return fromUrl(key, dsn);
        }
        if (lower.startsWith("file:")) {
            String path = withoutQuery(dsn.substring("file:".length()));
            if (path.startsWith("//")) {
                path = path.substring(2); // file:///data/x.db
            }
            if (path.isEmpty()) {
                throw new ConfigException(key + ": \"file:\" names no file; write file:/data/one-api.db");
            }
            return sqlite(Path.of(path));
        }
        Matcher go = GO_MYSQL.matcher(dsn);
        if (!dsn.startsWith("/")
                && go.matches()
                && (go.group("cred") != null || go.group("net") != null || go.group("addr") != null)) {
            return fromGoMysql(key, dsn, go);
        }
        if (LIBPQ.matcher(dsn).matches() && !dsn.contains("://")) {
            return fromLibpq(key, dsn);
        }
        if (!dsn.contains("@") && !dsn.contains("://") && !dsn.contains("(")) {
            String path = withoutQuery(dsn);
            String p = path.toLowerCase(Locale.ROOT);
            if (path.startsWith("/")
                    || path.startsWith("./")
                    || path.startsWith("../")
                    || p.endsWith(".db")
                    || p.endsWith(".sqlite")
                    || p.endsWith(".sqlite3")) {
                return sqlite(Path.of(path));
            }
            throw new ConfigException(key + ": cannot parse it" + NOT_SHOWN + "; " + FORMS
                    + " (a SQLite path starts with / or ./ or ends in .db)");
        }
        throw new ConfigException(key + ": cannot parse it" + NOT_SHOWN + "; " + FORMS);
    }

    /**
     * A MySQL or PostgreSQL database on a server: the JDBC URL (to {@code host}) and the display (the address as
     * written, user shown, password never) every server form of the DSN ends in.
     */
    private static GatewayDsn server(
            Dialect dialect,
            String host,
            String shownAddress,
            String db,
            Map<String, String> params,
            String user,
            Optional<Secret> password) {
        String scheme = dialect == Dialect.MYSQL ? "mysql" : "postgresql";
        String shownScheme = dialect == Dialect.MYSQL ? "mysql" : "postgres";
        String shownUser = user.isEmpty() ? "" : user + "@";
        return new GatewayDsn(
                dialect,
                "jdbc:" + scheme + "://" + host + "/" + db,
                params,
                nonEmpty(user),
                password,
                db,
                shownScheme + "://" + shownUser + shownAddress + "/" + db);
    }

    /** A SQLite database file (made absolute). */
    public static GatewayDsn sqlite(Path file) {
        String path = file.toAbsolutePath().normalize().toString();
        Path name = file.getFileName();
        return new GatewayDsn(
                Dialect.SQLITE,
                "jdbc:sqlite:" + path,
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                name == null ? path : name.toString(),
                "sqlite:" + path);
    }

    /** The JDBC URL with the DSN's own options only. */
    public String jdbcUrl() {
        return jdbcUrl(Map.of());
    }

    /**
     * The JDBC URL with the program's driver options ({@link Dialect#timeoutOptions}, {@code ApplicationName}, …)
     * added; an option the DSN itself gives wins. The password is not in it: pass {@link #password()} to the pool.
     */
    public String jdbcUrl(Map<String, String> driverOptions) {
        Map<String, String> all = new LinkedHashMap<>(driverOptions);
        all.putAll(params);
        if (all.isEmpty()) {
            return baseUrl;
        }
        StringBuilder url = new StringBuilder(baseUrl);
        char sep = '?';
        for (Map.Entry<String, String> e : all.entrySet()) {
            url.append(sep).append(e.getKey()).append('=').append(e.getValue());
            sep = '&';
        }
        return url.toString();
    }

    /** The SQLite file, for {@link Dialect#SQLITE}. */
    public Optional<Path> sqliteFile() {
        return dialect == Dialect.SQLITE
                ? Optional.of(Path.of(baseUrl.substring("jdbc:sqlite:".length())))
                : Optional.empty();
    }

    /**
     * What stays the same when only the host or the password of the same database changes: the engine and the
     * database (or file) name, such as {@code mysql:new-api}. The exporter's store remembers it to refuse another
     * gateway's data.
     */
    public String identity() {
        return dialect.label() + ":" + database;
    }

    @Override
    public String toString() {
        return display;
    }

    private static GatewayDsn fromGoMysql(String key, String dsn, Matcher m) {
        String credentials = m.group("cred") == null ? "" : m.group("cred");
        int colon = credentials.indexOf(':');
        String user = colon < 0 ? credentials : credentials.substring(0, colon);
        String pass = colon < 0 ? "" : credentials.substring(colon + 1);
        String db = m.group("db");
        if (db.isEmpty()) {
            throw new ConfigException(key + ": names no database after the address" + NOT_SHOWN
                    + "; write user:pass@tcp(host:3306)/new-api");
        }
        Map<String, String> params = new LinkedHashMap<>();
        tls(key, m.group("params"), params);
        String addr = m.group("addr") == null ? "" : m.group("addr").strip();
        if ("unix".equals(m.group("net"))) {
            if (!addr.startsWith("/")) {
                throw new ConfigException(key + ": unix(" + addr
                        + ") is not a socket path; write user:pass@unix(/run/mysqld/mysqld.sock)/" + db);
            }
            params.put("socketFactory", UNIX_SOCKET_FACTORY);
            params.put("junixsocket.file", addr);
            // Connector/J still wants a host; the socket factory ignores it.
            return server(Dialect.MYSQL, "localhost", "unix(" + addr + ")", db, params, user, secret(pass));
        }
        HostPort address = addr.isEmpty()
                ? new HostPort("127.0.0.1", 3306)
                : HostPort.parse(key, addr, 3306, "db:3306 or [::1]:3306");
        if (address.host().isEmpty()) {
            address = new HostPort("127.0.0.1", address.port());
        }
        return server(Dialect.MYSQL, address.toString(), address.toString(), db, params, user, secret(pass));
    }

    /** go-sql-driver's {@code tls=}: true verifies the server, skip-verify encrypts without, preferred tries, false never. */
    private static void tls(String key, String query, Map<String, String> params) {
        Map<String, String> given = queryParams(query);
        // Key retrieval (MySQL 8's caching_sha2_password without TLS) hands the password to whoever answers as the
        // server, so Connector/J gets it only when the DSN asks for it in Connector/J's own spelling.
        if ("true".equalsIgnoreCase(given.get("allowPublicKeyRetrieval"))) {
            params.put("allowPublicKeyRetrieval", "true");
        }
        String tls = given.get("tls");
        if (tls == null) {
            return;
        }
        params.put(
                "sslMode",
                switch (tls.toLowerCase(Locale.ROOT)) {
                    case "true" -> "VERIFY_IDENTITY";
                    case "skip-verify" -> "REQUIRED";
                    case "preferred" -> "PREFERRED";
                    case "false" -> "DISABLED";
                    default ->
                        throw new ConfigException(key + ": tls=" + tls
                                + " is not supported; use tls=true, skip-verify, preferred or false");
                });
    }

    private static GatewayDsn fromUrl(String key, String dsn) {
        int schemeEnd = dsn.indexOf("://");
        boolean mysql = dsn.substring(0, schemeEnd).equalsIgnoreCase("mysql");
        String rest = dsn.substring(schemeEnd + 3);
        int at = rest.lastIndexOf('@');
        String userInfo = at < 0 ? null : rest.substring(0, at);
        String hostPart = rest.substring(at + 1);
        String query = null;
        int question = hostPart.indexOf('?');
        if (question >= 0) {
            query = hostPart.substring(question + 1);
            hostPart = hostPart.substring(0, question);
        }
        int slash = hostPart.indexOf('/');
        String authority = slash < 0 ? hostPart : hostPart.substring(0, slash);
        String db = slash < 0 ? "" : decode(hostPart.substring(slash + 1));
        String example = mysql ? "mysql://user:pass@host:3306/database" : "postgres://user:pass@host:5432/database";
        if (authority.isEmpty()) {
            throw new ConfigException(key + ": names no host" + NOT_SHOWN + "; write " + example);
        }
        if (db.isEmpty() || db.contains("/")) {
            throw new ConfigException(key + ": names no database" + NOT_SHOWN + "; write " + example);
        }
        HostPort address = HostPort.parse(key, authority, mysql ? 3306 : 5432, mysql ? "db:3306" : "db:5432");
        String user = "";
        String pass = "";
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            pass = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (mysql) {
            tls(key, query, params);
            return server(Dialect.MYSQL, address.toString(), address.toString(), db, params, user, secret(pass));
        }
        postgresParams(queryParams(query), params);
        return server(Dialect.POSTGRES, address.toString(), address.toString(), db, params, user, secret(pass));
    }

    /** libpq's {@code key=value} form, as GORM's postgres driver takes it; unknown keys (TimeZone, …) are the session's business. */
    private static GatewayDsn fromLibpq(String key, String dsn) {
        Map<String, String> values = new LinkedHashMap<>();
        int i = 0;
        int n = dsn.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(dsn.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int keyStart = i;
            while (i < n && (Character.isLetterOrDigit(dsn.charAt(i)) || dsn.charAt(i) == '_')) {
                i++;
            }
            String name = dsn.substring(keyStart, i);
            while (i < n && Character.isWhitespace(dsn.charAt(i))) {
                i++;
            }
            if (name.isEmpty() || i >= n || dsn.charAt(i) != '=') {
                throw new ConfigException(
                        key + ": is not a list of key=value" + NOT_SHOWN + "; write host=db port=5432 user=… dbname=…");
            }
            i++;
            while (i < n && Character.isWhitespace(dsn.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < n && dsn.charAt(i) == '\'') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = dsn.charAt(i++);
                    if (c == '\\' && i < n) {
                        value.append(dsn.charAt(i++));
                    } else if (c == '\'') {
                        closed = true;
                        break;
                    } else {
                        value.append(c);
                    }
                }
                if (!closed) {
                    throw new ConfigException(key + ": the value of " + name + " opens a quote and does not close it");
                }
            } else {
                while (i < n && !Character.isWhitespace(dsn.charAt(i))) {
                    char c = dsn.charAt(i++);
                    if (c == '\\' && i < n) {
                        value.append(dsn.charAt(i++));
                    } else {
                        value.append(c);
                    }
                }
            }
            values.put(
                    name.toLowerCase(Locale.ROOT).equals("timezone") ? name : name.toLowerCase(Locale.ROOT),
                    value.toString());
        }
        String host = values.getOrDefault("host", values.get("hostaddr"));
        if (host == null || host.isEmpty()) {
            throw new ConfigException(
                    key + ": the key=value DSN has no host; add host=… (and port=…, user=…, dbname=…)");
        }
        if (host.startsWith("/")) {
            throw new ConfigException(
                    key + ": host=" + host + " is a unix socket directory, which the PostgreSQL JDBC driver cannot use;"
                            + " give the server's host name or address");
        }
        String db = values.get("dbname");
        if (db == null || db.isEmpty()) {
            throw new ConfigException(key + ": the key=value DSN has no dbname; add dbname=…");
        }
        String port = values.getOrDefault("port", "5432");
        HostPort address = HostPort.parse(
                key, host.contains(":") ? "[" + host + "]:" + port : host + ":" + port, -1, "host=db port=5432");
        String user = values.getOrDefault("user", "");
        Map<String, String> params = new LinkedHashMap<>();
        postgresParams(values, params);
        return server(
                Dialect.POSTGRES,
                address.toString(),
                address.toString(),
                db,
                params,
                user,
                secret(values.getOrDefault("password", "")));
    }

    /** The libpq options PgJDBC understands under the same name: TLS only; timeouts are the program's. */
    private static void postgresParams(Map<String, String> from, Map<String, String> to) {
        for (String name : new String[] {"sslmode", "sslrootcert", "sslcert", "sslkey"}) {
            String value = from.get(name);
            if (value != null && !value.isEmpty()) {
                to.put(name, value);
            }
        }
    }

    private static GatewayDsn fromJdbc(String key, String dsn) {
        String lower = dsn.toLowerCase(Locale.ROOT);
        Dialect dialect;
        String url = dsn;
        if (lower.startsWith("jdbc:mysql:") || lower.startsWith("jdbc:mariadb:")) {
            dialect = Dialect.MYSQL;
            url = "jdbc:mysql:"
                    + dsn.substring(dsn.indexOf(':', 5) + 1); // only Connector/J is shipped; it speaks to MariaDB
        } else if (lower.startsWith("jdbc:postgresql:")) {
            dialect = Dialect.POSTGRES;
        } else if (lower.startsWith("jdbc:sqlite:")) {
            dialect = Dialect.SQLITE;
        } else {
            Matcher sub = Pattern.compile("^jdbc:[a-z0-9]{1,20}:").matcher(lower);
            throw new ConfigException(key + ": the JDBC URL " + (sub.find() ? "(" + sub.group() + "…) " : "")
                    + "is not jdbc:mysql:, jdbc:mariadb:, jdbc:postgresql: or jdbc:sqlite:" + NOT_SHOWN);
        }
        String prefix = url.substring(0, url.indexOf(':', 5) + 1); // jdbc:mysql:
        String rest = url.substring(prefix.length());
        // Connector/J's jdbc:mysql://user:pass@host form: the credentials go to the pool, never into the URL that
        // drivers and pools print. They end at the last '@' before the query (a password may hold '/' and '?').
        String userInfo = null;
        if (dialect != Dialect.SQLITE && rest.startsWith("//")) {
            int at = rest.lastIndexOf('@');
            String before = at < 0 ? "" : rest.substring(0, at);
            boolean inQuery = before.contains("?") && before.contains("="); // ?user=a@b is an option, not userinfo
            if (at >= 0 && !inQuery) {
                userInfo = rest.substring(2, at);
                rest = "//" + rest.substring(at + 1);
            }
        }
        int question = rest.indexOf('?');
        String base = prefix + (question < 0 ? rest : rest.substring(0, question));
        Map<String, String> params =
                new LinkedHashMap<>(queryParams(question < 0 ? null : rest.substring(question + 1)));
        Optional<String> user = nonEmpty(params.remove("user"));
        Optional<Secret> password = secret(params.remove("password"));
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = nonEmpty(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            if (colon >= 0) {
                password = secret(decode(userInfo.substring(colon + 1)));
            }
        }
        if (dialect == Dialect.SQLITE) {
            String path = base.substring("jdbc:sqlite:".length());
            if (path.isEmpty()) {
                throw new ConfigException(key + ": jdbc:sqlite: names no file; write jdbc:sqlite:/data/one-api.db");
            }
            Path name = Path.of(path).getFileName();
            return new GatewayDsn(
                    dialect, base, params, user, password, name == null ? path : name.toString(), "sqlite:" + path);
        }
        String afterSlashes = rest.startsWith("//") ? base.substring(prefix.length() + 2) : "";
        int slash = afterSlashes.indexOf('/');
        String tail = slash < 0 ? "" : afterSlashes.substring(slash + 1);
        if (!rest.startsWith("//") || slash <= 0 || tail.isEmpty() || tail.contains("/")) {
            throw new ConfigException(key + ": the JDBC URL names no "
                    + (!rest.startsWith("//") || slash == 0 ? "host" : "database") + NOT_SHOWN + "; write "
                    + (dialect == Dialect.MYSQL
                            ? "jdbc:mysql://host:3306/new-api"
                            : "jdbc:postgresql://host:5432/new-api"));
        }
        // Connector/J's key-value host form, (host=db,password=…), may carry a password: masked in the display.
        String host = afterSlashes.substring(0, slash);
        return new GatewayDsn(dialect, base, params, user, password, tail, prefix + "//" + mask(host) + "/" + tail);
    }

    private static Map<String, String> queryParams(String query) {
        Map<String, String> out = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return out;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            out.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
        }
        return out;
    }

    private static String withoutQuery(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    private static Optional<String> nonEmpty(String s) {
        return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    private static Optional<Secret> secret(String s) {
        return s == null || s.isEmpty() ? Optional.empty() : Optional.of(new Secret(s));
    }

    /** Percent-decoding as in URLs; '+' stays a plus (it is no space in a user name or password). */
    private static String decode(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    /** Hides what could be a password in DSN-like text: the credentials before the last '@', and {@code password=…}. */
    static String mask(String text) {
        String s = text.replaceAll("(?i)(password\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'?|[^&;\\s]*)", "$1***");
        int at = s.lastIndexOf('@');
        if (at >= 0) {
            int scheme = s.indexOf("://");
            int start = scheme < 0 || scheme > at ? 0 : scheme + 3;
            int colon = s.indexOf(':', start);
            if (colon >= 0 && colon < at) {
                s = s.substring(0, colon + 1) + "***" + s.substring(at);
            }
        }
        return s;
    }
}
