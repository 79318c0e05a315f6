package io.tokenmonitor.exporter.store;

import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.LogRow;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** The store's {@code logs} table: raw rows for the log views, kept for the retention period. */
final class RawLogRepository {

    private static final String INSERT = """
            INSERT OR IGNORE INTO logs (id, created_at, type, kind, channel_id, model, token_name, username, user_id, "group",
                prompt_tokens, completion_tokens, cache_read_tokens, cache_write_tokens, quota, use_time_seconds,
                ttft_seconds, is_stream, status_class, request_id, ip, content, other, channel_name, token_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """;
    private static final String CHANNEL_NAMES = "SELECT id, name FROM channels";
    private static final String PRUNE = """
            DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE created_at < :cutoff LIMIT :limit)
            """;

    /**
     * Inserts the rows; an id already stored is left as it is.
     *
     * @return per row, whether it was new
     */
    boolean[] insert(Handle handle, List<ClassifiedRow> rows) {
        boolean[] inserted = new boolean[rows.size()];
        if (rows.isEmpty()) {
            return inserted;
        }
        // The channel names once per batch (a few dozen rows) instead of a subquery per row; same transaction, same
        // names.
        Map<String, String> channelNames = new HashMap<>();
        try (PreparedStatement names = handle.getConnection().prepareStatement(CHANNEL_NAMES);
                ResultSet rs = names.executeQuery()) {
            while (rs.next()) {
                channelNames.put(rs.getString(1), rs.getString(2));
            }
        } catch (SQLException e) {
            throw new StoreException("reading channel names failed", e);
        }
        // Plain JDBC: every synced row passes here, and Jdbi's per-value binding costs more than SQLite's insert.
        try (PreparedStatement ps = handle.getConnection().prepareStatement(INSERT)) {
            for (ClassifiedRow c : rows) {
                LogRow r = c.row();
                ps.setLong(1, r.id());
                ps.setLong(2, r.createdAt());
                ps.setInt(3, r.type());
                ps.setString(4, c.kind().storeName());
                ps.setString(5, c.channelId());
                ps.setString(6, c.model());
                ps.setString(7, r.tokenName());
                ps.setString(8, r.username());
                ps.setLong(9, r.userId());
                ps.setString(10, r.group());
                ps.setLong(11, r.promptTokens());
                ps.setLong(12, r.completionTokens());
                ps.setLong(13, c.cacheReadTokens());
                ps.setLong(14, c.cacheWriteTokens());
                ps.setLong(15, r.quota());
                setNullable(ps, 16, c.durationSeconds());
                setNullable(ps, 17, c.ttftSeconds());
                ps.setInt(18, r.stream() ? 1 : 0);
                ps.setString(19, c.statusClass());
                ps.setString(20, r.requestId());
                ps.setString(21, r.ip());
                ps.setString(22, r.content());
                ps.setString(23, r.other());
                ps.setString(24, channelNames.get(c.channelId()));
                ps.setLong(25, r.tokenId());
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            for (int i = 0; i < counts.length; i++) {
                inserted[i] = counts[i] > 0;
            }
            return inserted;
        } catch (SQLException e) {
            throw new StoreException("writing raw log rows failed", e);
        }
    }

    /** Deletes up to {@code limit} rows created before {@code cutoffSeconds}; returns how many. */
    int prune(Handle handle, long cutoffSeconds, int limit) {
        return handle.createUpdate(PRUNE)
                .bind("cutoff", cutoffSeconds)
                .bind("limit", limit)
                .execute();
    }

    /**
     * The request rows with a value in {@code column} created in {@code [from, to)}, and the nearest-rank 95th
     * percentile of the values, exact from the raw rows.
     */
    LatencySample latency(
            Handle handle, LatencyColumn column, UsageQueries.Filter filter, String key, long from, long to) {
        String where = " FROM logs WHERE kind = 'request' AND " + column.column() + " IS NOT NULL"
                + " AND created_at >= :from AND created_at < :to" + filter.condition();
        var count =
                handle.createQuery("SELECT COUNT(*)" + where).bind("from", from).bind("to", to);
        filter.bindKey(count, key);
        long n = count.mapTo(Long.class).one();
        if (n == 0) {
            return new LatencySample(0, Double.NaN);
        }
        long rank = (95 * n + 99) / 100; // ⌈0.95·n⌉ in integers: 0.95 * 20 is not 19 in doubles
        var value = handle.createQuery("SELECT " + column.column() + where + " ORDER BY " + column.column()
                        + " LIMIT 1 OFFSET :offset")
                .bind("from", from)
                .bind("to", to)
                .bind("offset", rank - 1);
        filter.bindKey(value, key);
        return new LatencySample(n, value.mapTo(Double.class).one());
    }

    private static void setNullable(PreparedStatement ps, int index, double value) throws SQLException {
        if (Double.isNaN(value)) {
            ps.setNull(index, Types.REAL);
        } else {
            ps.setDouble(index, value);
        }
    }
}
