package io.tokenmonitor.e2e.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A New API gateway database for a test: a uniquely named MariaDB database on 127.0.0.1:3306
 * (root, empty password) created with New API's own DDL ({@code gateway/newapi-mysql.sql}: logs,
 * channels, abilities, options), dropped on close.
 */
public final class MariaDbGateway implements AutoCloseable {
    public static final String ADMIN_URL = "jdbc:mysql://127.0.0.1:3306/?allowPublicKeyRetrieval=true&useSSL=false";
    private static final String DDL = "/gateway/newapi-mysql.sql";

    private final String name;
    private final String jdbcUrl;

    private MariaDbGateway(String name) {
        this.name = name;
        this.jdbcUrl = "jdbc:mysql://127.0.0.1:3306/" + name + "?allowPublicKeyRetrieval=true&useSSL=false";
    }

    /** Creates the database and New API's tables. */
    public static MariaDbGateway create() {
        String name = "tm_e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(ADMIN_URL, "root", ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        } catch (SQLException e) {
            throw new IllegalStateException("MariaDB on 127.0.0.1:3306 (root, no password) is needed: " + e.getMessage(), e);
        }
        MariaDbGateway db = new MariaDbGateway(name);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String statement : ddl()) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            db.close();
            throw new IllegalStateException("creating New API's tables failed: " + e.getMessage(), e);
        }
        return db;
    }

    /** The DSN in New API's own format, as an operator puts it in SQL_DSN. */
    public String sqlDsn() {
        return "root:@tcp(127.0.0.1:3306)/" + name + "?charset=utf8mb4&parseTime=True&loc=Local";
    }

    public String name() {
        return name;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, "root", "");
    }

    /** An enabled channel (status 1) with one enabled ability per model in group {@code default}. */
    public void addChannel(long id, String channelName, List<String> models) {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO channels (id, type, `key`, status, name, created_time, models, `group`, other_info)"
                    + " VALUES (?, 1, 'sk-e2e', 1, ?, UNIX_TIMESTAMP(), ?, 'default', '{}')")) {
                ps.setLong(1, id);
                ps.setString(2, channelName);
                ps.setString(3, String.join(",", models));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO abilities (`group`, model, channel_id, enabled, priority, weight) VALUES ('default', ?, ?, 1, 0, 0)")) {
                for (String model : models) {
                    ps.setString(1, model);
                    ps.setLong(2, id);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("adding channel " + id + " failed: " + e.getMessage(), e);
        }
    }

    /** Consume rows (type 2) as New API writes them, one per request, all at {@code createdAt}. */
    public void addConsumeLogs(long channelId, String model, int requests, long promptTokens, long completionTokens, long createdAt) {
        String sql = "INSERT INTO logs (user_id, created_at, type, content, username, token_name, model_name, quota, prompt_tokens,"
                + " completion_tokens, use_time, is_stream, channel_id, token_id, `group`, other) VALUES (1,?,2,'',"
                + "'e2e','e2e-token',?,?,?,?,2,0,?,1,'default','{}')";
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < requests; i++) {
                ps.setLong(1, createdAt);
                ps.setString(2, model);
                ps.setLong(3, promptTokens + completionTokens);
                ps.setLong(4, promptTokens);
                ps.setLong(5, completionTokens);
                ps.setLong(6, channelId);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("inserting logs failed: " + e.getMessage(), e);
        }
    }

    /** {@code channels.status} of a channel. */
    public int channelStatus(long channelId) {
        return queryInts("SELECT status FROM channels WHERE id = " + channelId).get(0);
    }

    /** {@code abilities.enabled} of every ability row of a channel (1 or 0). */
    public List<Integer> abilitiesEnabled(long channelId) {
        return queryInts("SELECT CAST(enabled AS SIGNED) FROM abilities WHERE channel_id = " + channelId + " ORDER BY model");
    }

    private List<Integer> queryInts(String sql) {
        List<Integer> out = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static List<String> ddl() {
        try (InputStream in = MariaDbGateway.class.getResourceAsStream(DDL)) {
            if (in == null) {
                throw new IllegalStateException("no DDL " + DDL + " on the test class path");
            }
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "");
            return Arrays.stream(sql.split(";\\s*\\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, "root", ""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("dropping " + name + " failed: " + e.getMessage(), e);
        }
    }
}
