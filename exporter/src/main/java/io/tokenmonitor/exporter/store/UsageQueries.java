package io.tokenmonitor.exporter.store;

import org.jdbi.v3.core.Handle;

/**
 * Sums usage over spans of time from the rollups: whole UTC days from {@code usage_day}, the
 * minutes at either edge from {@code usage_minute}. Exact for any span that starts and ends on a
 * minute; a 30-day window reads about 30 rows per series instead of 43,200.
 */
public final class UsageQueries {

    private static final long MINUTE = 60;
    private static final long DAY = 86_400;

    /** Which rows a sum covers; each variant has its own statement so SQLite can use its index. */
    public enum Filter {
        ALL(""),
        CHANNEL(" AND channel_id = :key"),
        MODEL(" AND model = :key");

        private final String condition;
        private final String minuteSql;
        private final String daySql;

        Filter(String condition) {
            this.condition = condition;
            this.minuteSql = sum("usage_minute", "minute", condition);
            this.daySql = sum("usage_day", "day", condition);
        }

        /** The SQL condition ({@code AND ...}, with {@code :key}) that selects the rows; empty for all. */
        String condition() {
            return condition;
        }

        private static String sum(String table, String timeColumn, String condition) {
            return "SELECT COALESCE(SUM(input_tokens + output_tokens), 0), COALESCE(SUM(requests), 0), COALESCE(SUM(quota), 0), "
                    + "COALESCE(SUM(errors), 0) "
                    + "FROM " + table + " WHERE " + timeColumn + " >= :from AND " + timeColumn + " < :to" + condition;
        }
    }

    private UsageQueries() {}

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
            return query(handle, filter.minuteSql, key, start, end);
        }
        return query(handle, filter.minuteSql, key, start, firstWholeDay)
                .plus(query(handle, filter.daySql, key, firstWholeDay, lastWholeDay))
                .plus(query(handle, filter.minuteSql, key, lastWholeDay, end));
    }

    private static UsageSum query(Handle handle, String sql, String key, long from, long to) {
        if (from >= to) {
            return UsageSum.ZERO;
        }
        var query = handle.createQuery(sql).bind("from", from).bind("to", to);
        if (sql.contains(":key")) {
            query.bind("key", key);
        }
        return query.map((rs, ctx) -> new UsageSum(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                .one();
    }
}
