package io.tokenmonitor.exporter.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A New API database in a SQLite file, with New API's own tables and a handful of channels, so the
 * exporter can be tried with no gateway at hand. Reused when it already exists.
 */
public final class DemoGateway {

    /** A demo channel: id, name, New API channel type, models it serves. */
    record Channel(int id, String name, int type, List<String> models, double balanceUsd, String tag) {}

    static final List<Channel> CHANNELS = List.of(
            new Channel(1, "OpenAI 主力", 1, List.of("gpt-4o", "gpt-4o-mini", "o3-mini"), 812.40, "openai"),
            new Channel(2, "Azure 备用", 3, List.of("gpt-4o", "gpt-4o-mini"), 0, "openai"),
            new Channel(3, "Claude 官方", 14, List.of("claude-sonnet-4-5", "claude-haiku-4-5"), 245.10, "anthropic"),
            new Channel(4, "Gemini", 24, List.of("gemini-2.5-pro", "gemini-2.5-flash"), 0, "google"),
            new Channel(5, "DeepSeek", 43, List.of("deepseek-chat", "deepseek-reasoner"), 58.75, "deepseek"),
            new Channel(6, "中转-低价", 1, List.of("gpt-4o-mini", "claude-haiku-4-5", "deepseek-chat"), 12.30, "relay"));

    /** A demo key: a few are low on quota, two expire soon, one each disabled, exhausted and deleted. */
    record DemoToken(
            int id,
            int userId,
            String name,
            int status,
            double remainUsd,
            double usedUsd,
            boolean unlimited,
            long expiresInHours,
            boolean deleted) {}

    /** A demo user; ids as TrafficSimulator writes them into logs.user_id. */
    record DemoUser(int id, String username, int role, int status, String group, double quotaUsd, double usedUsd) {}

    static final List<DemoUser> USERS = List.of(
            new DemoUser(1, "alice", 100, 1, "default", 500, 120),
            new DemoUser(2, "bob", 1, 1, "default", 0.40, 80),
            new DemoUser(3, "研发组", 1, 1, "vip", 2000, 640),
            new DemoUser(4, "ops-bot", 1, 1, "default", 15, 300),
            new DemoUser(5, "carol", 1, 2, "default", 50, 10));

    /** Ids 1..4 are the keys TrafficSimulator writes into logs.token_id / token_name. */
    static final List<DemoToken> TOKENS = List.of(
            new DemoToken(1, 1, "default", 1, 250, 40, false, -1, false),
            new DemoToken(2, 4, "ci-pipeline", 1, 0.60, 59.40, false, -1, false),
            new DemoToken(3, 3, "生产环境", 1, 0, 900, true, 48, false),
            new DemoToken(4, 2, "notebook", 1, 8, 92, false, -1, false),
            new DemoToken(5, 5, "old-laptop", 2, 20, 5, false, -1, false),
            new DemoToken(6, 5, "trial", 4, 0, 5, false, -1, false),
            new DemoToken(7, 1, "revoked", 1, 1, 0, false, -1, true),
            new DemoToken(8, 2, "staging", 1, 30, 12, false, 20, false));

    private static final double QUOTA_PER_USD = 500_000;
    private static final long HOUR = 3_600;

    private final Path file;

    private DemoGateway(Path file) {
        this.file = file;
    }

    /** Creates the database with New API's schema and the demo channels, unless it exists already. */
    public static DemoGateway createOrReuse(Path file) {
        boolean exists = Files.exists(file);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("DEMO_PATH: cannot create the directory of " + file, e);
        }
        DemoGateway gateway = new DemoGateway(file);
        if (!exists) {
            try (Connection c = gateway.connect();
                    Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                c.setAutoCommit(false);
                for (String statement : schema()) {
                    s.execute(statement);
                }
                gateway.insertChannels(c);
                s.execute("INSERT INTO options (key, value) VALUES ('QuotaPerUnit', '500000')");
                c.commit();
            } catch (SQLException e) {
                throw new IllegalStateException(
                        "demo: cannot create the demo gateway database " + file + ": " + e.getMessage(), e);
            }
        }
        try (Connection c = gateway.connect()) {
            gateway.keepAccounts(c);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "demo: cannot add the demo keys and users to " + file + ": " + e.getMessage(), e);
        }
        return gateway;
    }

    /**
     * Adds the keys and users to a demo database made before it had them, and moves the expiring keys' expiry to
     * the same distance from now on every start, so the demo always shows keys about to expire.
     */
    private void keepAccounts(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            boolean has;
            try (var rs =
                    s.executeQuery("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'tokens'")) {
                has = rs.next() && rs.getInt(1) == 1;
            }
            if (!has) {
                for (String statement : schema()) {
                    if (statement.matches("(?s).*ON `(tokens|users)`.*|(?s)CREATE TABLE `(tokens|users)`.*")) {
                        s.execute(statement);
                    }
                }
            }
            boolean empty;
            try (var rs = s.executeQuery("SELECT COUNT(*) FROM tokens")) {
                empty = rs.next() && rs.getInt(1) == 0;
            }
            if (empty) {
                insertAccounts(c);
            }
        }
        long now = System.currentTimeMillis() / 1000;
        try (PreparedStatement expiry = c.prepareStatement("UPDATE tokens SET expired_time = ? WHERE id = ?")) {
            for (DemoToken t : TOKENS) {
                if (t.expiresInHours() > 0) {
                    expiry.setLong(1, now + t.expiresInHours() * HOUR);
                    expiry.setInt(2, t.id());
                    expiry.addBatch();
                }
            }
            expiry.executeBatch();
        }
        c.commit();
    }

    private static void insertAccounts(Connection c) throws SQLException {
        long now = System.currentTimeMillis() / 1000;
        String userSql = "INSERT INTO users (id, username, password, display_name, role, status, quota, used_quota,"
                + " request_count, \"group\", created_at) VALUES (?, ?, 'demo-not-a-password', ?, ?, ?, ?, ?, 0, ?, ?)";
        String tokenSql =
                "INSERT INTO tokens (id, user_id, key, status, name, created_time, accessed_time, expired_time,"
                        + " remain_quota, unlimited_quota, used_quota, \"group\", deleted_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, -1, ?, ?, ?, '', ?)";
        try (PreparedStatement user = c.prepareStatement(userSql);
                PreparedStatement token = c.prepareStatement(tokenSql)) {
            for (DemoUser u : USERS) {
                user.setInt(1, u.id());
                user.setString(2, u.username());
                user.setString(3, u.username());
                user.setInt(4, u.role());
                user.setInt(5, u.status());
                user.setLong(6, Math.round(u.quotaUsd() * QUOTA_PER_USD));
                user.setLong(7, Math.round(u.usedUsd() * QUOTA_PER_USD));
                user.setString(8, u.group());
                user.setLong(9, now - 30 * 24 * HOUR);
                user.addBatch();
            }
            for (DemoToken t : TOKENS) {
                token.setInt(1, t.id());
                token.setInt(2, t.userId());
                token.setString(3, "sk-demo-not-a-real-key-" + t.id());
                token.setInt(4, t.status());
                token.setString(5, t.name());
                token.setLong(6, now - 20 * 24 * HOUR);
                token.setLong(7, now - HOUR);
                token.setLong(8, Math.round(t.remainUsd() * QUOTA_PER_USD));
                token.setBoolean(9, t.unlimited());
                token.setLong(10, Math.round(t.usedUsd() * QUOTA_PER_USD));
                token.setString(11, t.deleted() ? "2026-01-01 00:00:00" : null);
                token.addBatch();
            }
            user.executeBatch();
            token.executeBatch();
        }
    }

    public Path file() {
        return file;
    }

    Connection connect() throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
        }
        return connection;
    }

    private void insertChannels(Connection c) throws SQLException {
        String channelSql =
                "INSERT INTO channels (id, type, key, status, name, created_time, response_time, balance, models, \"group\", tag) "
                        + "VALUES (?, ?, ?, 1, ?, strftime('%s','now'), ?, ?, ?, 'default', ?)";
        String abilitySql =
                "INSERT INTO abilities (\"group\", model, channel_id, enabled, priority, weight, tag) VALUES ('default', ?, ?, 1, 0, 0, ?)";
        try (PreparedStatement channel = c.prepareStatement(channelSql);
                PreparedStatement ability = c.prepareStatement(abilitySql)) {
            for (Channel ch : CHANNELS) {
                channel.setInt(1, ch.id());
                channel.setInt(2, ch.type());
                channel.setString(3, "sk-demo-not-a-real-key-" + ch.id());
                channel.setString(4, ch.name());
                channel.setInt(5, 400 + 150 * ch.id());
                channel.setDouble(6, ch.balanceUsd());
                channel.setString(7, String.join(",", ch.models()));
                channel.setString(8, ch.tag());
                channel.addBatch();
                for (String model : ch.models()) {
                    ability.setString(1, model);
                    ability.setInt(2, ch.id());
                    ability.setString(3, ch.tag());
                    ability.addBatch();
                }
            }
            channel.executeBatch();
            ability.executeBatch();
        }
    }

    private static List<String> schema() {
        try (InputStream in = DemoGateway.class.getResourceAsStream("newapi-sqlite.sql")) {
            if (in == null) {
                throw new IllegalStateException("newapi-sqlite.sql is missing from the jar");
            }
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "");
            return java.util.Arrays.stream(sql.split(";\\s*\\n"))
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
