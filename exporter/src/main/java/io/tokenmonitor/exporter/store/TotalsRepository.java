package io.tokenmonitor.exporter.store;

import io.tokenmonitor.exporter.model.Dimension;
import io.tokenmonitor.exporter.model.DimensionKey;
import io.tokenmonitor.exporter.model.DimensionTotals;
import io.tokenmonitor.exporter.model.ErrorKey;
import io.tokenmonitor.exporter.model.HistogramCounts;
import io.tokenmonitor.exporter.model.SeriesKey;
import io.tokenmonitor.exporter.model.SeriesTotals;
import io.tokenmonitor.exporter.model.UsageTotals;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/** The cumulative counters ({@code usage_totals}, {@code error_totals}, {@code ingest_totals}). */
final class TotalsRepository {

    private static final String LOAD_SERIES = """
            SELECT channel_id, model, stream, requests, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
                   quota_consumed, quota_refunded, duration_buckets, duration_sum, ttft_buckets, ttft_sum, created_at_ms
            FROM usage_totals
            """;
    private static final String LOAD_ERRORS = "SELECT channel_id, model, status_class, errors FROM error_totals";
    private static final String LOAD_ROWS = "SELECT log_type, rows FROM ingest_totals";
    private static final String SAVE_SERIES = """
            INSERT OR REPLACE INTO usage_totals (channel_id, model, stream, requests, input_tokens, output_tokens,
                cache_read_tokens, cache_write_tokens, quota_consumed, quota_refunded, duration_buckets, duration_sum,
                ttft_buckets, ttft_sum, created_at_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """;
    private static final String SAVE_ERRORS =
            "INSERT OR REPLACE INTO error_totals (channel_id, model, status_class, errors) VALUES (?, ?, ?, ?)";
    private static final String SAVE_ROWS = "INSERT OR REPLACE INTO ingest_totals (log_type, rows) VALUES (?, ?)";
    private static final String LOAD_DIMENSIONS = """
            SELECT dimension, value, requests, input_tokens, output_tokens, quota_consumed, quota_refunded FROM dimension_totals
            """;
    private static final String SAVE_DIMENSIONS = """
            INSERT OR REPLACE INTO dimension_totals (dimension, value, requests, input_tokens, output_tokens, quota_consumed, quota_refunded)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """;

    UsageTotals load(Handle handle) {
        Map<SeriesKey, SeriesTotals> series = new HashMap<>();
        handle.createQuery(LOAD_SERIES)
                .map((rs, ctx) -> {
                    series.put(
                            new SeriesKey(rs.getString(1), rs.getString(2), rs.getInt(3) != 0),
                            new SeriesTotals(
                                    rs.getLong(4),
                                    rs.getLong(5),
                                    rs.getLong(6),
                                    rs.getLong(7),
                                    rs.getLong(8),
                                    rs.getLong(9),
                                    rs.getLong(10),
                                    HistogramCounts.decode(
                                            HistogramCounts.DURATION_BOUNDS, rs.getString(11), rs.getDouble(12)),
                                    HistogramCounts.decode(
                                            HistogramCounts.TTFT_BOUNDS, rs.getString(13), rs.getDouble(14)),
                                    rs.getLong(15)));
                    return true;
                })
                .list();
        Map<ErrorKey, Long> errors = new HashMap<>();
        handle.createQuery(LOAD_ERRORS)
                .map((rs, ctx) ->
                        errors.put(new ErrorKey(rs.getString(1), rs.getString(2), rs.getString(3)), rs.getLong(4)))
                .list();
        Map<String, Long> rows = new HashMap<>();
        handle.createQuery(LOAD_ROWS)
                .map((rs, ctx) -> rows.put(rs.getString(1), rs.getLong(2)))
                .list();
        Map<DimensionKey, DimensionTotals> dimensions = new HashMap<>();
        handle.createQuery(LOAD_DIMENSIONS)
                .map((rs, ctx) -> dimensions.put(
                        new DimensionKey(Dimension.valueOf(rs.getString(1)), rs.getString(2)),
                        new DimensionTotals(rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7))))
                .list();
        return new UsageTotals(series, errors, rows, dimensions);
    }

    /** Saves every entry of {@code all}, as if each had changed. */
    void saveAll(Handle handle, UsageTotals all) {
        save(handle, new UsageTotals.Update(all, all.series(), all.errors(), all.ingestRows(), all.dimensions()));
    }

    void save(Handle handle, UsageTotals.Update update) {
        if (!update.changedSeries().isEmpty()) {
            // Plain JDBC: a batch touches up to every series, and Jdbi's per-value binding costs more than SQLite here.
            try (PreparedStatement ps = handle.getConnection().prepareStatement(SAVE_SERIES)) {
                for (Map.Entry<SeriesKey, SeriesTotals> e :
                        update.changedSeries().entrySet()) {
                    SeriesKey k = e.getKey();
                    SeriesTotals t = e.getValue();
                    ps.setString(1, k.channelId());
                    ps.setString(2, k.model());
                    ps.setInt(3, k.stream() ? 1 : 0);
                    ps.setLong(4, t.requests());
                    ps.setLong(5, t.inputTokens());
                    ps.setLong(6, t.outputTokens());
                    ps.setLong(7, t.cacheReadTokens());
                    ps.setLong(8, t.cacheWriteTokens());
                    ps.setLong(9, t.quotaConsumed());
                    ps.setLong(10, t.quotaRefunded());
                    ps.setString(11, t.duration().encodedCounts());
                    ps.setDouble(12, t.duration().sum());
                    ps.setString(13, t.ttft().encodedCounts());
                    ps.setDouble(14, t.ttft().sum());
                    ps.setLong(15, t.createdAtMillis());
                    ps.addBatch();
                }
                ps.executeBatch();
            } catch (SQLException e) {
                throw new StoreException("writing usage totals failed", e);
            }
        }
        if (!update.changedErrors().isEmpty()) {
            PreparedBatch batch = handle.prepareBatch(SAVE_ERRORS);
            update.changedErrors()
                    .forEach((k, n) -> batch.bind(0, k.channelId())
                            .bind(1, k.model())
                            .bind(2, k.statusClass())
                            .bind(3, n)
                            .add());
            batch.execute();
        }
        if (!update.changedDimensions().isEmpty()) {
            PreparedBatch batch = handle.prepareBatch(SAVE_DIMENSIONS);
            update.changedDimensions()
                    .forEach((k, t) -> batch.bind(0, k.dimension().name())
                            .bind(1, k.value())
                            .bind(2, t.requests())
                            .bind(3, t.inputTokens())
                            .bind(4, t.outputTokens())
                            .bind(5, t.quotaConsumed())
                            .bind(6, t.quotaRefunded())
                            .add());
            batch.execute();
        }
        if (!update.changedIngestRows().isEmpty()) {
            PreparedBatch batch = handle.prepareBatch(SAVE_ROWS);
            update.changedIngestRows()
                    .forEach((k, n) -> batch.bind(0, k).bind(1, n).add());
            batch.execute();
        }
    }
}
