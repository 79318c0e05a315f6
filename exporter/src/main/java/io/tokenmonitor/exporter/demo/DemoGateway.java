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
        return gateway;
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
