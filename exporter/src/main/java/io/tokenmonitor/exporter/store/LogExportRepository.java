package io.tokenmonitor.exporter.store;

import io.tokenmonitor.exporter.model.LogCells;
import io.tokenmonitor.exporter.model.LogFilter;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The Logs dashboard's table as an export: the same columns (and the row's type, user id and time in UTC), the same
 * conditions as its SQL, every matching row, streamed from SQLite's cursor one row at a time.
 */
final class LogExportRepository {
    /** The export's columns, in order. */
    static final List<String> COLUMNS = List.of(
            "id",
            "created_at",
            "time_utc",
            "type",
            "kind",
            "channel_id",
            "channel_name",
            "model",
            "token_id",
            "token_name",
            "user_id",
            "username",
            "group",
            "prompt_tokens",
            "completion_tokens",
            "cache_read_tokens",
            "cache_write_tokens",
            "quota",
            "cost_usd",
            "use_time_seconds",
            "ttft_seconds",
            "is_stream",
            "status_class",
            "request_id",
            "ip",
            "content",
            "other");

    // The cost exactly as the Logs dashboard's table computes it (docs/store.md).
    private static final String SELECT = """
            SELECT id, created_at, type, kind, channel_id, channel_name, model, token_id, token_name, user_id, username,
              "group", prompt_tokens, completion_tokens, cache_read_tokens, cache_write_tokens, quota,
              ROUND((CASE WHEN kind IN ('request', 'settlement') THEN quota WHEN kind = 'refund' THEN -quota ELSE 0 END)
                * 1.0 / (SELECT quota_per_unit FROM gateway_options), 6) AS cost_usd,
              use_time_seconds, ttft_seconds, is_stream, status_class, request_id, ip, content, other
            FROM logs WHERE 1 = 1""";

    /** Calls {@code cells} for each matching row, in order; returns how many. */
    long export(Handle handle, LogFilter filter, LogCells cells) throws IOException {
        StringBuilder sql = new StringBuilder(SELECT);
        List<Object> args = new ArrayList<>();
        filter.fromSeconds().ifPresent(from -> {
            sql.append(" AND created_at >= ?");
            args.add(from);
        });
        filter.toSeconds().ifPresent(to -> {
            sql.append(" AND created_at < ?");
            args.add(to);
        });
        in(sql, args, "channel_id", filter.channelIds());
        in(sql, args, "model", filter.models());
        in(sql, args, "kind", filter.kinds());
        filter.tokenName().ifPresent(v -> equal(sql, args, "token_name", v));
        filter.username().ifPresent(v -> equal(sql, args, "username", v));
        // As the dashboard: the id compared as text, so "007" finds nothing.
        filter.tokenId().ifPresent(v -> equal(sql, args, "CAST(token_id AS TEXT)", v));
        filter.group().ifPresent(v -> equal(sql, args, "\"group\"", v));
        filter.search().ifPresent(q -> {
            sql.append(" AND (instr(content, ?) > 0 OR instr(other, ?) > 0 OR request_id = ? OR ip = ?"
                    + " OR instr(model, ?) > 0 OR CAST(id AS TEXT) = ?)");
            for (int i = 0; i < 6; i++) {
                args.add(q);
            }
        });
        sql.append(filter.oldestFirst() ? " ORDER BY id ASC" : " ORDER BY id DESC");
        filter.limit().ifPresent(limit -> {
            sql.append(" LIMIT ?");
            args.add(limit);
        });
        long rows = 0;
        try (PreparedStatement ps = handle.getConnection().prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                String[] row = new String[COLUMNS.size()];
                while (rs.next()) {
                    read(rs, row);
                    cells.row(row);
                    rows++;
                }
            }
        } catch (SQLException e) {
            throw new StoreException("reading log rows for an export failed", e);
        }
        return rows;
    }

    private static void read(ResultSet rs, String[] row) throws SQLException {
        long createdAt = rs.getLong("created_at");
        int c = 0;
        row[c++] = text(rs, "id");
        row[c++] = Long.toString(createdAt);
        row[c++] = Instant.ofEpochSecond(createdAt).toString();
        for (String column : List.of(
                "type",
                "kind",
                "channel_id",
                "channel_name",
                "model",
                "token_id",
                "token_name",
                "user_id",
                "username",
                "group",
                "prompt_tokens",
                "completion_tokens",
                "cache_read_tokens",
                "cache_write_tokens",
                "quota")) {
            row[c++] = text(rs, column);
        }
        row[c++] = decimal(rs, "cost_usd");
        row[c++] = decimal(rs, "use_time_seconds");
        row[c++] = decimal(rs, "ttft_seconds");
        for (String column : List.of("is_stream", "status_class", "request_id", "ip", "content", "other")) {
            row[c++] = text(rs, column);
        }
    }

    private static String text(ResultSet rs, String column) throws SQLException {
        String value = rs.getString(column);
        return value == null ? "" : value;
    }

    /** A REAL as plain decimals (SQLite's own text would be {@code 1.0e-06}). */
    private static String decimal(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull()
                ? ""
                : BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static void in(StringBuilder sql, List<Object> args, String column, List<String> values) {
        if (values.isEmpty()) {
            return;
        }
        sql.append(" AND ").append(column).append(" IN (");
        for (int i = 0; i < values.size(); i++) {
            sql.append(i == 0 ? "?" : ", ?");
            args.add(values.get(i));
        }
        sql.append(')');
    }

    private static void equal(StringBuilder sql, List<Object> args, String column, String value) {
        sql.append(" AND ").append(column).append(" = ?");
        args.add(value);
    }
}
