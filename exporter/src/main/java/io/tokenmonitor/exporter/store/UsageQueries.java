package io.tokenmonitor.exporter.store;

import java.util.HashMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Sums usage over spans of time from the rollups: whole UTC days from {@code usage_day}, the
 * minutes at either edge from {@code usage_minute} (per key, user or group: {@code usage_account_day} and
 * {@code usage_account_minute}). Exact for any span that starts and ends on a minute; a 30-day window
 * reads about 30 rows per series instead of 43,200.
 */
public final class UsageQueries {

    private static final long MINUTE = 60;
    private static final long DAY = 86_400;

    /** Which rows a sum covers; each variant has its own statement so SQLite can use its index. */
    public enum Filter {
        ALL("", false, false),
        CHANNEL(" AND channel_id = :key", false, false),
        MODEL(" AND model = :key", false, false),
        /** One API key ({@code token_id}, a decimal key). */
        TOKEN(" AND token_id = :key", true, true),
        /** One user ({@code user_id}, a decimal key). */
        USER(" AND user_id = :key", true, true),
        GROUP(" AND \"group\" = :key", true, false);

        private final String condition;
        private final boolean numericKey;
        private final String minuteSql;
        private final String daySql;

        Filter(String condition, boolean perAccount, boolean numericKey) {
            this.condition = condition;
            this.numericKey = numericKey;
            this.minuteSql = sum(perAccount ? "usage_account_minute" : "usage_minute", "minute", condition);
            this.daySql = sum(perAccount ? "usage_account_day" : "usage_day", "day", condition);
        }

        /**
         * The SQL condition ({@code AND ...}, with {@code :key}) that selects the rows; empty for all. The same
         * columns exist in the raw {@code logs} table.
         */
        String condition() {
            return condition;
        }

        /** The sum over the minutes at a window's edges, whose query plan must seek the scope's index. */
        String minuteSql() {
            return minuteSql;
        }

        /** Whether {@code :key} is bound as a number. */
        boolean numericKey() {
            return numericKey;
        }

        /** Binds {@code key} as {@code :key}: as a number for token_id and user_id, so SQLite uses the index. */
        void bindKey(org.jdbi.v3.core.statement.SqlStatement<?> statement, String key) {
            if (this == ALL) {
                return;
            }
            if (numericKey) {
                statement.bind("key", Long.parseLong(key));
            } else {
                statement.bind("key", key);
            }
        }

        private static String sum(String table, String timeColumn, String condition) {
            return "SELECT COALESCE(SUM(input_tokens + output_tokens), 0), COALESCE(SUM(requests), 0), COALESCE(SUM(quota), 0), "
                    + "COALESCE(SUM(errors), 0) "
                    + "FROM " + table + " WHERE " + timeColumn + " >= :from AND " + timeColumn + " < :to" + condition;
        }
    }

    /** What a sum per account groups by: every key, every user or every group. */
    public enum Per {
        TOKEN("token_id", " AND token_id <> 0"),
        USER("user_id", " AND user_id <> 0"),
        GROUP("\"group\"", " AND \"group\" <> ''");

        private final String sql;

        Per(String column, String knownOnly) {
            // The minute rollups: spend_anomaly's windows are short (24h at most).
            this.sql =
                    "SELECT " + column + ", SUM(quota) FROM usage_account_minute WHERE minute >= :from AND minute < :to"
                            + knownOnly + " GROUP BY " + column;
        }
    }

    private UsageQueries() {}

    /**
     * Net quota per key, user or group in {@code [startSeconds, endSeconds)}, both rounded down to the minute;
     * only those with rows in it (0 and the empty group, "no key", left out).
     */
    static Map<String, Long> netQuotaBy(Handle handle, Per per, long startSeconds, long endSeconds) {
        long start = Math.floorDiv(startSeconds, MINUTE) * MINUTE;
        long end = Math.floorDiv(endSeconds, MINUTE) * MINUTE + (endSeconds % MINUTE == 0 ? 0 : MINUTE);
        Map<String, Long> sums = new HashMap<>();
        handle.createQuery(per.sql)
                .bind("from", start)
                .bind("to", end)
                .map((rs, ctx) -> sums.put(rs.getString(1), rs.getLong(2)))
                .list();
        return sums;
    }

    /**
     * Usage in {@code [startSeconds, endSeconds)}; both are rounded down to the minute.
     *
     * @param key the channel id or model for {@link Filter#CHANNEL} and {@link Filter#MODEL}
     */
    static UsageSum between(Handle handle, Filter filter, String key, long startSeconds, long endSeconds) {
        long start = Math.floorDiv(startSeconds, MINUTE) * MINUTE;
        long end = Math.floorDiv(endSeconds, MINUTE) * MINUTE + (endSeconds % MINUTE == 0 ? 0 : MINUTE);
        if (end <= start) {
            return UsageSum.ZERO;
        }
        long firstWholeDay = Math.floorDiv(start + DAY - 1, DAY) * DAY;
        long lastWholeDay = Math.floorDiv(end, DAY) * DAY;
        if (firstWholeDay >= lastWholeDay) {
            return query(handle, filter, filter.minuteSql, key, start, end);
        }
        return query(handle, filter, filter.minuteSql, key, start, firstWholeDay)
                .plus(query(handle, filter, filter.daySql, key, firstWholeDay, lastWholeDay))
                .plus(query(handle, filter, filter.minuteSql, key, lastWholeDay, end));
    }

    private static UsageSum query(Handle handle, Filter filter, String sql, String key, long from, long to) {
        if (from >= to) {
            return UsageSum.ZERO;
        }
        var query = handle.createQuery(sql).bind("from", from).bind("to", to);
        filter.bindKey(query, key);
        return query.map((rs, ctx) -> new UsageSum(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                .one();
    }
}
