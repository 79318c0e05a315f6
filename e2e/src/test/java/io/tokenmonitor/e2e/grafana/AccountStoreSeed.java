package io.tokenmonitor.e2e.grafana;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Fills the store's account tables of migrations V006/V007 (tokens, users, usage_account_minute,
 * usage_account_day, logs.token_id) from the demo's own rows, but only those the running exporter
 * left empty: an exporter that reads keys and users and keeps the account rollups itself is checked
 * as it is, an older one gets what it would have written. The demo names its keys and users by
 * position (TrafficSimulator: token_id = position in TOKENS + 1, user_id = position in USERS + 1).
 */
final class AccountStoreSeed {
    static final List<String> TOKENS = List.of("default", "ci-pipeline", "生产环境", "notebook");
    static final List<String> USERS = List.of("alice", "bob", "研发组", "ops-bot", "carol");
    /** The user of key i + 1: never user i + 1, so a filter that mixes key and user ids up finds another key. */
    static final List<Integer> USER_OF_TOKEN = List.of(3, 4, 5, 2);

    private AccountStoreSeed() {}

    /** What was seeded, for the test log. */
    static List<String> seed(Path store) throws SQLException {
        List<String> seeded = new java.util.ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store);
                Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 30000");
            if (empty(s, "SELECT COUNT(*) FROM users")) {
                for (int i = 0; i < USERS.size(); i++) {
                    // user 5 (carol) is disabled, user 4 (ops-bot) an admin: the status and role columns show both
                    s.executeUpdate("INSERT INTO users (id, username, display_name, role, status, \"group\", quota,"
                            + " used_quota, request_count, deleted) VALUES (" + (i + 1) + ", '" + USERS.get(i)
                            + "', '', " + (i == 3 ? 10 : 1) + ", " + (i == 4 ? 2 : 1) + ", '"
                            + (i == 1 ? "vip" : "default") + "', " + (i + 1) * 2_500_000L + ", " + (i + 1) * 400_000L
                            + ", " + (i + 1) * 100 + ", 0)");
                }
                seeded.add("users");
            }
            if (empty(s, "SELECT COUNT(*) FROM tokens")) {
                long now = System.currentTimeMillis() / 1000;
                for (int i = 0; i < TOKENS.size(); i++) {
                    // key 1 unlimited and never expiring, key 3 exhausted, key 4 expiring in a day
                    s.executeUpdate(
                            "INSERT INTO tokens (id, user_id, name, status, \"group\", remain_quota, used_quota,"
                                    + " unlimited_quota, created_time, accessed_time, expired_time, deleted) VALUES ("
                                    + (i + 1) + ", " + USER_OF_TOKEN.get(i) + ", '" + TOKENS.get(i) + "', "
                                    + (i == 2 ? 4 : 1)
                                    + ", 'default', "
                                    + (i == 2 ? 0 : 210_000L * (i + 1)) + ", " + 1_000_000L * (i + 1) + ", "
                                    + (i == 0 ? 1 : 0)
                                    + ", " + (now - 86_400 * 30) + ", " + (now - 60) + ", "
                                    + (i == 3 ? now + 86_400 : -1)
                                    + ", 0)");
                }
                // a deleted key the tables must not show
                s.executeUpdate("INSERT INTO tokens (id, user_id, name, status, \"group\", remain_quota, used_quota,"
                        + " unlimited_quota, created_time, accessed_time, expired_time, deleted)"
                        + " VALUES (99, 1, 'deleted-key', 1, 'default', 0, 0, 0, 0, 0, -1, 1)");
                seeded.add("tokens");
            }
            if (empty(s, "SELECT COUNT(*) FROM logs WHERE token_id > 0")) {
                s.executeUpdate("UPDATE logs SET token_id = (SELECT t.id FROM tokens t WHERE t.name = logs.token_name"
                        + " AND t.deleted = 0 LIMIT 1) WHERE token_id IS NULL AND kind <> 'channel_test'");
                seeded.add("logs.token_id");
            }
            String sums =
                    "SUM(CASE WHEN kind = 'request' THEN 1 ELSE 0 END), SUM(CASE WHEN kind = 'error' THEN 1 ELSE 0 END),"
                            + " SUM(CASE WHEN kind = 'request' THEN prompt_tokens ELSE 0 END),"
                            + " SUM(CASE WHEN kind = 'request' THEN completion_tokens ELSE 0 END),"
                            + " SUM(CASE WHEN kind = 'request' THEN cache_read_tokens ELSE 0 END),"
                            + " SUM(CASE WHEN kind IN ('request', 'settlement') THEN quota WHEN kind = 'refund' THEN -quota ELSE 0 END),"
                            + " SUM(CASE WHEN kind IN ('request', 'settlement') THEN quota ELSE 0 END),"
                            + " SUM(CASE WHEN kind = 'refund' THEN quota ELSE 0 END)";
            String columns = "token_id, user_id, \"group\", requests, errors, input_tokens, output_tokens,"
                    + " cache_read_tokens, quota, quota_consumed, quota_refunded";
            if (empty(s, "SELECT COUNT(*) FROM usage_account_minute")) {
                s.executeUpdate(
                        "INSERT INTO usage_account_minute (minute, " + columns + ") SELECT created_at / 60 * 60,"
                                + " COALESCE(token_id, 0), user_id, \"group\", " + sums + " FROM logs"
                                + " GROUP BY created_at / 60 * 60, COALESCE(token_id, 0), user_id, \"group\"");
                seeded.add("usage_account_minute");
            }
            if (empty(s, "SELECT COUNT(*) FROM usage_account_day")) {
                s.executeUpdate(
                        "INSERT INTO usage_account_day (day, " + columns + ") SELECT created_at / 86400 * 86400,"
                                + " COALESCE(token_id, 0), user_id, \"group\", " + sums + " FROM logs"
                                + " GROUP BY created_at / 86400 * 86400, COALESCE(token_id, 0), user_id, \"group\"");
                seeded.add("usage_account_day");
            }
        }
        return seeded;
    }

    private static boolean empty(Statement s, String countQuery) throws SQLException {
        try (ResultSet rs = s.executeQuery(countQuery)) {
            return rs.next() && rs.getLong(1) == 0;
        }
    }
}
