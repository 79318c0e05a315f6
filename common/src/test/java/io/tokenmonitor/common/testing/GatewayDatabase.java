package io.tokenmonitor.common.testing;

import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.sqlite.SqlScript;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A real gateway database for a test: a uniquely named MariaDB database (127.0.0.1:3306, root without password) or
 * PostgreSQL database (127.0.0.1:5432, postgres, trust), or a SQLite file, created with New API's or One API's own
 * DDL ({@code /gateway/*.sql}: logs, channels, abilities, options) and dropped, with the users it made, on close.
 * One fixture for the exporter's tests (logs), the bridge's (channels and abilities) and e2e's.
 */
public final class GatewayDatabase implements AutoCloseable {
    public static final String MARIADB_ADMIN_URL =
            "jdbc:mysql://127.0.0.1:3306/?allowPublicKeyRetrieval=true&useSSL=false";
    public static final String POSTGRES_ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";

    /** Which gateway wrote the schema. */
    public enum Flavor {
        NEW_API,
        ONE_API
    }

    private final Dialect dialect;
    private final Flavor flavor;
    private final String name;
    private final String jdbcUrl;
    private final String user;
    private final Path sqliteFile;
    private final List<String> users = new ArrayList<>();

    private GatewayDatabase(Dialect dialect, Flavor flavor, String name, String jdbcUrl, String user, Path sqliteFile) {
        this.dialect = dialect;
        this.flavor = flavor;
        this.name = name;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.sqliteFile = sqliteFile;
    }

    /**
     * Creates the database and the gateway's tables.
     *
     * @param dir holds the SQLite file (unused for the servers)
     */
    public static GatewayDatabase create(Dialect dialect, Flavor flavor, Path dir) throws SQLException {
        String name = "tm_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        GatewayDatabase db = switch (dialect) {
            case MYSQL -> {
                try (Connection c = admin(dialect);
                        Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
                }
                yield new GatewayDatabase(
                        dialect,
                        flavor,
                        name,
                        "jdbc:mysql://127.0.0.1:3306/" + name
                                + "?allowPublicKeyRetrieval=true&useSSL=false&rewriteBatchedStatements=true",
                        "root",
                        null);
            }
            case POSTGRES -> {
                try (Connection c = admin(dialect);
                        Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + name);
                }
                yield new GatewayDatabase(
                        dialect,
                        flavor,
                        name,
                        "jdbc:postgresql://127.0.0.1:5432/" + name + "?reWriteBatchedInserts=true",
                        "postgres",
                        null);
            }
            case SQLITE -> {
                Path file = dir.resolve(name + ".db");
                yield new GatewayDatabase(dialect, flavor, name, "jdbc:sqlite:" + file, null, file);
            }
        };
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            if (dialect == Dialect.SQLITE) {
                s.execute("PRAGMA journal_mode=WAL");
            }
            for (String statement : db.ddl()) {
                s.execute(statement);
            }
        } catch (SQLException | RuntimeException e) {
            try {
                db.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return db;
    }

    public Dialect dialect() {
        return dialect;
    }

    public Flavor flavor() {
        return flavor;
    }

    /** The database's name (also the SQLite file's name without {@code .db}). */
    public String name() {
        return name;
    }

    /** Where the JDBC driver finds the database, as the administrator (root, postgres). */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The SQLite file, for {@link Dialect#SQLITE}. */
    public Path sqliteFile() {
        if (sqliteFile == null) {
            throw new IllegalStateException(dialect + " has no file");
        }
        return sqliteFile;
    }

    /** The DSN in the gateway's own format, as an operator puts it in SQL_DSN; for SQLite the file's path. */
    public String sqlDsn() {
        return switch (dialect) {
            case MYSQL -> "root:@tcp(127.0.0.1:3306)/" + name + "?charset=utf8mb4&parseTime=True&loc=Local";
            case POSTGRES -> "postgres://postgres@127.0.0.1:5432/" + name + "?sslmode=disable";
            case SQLITE -> sqliteFile.toString();
        };
    }

    /** As {@link #sqlDsn()}, for SQLite with the options the gateway's SQLITE_PATH carries ({@code ?_busy_timeout=30000}). */
    public String sqlDsnWithGatewayOptions() {
        return dialect == Dialect.SQLITE ? sqliteFile + "?_busy_timeout=30000" : sqlDsn();
    }

    /** The DSN pointing at another host:port (a proxy in front of this database). */
    public String sqlDsnVia(String hostPort) {
        return switch (dialect) {
            case MYSQL -> "root:@tcp(" + hostPort + ")/" + name;
            case POSTGRES -> "postgres://postgres@" + hostPort + "/" + name + "?sslmode=disable";
            case SQLITE -> throw new IllegalStateException("SQLite has no network address");
        };
    }

    /** The DSN in the gateway's format for {@code dbUser} (from {@link #createUser}). */
    public String sqlDsnAs(DbUser dbUser) {
        return switch (dialect) {
            case MYSQL -> dbUser.name() + ":" + dbUser.password() + "@tcp(127.0.0.1:3306)/" + name;
            case POSTGRES ->
                "postgres://" + encode(dbUser.name()) + ":" + encode(dbUser.password()) + "@127.0.0.1:5432/" + name
                        + "?sslmode=disable";
            case SQLITE -> throw new IllegalStateException("SQLite has no users");
        };
    }

    /** A connection as the administrator; SQLite waits up to 10 s for a lock. */
    public Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(jdbcUrl, user, "");
        if (dialect == Dialect.SQLITE) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout=10000");
            }
        }
        return c;
    }

    /**
     * Creates a user that may only do what {@code privilegesByTable} says, such as
     * {@code Map.of("logs", List.of("SELECT"), "channels", List.of("SELECT", "UPDATE"))}: the least privilege a
     * program should run with. The user is dropped on {@link #close()}.
     *
     * @param suffix told apart from other users of this database; the name is unique across tests
     */
    public DbUser createUser(String suffix, Map<String, List<String>> privilegesByTable) throws SQLException {
        if (dialect == Dialect.SQLITE) {
            throw new IllegalStateException("SQLite has no users; a file's permissions decide");
        }
        DbUser created = new DbUser(
                name + "_" + suffix.toLowerCase(Locale.ROOT),
                "pw-" + UUID.randomUUID().toString().substring(0, 8));
        try (Connection c = dialect == Dialect.MYSQL ? admin(dialect) : connect();
                Statement s = c.createStatement()) {
            if (dialect == Dialect.MYSQL) {
                for (String host : new String[] {"%", "localhost"}) {
                    s.execute("CREATE USER '" + created.name() + "'@'" + host + "' IDENTIFIED BY '" + created.password()
                            + "'");
                    for (Map.Entry<String, List<String>> grant : privilegesByTable.entrySet()) {
                        s.execute("GRANT " + String.join(", ", grant.getValue()) + " ON " + name + ".`" + grant.getKey()
                                + "` TO '" + created.name() + "'@'" + host + "'");
                    }
                }
            } else {
                s.execute("CREATE ROLE " + created.name() + " LOGIN PASSWORD '" + created.password() + "'");
                s.execute("GRANT CONNECT ON DATABASE " + name + " TO " + created.name());
                s.execute("GRANT USAGE ON SCHEMA public TO " + created.name());
                for (Map.Entry<String, List<String>> grant : privilegesByTable.entrySet()) {
                    s.execute("GRANT " + String.join(", ", grant.getValue()) + " ON \"" + grant.getKey() + "\" TO "
                            + created.name());
                }
            }
        }
        users.add(created.name());
        return created;
    }

    /** Inserts log rows in one transaction. */
    public void insert(List<TestLog> rows) throws SQLException {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            insert(c, rows);
            c.commit();
        }
    }

    /** Inserts log rows on the given connection, leaving the transaction to the caller. */
    public void insert(Connection c, List<TestLog> rows) throws SQLException {
        boolean newApi = flavor == Flavor.NEW_API;
        String group = quote("group");
        String sql = newApi
                ? "INSERT INTO logs (user_id, created_at, type, content, username, token_name, model_name, quota, prompt_tokens, "
                        + "completion_tokens, use_time, is_stream, channel_id, token_id, " + group
                        + ", other) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                : "INSERT INTO logs (user_id, created_at, type, content, username, token_name, model_name, quota, prompt_tokens, "
                        + "completion_tokens, elapsed_time, is_stream, channel_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (TestLog r : rows) {
                ps.setLong(1, 1);
                ps.setLong(2, r.createdAt());
                ps.setInt(3, r.type());
                ps.setString(4, r.content());
                ps.setString(5, r.username());
                ps.setString(6, r.tokenName());
                ps.setString(7, r.model());
                ps.setLong(8, r.quota());
                ps.setLong(9, r.promptTokens());
                ps.setLong(10, r.completionTokens());
                // One API keeps milliseconds; +250 shows the exporter rounds them rather than reading seconds.
                ps.setLong(11, newApi ? r.useTimeSeconds() : r.useTimeSeconds() * 1000 + 250);
                ps.setBoolean(12, r.stream());
                ps.setLong(13, r.channelId());
                if (newApi) {
                    ps.setLong(14, 1);
                    ps.setString(15, "default");
                    ps.setString(16, r.other());
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** {@code requests} consume rows (type 2) as New API writes them, one per request, all at {@code createdAt}. */
    public void addConsumeLogs(
            long channelId, String model, int requests, long promptTokens, long completionTokens, long createdAt)
            throws SQLException {
        List<TestLog> rows = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            rows.add(new TestLog(
                    2,
                    createdAt,
                    channelId,
                    model,
                    "e2e-token",
                    "e2e",
                    promptTokens,
                    completionTokens,
                    promptTokens + completionTokens,
                    2,
                    false,
                    "",
                    "{}"));
        }
        insert(rows);
    }

    /** Runs one statement (deletions, odd values) and returns the rows it changed. */
    public int execute(String sql) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }

    /** Runs statements in order on one connection. */
    public void execute(String... statements) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** An enabled channel named {@code channelName} in group {@code default}, with one enabled ability per model. */
    public void addChannel(long id, String channelName, List<String> models) throws SQLException {
        addChannel(id, channelName, 1, "default", models);
    }

    /** A channel {@code ch<id>} with status, group and models, and its abilities (enabled when status is 1), as the gateway adds them. */
    public void addChannel(long id, int status, String group, String... models) throws SQLException {
        addChannel(id, "ch" + id, status, group, List.of(models));
    }

    /** A channel and its abilities rows (enabled when {@code status} is 1), as the gateway adds them. */
    public void addChannel(long id, String channelName, int status, String group, List<String> models)
            throws SQLException {
        String sql = flavor == Flavor.NEW_API
                ? "INSERT INTO channels (id, type, " + quote("key") + ", status, name, created_time, models, "
                        + quote("group")
                        + ", other_info) VALUES (?, 1, 'sk-secret', ?, ?, ?, ?, ?, '{\"keep\":\"me\"}')"
                : "INSERT INTO channels (id, type, " + quote("key") + ", status, name, created_time, models, "
                        + quote("group") + ") VALUES (?, 1, 'sk-secret', ?, ?, ?, ?, ?)";
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, id);
                ps.setInt(2, status);
                ps.setString(3, channelName);
                ps.setLong(4, System.currentTimeMillis() / 1000);
                ps.setString(5, String.join(",", models));
                ps.setString(6, group);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO abilities (" + quote("group")
                    + ", model, channel_id, enabled)" + " VALUES (?, ?, ?, ?)")) {
                for (String model : models) {
                    ps.setString(1, group);
                    ps.setString(2, model);
                    ps.setLong(3, id);
                    ps.setBoolean(4, status == 1);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }

    /** {@code channels.status} of a channel. */
    public int status(long id) throws SQLException {
        return Integer.parseInt(single("SELECT status FROM channels WHERE id = " + id));
    }

    /** {@code channels.status} of a channel (the name e2e used). */
    public int channelStatus(long id) throws SQLException {
        return status(id);
    }

    /** {@code channels.other_info} (New API), which a breaker must leave as it is. */
    public String otherInfo(long id) throws SQLException {
        return single("SELECT other_info FROM channels WHERE id = " + id);
    }

    /** The enabled flags of the channel's abilities, ordered by model. */
    public List<Boolean> abilitiesEnabled(long id) throws SQLException {
        List<Boolean> out = new ArrayList<>();
        try (Connection c = connect();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT enabled FROM abilities WHERE channel_id = " + id + " ORDER BY model")) {
            while (rs.next()) {
                out.add(rs.getBoolean(1));
            }
        }
        return out;
    }

    /** Expected usage per "channel|model", computed by the database with GROUP BY (the exporter's counting rules). */
    public Map<String, Usage> usageByGroupBy(long afterId) throws SQLException {
        boolean newApi = flavor == Flavor.NEW_API;
        String usage = "type = 2 AND token_name <> '模型测试'";
        String settlement =
                newApi ? " AND NOT (prompt_tokens = 0 AND completion_tokens = 0 AND other LIKE '%\"task_id\"%')" : "";
        String sql = "SELECT channel_id, model_name,"
                + " SUM(CASE WHEN " + usage + settlement + " THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN " + usage + " THEN prompt_tokens ELSE 0 END),"
                + " SUM(CASE WHEN " + usage + " THEN completion_tokens ELSE 0 END),"
                + " SUM(CASE WHEN " + usage + " THEN quota " + (newApi ? "WHEN type = 6 THEN -quota " : "")
                + "ELSE 0 END),"
                + " SUM(CASE WHEN type = 5 " + (newApi ? "" : "AND 1 = 0 ") + "THEN 1 ELSE 0 END)"
                + " FROM logs WHERE id > " + afterId + " AND type IN (2, 5, 6) GROUP BY channel_id, model_name";
        Map<String, Usage> result = new TreeMap<>();
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                Usage u = new Usage(rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7));
                if (!u.isZero()) {
                    result.put(rs.getLong(1) + "|" + rs.getString(2), u);
                }
            }
        }
        return result;
    }

    /** The highest {@code logs.id}, 0 for none. */
    public long maxId() throws SQLException {
        return Long.parseLong(single("SELECT COALESCE(MAX(id), 0) FROM logs"));
    }

    private String single(String sql) throws SQLException {
        try (Connection c = connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private String quote(String identifier) {
        return dialect == Dialect.MYSQL ? "`" + identifier + "`" : "\"" + identifier + "\"";
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Connection admin(Dialect dialect) throws SQLException {
        return dialect == Dialect.MYSQL
                ? DriverManager.getConnection(MARIADB_ADMIN_URL, "root", "")
                : DriverManager.getConnection(POSTGRES_ADMIN_URL, "postgres", "");
    }

    private List<String> ddl() {
        String resource =
                "/gateway/" + (flavor == Flavor.NEW_API ? "newapi" : "oneapi") + "-" + dialect.label() + ".sql";
        try (InputStream in = GatewayDatabase.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        "no DDL " + resource + " on the class path (token-monitor-common's test-jar)");
            }
            return SqlScript.statements(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Drops the database (closing its sessions) and the users made for it; deletes a SQLite file with its -wal and -shm. */
    @Override
    public void close() throws SQLException, IOException {
        switch (dialect) {
            case MYSQL -> {
                try (Connection c = admin(dialect);
                        Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + name);
                    for (String u : users) {
                        s.execute("DROP USER IF EXISTS '" + u + "'@'%', '" + u + "'@'localhost'");
                    }
                }
            }
            case POSTGRES -> {
                try (Connection c = admin(dialect);
                        Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                    for (String u : users) {
                        s.execute("DROP ROLE IF EXISTS " + u);
                    }
                }
            }
            case SQLITE -> {
                Files.deleteIfExists(sqliteFile);
                Files.deleteIfExists(Path.of(sqliteFile + "-wal"));
                Files.deleteIfExists(Path.of(sqliteFile + "-shm"));
            }
        }
    }
}
