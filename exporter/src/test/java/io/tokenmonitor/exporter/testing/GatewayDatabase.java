package io.tokenmonitor.exporter.testing;

import io.tokenmonitor.exporter.source.GatewayFlavor;
import io.tokenmonitor.exporter.source.SourceDialect;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A real gateway database for a test: a uniquely named MariaDB or PostgreSQL database (on
 * 127.0.0.1) or a SQLite file, created with the gateway's own DDL and dropped on close.
 */
public final class GatewayDatabase implements AutoCloseable {

    public static final String MARIADB_ADMIN_URL = "jdbc:mysql://127.0.0.1:3306/?allowPublicKeyRetrieval=true&useSSL=false";
    public static final String POSTGRES_ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";

    private final SourceDialect dialect;
    private final GatewayFlavor flavor;
    private final String name;
    private final String jdbcUrl;
    private final String user;
    private final Path sqliteFile;

    private GatewayDatabase(SourceDialect dialect, GatewayFlavor flavor, String name, String jdbcUrl, String user, Path sqliteFile) {
        this.dialect = dialect;
        this.flavor = flavor;
        this.name = name;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.sqliteFile = sqliteFile;
    }

    /** Creates the database; {@code dir} holds the SQLite file (ignored for the servers). */
    public static GatewayDatabase create(SourceDialect dialect, GatewayFlavor flavor, Path dir) throws SQLException {
        String name = "tm_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        GatewayDatabase db = switch (dialect) {
            case MYSQL -> {
                try (Connection c = DriverManager.getConnection(MARIADB_ADMIN_URL, "root", ""); Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
                }
                yield new GatewayDatabase(dialect, flavor, name,
                        "jdbc:mysql://127.0.0.1:3306/" + name + "?allowPublicKeyRetrieval=true&useSSL=false&rewriteBatchedStatements=true", "root", null);
            }
            case POSTGRES -> {
                try (Connection c = DriverManager.getConnection(POSTGRES_ADMIN_URL, "postgres", ""); Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + name);
                }
                yield new GatewayDatabase(dialect, flavor, name, "jdbc:postgresql://127.0.0.1:5432/" + name + "?reWriteBatchedInserts=true", "postgres", null);
            }
            case SQLITE -> {
                Path file = dir.resolve(name + ".db");
                yield new GatewayDatabase(dialect, flavor, name, "jdbc:sqlite:" + file, null, file);
            }
        };
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            if (dialect == SourceDialect.SQLITE) {
                s.execute("PRAGMA journal_mode=WAL");
            }
            for (String statement : db.ddl()) {
                s.execute(statement);
            }
        }
        return db;
    }

    public SourceDialect dialect() {
        return dialect;
    }

    public GatewayFlavor flavor() {
        return flavor;
    }

    /** The DSN in the gateway's own format, as an operator would put in SQL_DSN. */
    public String sqlDsn() {
        return switch (dialect) {
            case MYSQL -> "root:@tcp(127.0.0.1:3306)/" + name + "?charset=utf8mb4&parseTime=True&loc=Local";
            case POSTGRES -> "postgres://postgres@127.0.0.1:5432/" + name + "?sslmode=disable";
            case SQLITE -> sqliteFile.toString();
        };
    }

    /** The DSN pointing at another host:port (a proxy in front of this database). */
    public String sqlDsnVia(String hostPort) {
        return switch (dialect) {
            case MYSQL -> "root:@tcp(" + hostPort + ")/" + name;
            case POSTGRES -> "postgres://postgres@" + hostPort + "/" + name + "?sslmode=disable";
            case SQLITE -> throw new IllegalStateException("SQLite has no network address");
        };
    }

    public Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(jdbcUrl, user, "");
        if (dialect == SourceDialect.SQLITE) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout=10000");
            }
        }
        return c;
    }

    /** Inserts rows in one transaction per call. */
    public void insert(List<TestLog> rows) throws SQLException {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            insert(c, rows);
            c.commit();
        }
    }

    /** Inserts rows on the given connection, leaving the transaction to the caller. */
    public void insert(Connection c, List<TestLog> rows) throws SQLException {
        boolean newApi = flavor == GatewayFlavor.NEW_API;
        String group = dialect == SourceDialect.MYSQL ? "`group`" : "\"group\"";
        String sql = newApi
                ? "INSERT INTO logs (user_id, created_at, type, content, username, token_name, model_name, quota, prompt_tokens, "
                + "completion_tokens, use_time, is_stream, channel_id, token_id, " + group + ", other) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
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

    /** Runs a statement on the database (deletions, odd values). */
    public int execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }

    /** Expected usage per "channel|model", computed by the database with GROUP BY. */
    public Map<String, Usage> usageByGroupBy(long afterId) throws SQLException {
        boolean newApi = flavor == GatewayFlavor.NEW_API;
        String usage = "type = 2 AND token_name <> '模型测试'";
        String settlement = newApi ? " AND NOT (prompt_tokens = 0 AND completion_tokens = 0 AND other LIKE '%\"task_id\"%')" : "";
        String sql = "SELECT channel_id, model_name,"
                + " SUM(CASE WHEN " + usage + settlement + " THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN " + usage + " THEN prompt_tokens ELSE 0 END),"
                + " SUM(CASE WHEN " + usage + " THEN completion_tokens ELSE 0 END),"
                + " SUM(CASE WHEN " + usage + " THEN quota " + (newApi ? "WHEN type = 6 THEN -quota " : "") + "ELSE 0 END),"
                + " SUM(CASE WHEN type = 5 " + (newApi ? "" : "AND 1 = 0 ") + "THEN 1 ELSE 0 END)"
                + " FROM logs WHERE id > " + afterId + " AND type IN (2, 5, 6) GROUP BY channel_id, model_name";
        Map<String, Usage> result = new TreeMap<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                Usage u = new Usage(rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7));
                if (!u.isZero()) {
                    result.put(rs.getLong(1) + "|" + rs.getString(2), u);
                }
            }
        }
        return result;
    }

    public long maxId() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM logs")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<String> ddl() {
        String resource = flavor == GatewayFlavor.NEW_API && dialect == SourceDialect.SQLITE
                ? "/io/tokenmonitor/exporter/demo/newapi-sqlite.sql"
                : "/gateway/" + (flavor == GatewayFlavor.NEW_API ? "newapi" : "oneapi") + "-"
                + dialect.name().toLowerCase(Locale.ROOT).replace("mysql", "mysql") + ".sql";
        try (InputStream in = GatewayDatabase.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no DDL " + resource);
            }
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "");
            return Arrays.stream(sql.split(";\\s*\\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws SQLException, IOException {
        switch (dialect) {
            case MYSQL -> {
                try (Connection c = DriverManager.getConnection(MARIADB_ADMIN_URL, "root", ""); Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + name);
                }
            }
            case POSTGRES -> {
                try (Connection c = DriverManager.getConnection(POSTGRES_ADMIN_URL, "postgres", ""); Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
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
