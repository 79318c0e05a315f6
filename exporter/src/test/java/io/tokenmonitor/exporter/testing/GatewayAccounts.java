package io.tokenmonitor.exporter.testing;

import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.sqlite.SqlScript;
import io.tokenmonitor.common.testing.GatewayDatabase;
import io.tokenmonitor.common.testing.GatewayDatabase.Flavor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * The gateway's {@code tokens} and {@code users} tables in a {@link GatewayDatabase}, as New API's or One API's GORM
 * creates them ({@code /gateway-accounts/*.sql}; the common fixture has logs, channels, abilities and options only),
 * with rows holding real-looking secrets, and the column grants the README documents for the exporter.
 */
public final class GatewayAccounts {

    /** Secrets put in every row: a test that finds one of them anywhere the exporter wrote has found a leak. */
    public static final String KEY = "sk-live-SECRET-key";

    public static final String PASSWORD = "$2a$10$SECRET-password-hash";
    public static final String ACCESS_TOKEN = "SECRET-access-token-0123456789ab";
    public static final String EMAIL = "secret-person@example.com";

    private final GatewayDatabase db;

    private GatewayAccounts(GatewayDatabase db) {
        this.db = db;
    }

    /** Creates the two tables in {@code db}. */
    public static GatewayAccounts create(GatewayDatabase db) throws SQLException {
        String resource = "/gateway-accounts/" + (db.flavor() == Flavor.NEW_API ? "newapi" : "oneapi") + "-"
                + db.dialect().label() + ".sql";
        try (InputStream in = GatewayAccounts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no DDL " + resource);
            }
            db.execute(SqlScript.statements(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .toArray(String[]::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new GatewayAccounts(db);
    }

    /**
     * Exactly the column grants the README documents (SELECT on these columns and nothing else of the two tables):
     * no {@code tokens.key}, {@code users.password}, {@code users.access_token} or {@code users.email}.
     */
    public Map<String, List<String>> documentedGrants() {
        String group = quote("group");
        String tokens = db.flavor() == Flavor.NEW_API
                ? "SELECT (id, user_id, name, status, remain_quota, used_quota, unlimited_quota, created_time,"
                        + " accessed_time, expired_time, " + group + ", deleted_at)"
                : "SELECT (id, user_id, name, status, remain_quota, used_quota, unlimited_quota, created_time,"
                        + " accessed_time, expired_time)";
        String users = "SELECT (id, username, role, status, " + group + ", quota, used_quota, request_count"
                + (db.flavor() == Flavor.NEW_API ? ", deleted_at)" : ")");
        return Map.of("tokens", List.of(tokens), "users", List.of(users));
    }

    /** A key with a secret in its {@code key} column. */
    public void addToken(
            long id,
            long userId,
            String name,
            int status,
            String group,
            long remainQuota,
            long usedQuota,
            boolean unlimited,
            long expiredTime,
            boolean deleted)
            throws SQLException {
        boolean newApi = db.flavor() == Flavor.NEW_API;
        String sql = "INSERT INTO tokens (id, user_id, " + quote("key") + ", status, name, created_time, accessed_time,"
                + " expired_time, remain_quota, unlimited_quota, used_quota"
                + (newApi ? ", " + quote("group") + ", deleted_at" : "") + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
                + (newApi ? ", ?, " + (deleted ? "CURRENT_TIMESTAMP" : "NULL") : "") + ")";
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            ps.setLong(2, userId);
            ps.setString(3, KEY + "-" + id);
            ps.setInt(4, status);
            ps.setString(5, name);
            ps.setLong(6, 1_700_000_000L + id);
            ps.setLong(7, 1_700_000_100L + id);
            ps.setLong(8, expiredTime);
            ps.setLong(9, remainQuota);
            ps.setBoolean(10, unlimited);
            ps.setLong(11, usedQuota);
            if (newApi) {
                ps.setString(12, group);
            }
            ps.executeUpdate();
        }
    }

    /** A user with a password, access token and e-mail. */
    public void addUser(long id, String username, int status, String group, long quota, long usedQuota, boolean deleted)
            throws SQLException {
        boolean newApi = db.flavor() == Flavor.NEW_API;
        String sql = "INSERT INTO users (id, username, password, display_name, role, status, email, access_token,"
                + " quota, used_quota, request_count, " + quote("group") + (newApi ? ", deleted_at" : "")
                + ") VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?"
                + (newApi ? ", " + (deleted ? "CURRENT_TIMESTAMP" : "NULL") : "")
                + ")";
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            ps.setString(2, username);
            ps.setString(3, PASSWORD);
            ps.setString(4, username.toUpperCase(java.util.Locale.ROOT));
            ps.setInt(5, status);
            ps.setString(6, id + EMAIL);
            ps.setString(7, ACCESS_TOKEN.substring(0, 30) + (id % 100 < 10 ? "0" : "") + id % 100);
            ps.setLong(8, quota);
            ps.setLong(9, usedQuota);
            ps.setLong(10, 10 * id);
            ps.setString(11, group);
            ps.executeUpdate();
        }
    }

    /** Many keys in one transaction (for the 100,000-key measurement): key i belongs to user i % users + 1. */
    public void addManyTokens(int count, int users, long remainQuota) throws SQLException {
        String sql = "INSERT INTO tokens (id, user_id, " + quote("key") + ", status, name, created_time, accessed_time,"
                + " expired_time, remain_quota, unlimited_quota, used_quota) VALUES (?, ?, ?, 1, ?, 1700000000, 0, -1, ?, ?, ?)";
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 1; i <= count; i++) {
                    ps.setLong(1, i);
                    ps.setLong(2, i % users + 1);
                    ps.setString(3, KEY + "-" + i);
                    ps.setString(4, "key-" + i);
                    // every tenth key is low: remaining falls with the id
                    ps.setLong(5, i % 10 == 0 ? i : remainQuota);
                    ps.setBoolean(6, false);
                    ps.setLong(7, 1000);
                    ps.addBatch();
                    if (i % 5000 == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }

    /** Runs statements as the administrator. */
    public void execute(String... sql) throws SQLException {
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    public String quote(String identifier) {
        return db.dialect() == Dialect.MYSQL ? "`" + identifier + "`" : "\"" + identifier + "\"";
    }
}
