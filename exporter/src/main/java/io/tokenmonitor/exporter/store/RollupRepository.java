package io.tokenmonitor.exporter.store;

import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.LogKind;
import io.tokenmonitor.exporter.model.UsageCounter;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.jdbi.v3.core.Handle;

/**
 * Per-minute ({@code usage_minute}) and per-day ({@code usage_day}, UTC days) sums per channel,
 * model and stream, added to batch by batch in the store's transaction.
 */
final class RollupRepository {

    private static final long SECONDS_PER_MINUTE = 60;
    private static final long SECONDS_PER_DAY = 86_400;

    private static final String ADD_MINUTE = upsert("usage_minute", "minute");
    private static final String ADD_DAY = upsert("usage_day", "day");
    private static final String PRUNE_MINUTES = "DELETE FROM usage_minute WHERE minute < :cutoff";
    private static final String PRUNE_DAYS = "DELETE FROM usage_day WHERE day < :cutoff";
    private static final String OLDEST_MINUTE = "SELECT MIN(minute) FROM usage_minute";
    private static final String HISTORY = """
            SELECT %1$s, minute, SUM(%2$s) FROM usage_minute WHERE minute >= :from
            GROUP BY %1$s, minute ORDER BY %1$s, minute
            """;
    private static final List<String> BY_STREAM = List.of("channel_id", "model", "stream");
    private static final List<String> BY_MODEL = List.of("channel_id", "model");

    /**
     * What an insert into usage_minute or usage_day does on an existing key: adds every sum. One
     * clause for the sync's upserts and the first backfill's set-based passes ({@link BackfillRollups});
     * {@code %1$s} is the table's time column.
     */
    static final String ADD_ON_CONFLICT = """
            ON CONFLICT (%1$s, channel_id, model, stream) DO UPDATE SET
                requests = requests + excluded.requests,
                errors = errors + excluded.errors,
                errors_4xx = errors_4xx + excluded.errors_4xx,
                errors_5xx = errors_5xx + excluded.errors_5xx,
                errors_other = errors_other + excluded.errors_other,
                input_tokens = input_tokens + excluded.input_tokens,
                output_tokens = output_tokens + excluded.output_tokens,
                cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
                cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
                quota = quota + excluded.quota,
                quota_consumed = quota_consumed + excluded.quota_consumed,
                quota_refunded = quota_refunded + excluded.quota_refunded,
                duration_seconds_sum = duration_seconds_sum + excluded.duration_seconds_sum,
                duration_count = duration_count + excluded.duration_count
            """;

    /** The same statement for both tables: only the table and its time column differ. */
    private static String upsert(String table, String timeColumn) {
        return """
                INSERT INTO %1$s (%2$s, channel_id, model, stream, requests, errors, errors_4xx, errors_5xx, errors_other,
                    input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, quota, quota_consumed, quota_refunded,
                    duration_seconds_sum, duration_count)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """.formatted(table, timeColumn) + ADD_ON_CONFLICT.formatted(timeColumn);
    }

    private record BucketKey(long start, String channelId, String model, boolean stream) {}

    /**
     * The table's key order: upserts in that order walk the B-tree forward instead of jumping between
     * its pages (a batch's rows come in id order, which interleaves every series within a minute).
     */
    private static final Comparator<Map.Entry<BucketKey, Sums>> KEY_ORDER = Comparator.comparingLong(
                    (Map.Entry<BucketKey, Sums> e) -> e.getKey().start())
            .thenComparing(e -> e.getKey().channelId())
            .thenComparing(e -> e.getKey().model())
            .thenComparing(e -> e.getKey().stream());

    /** A bucket's sums: the usage counters, the errors by status class, and the latency sum and count. */
    private static final class Sums {
        final UsageCounter usage = new UsageCounter();
        long errors4xx;
        long errors5xx;
        long errorsOther;
        double durationSum;
        long durationCount;

        void add(ClassifiedRow row) {
            usage.add(row);
            if (row.kind() == LogKind.ERROR) {
                switch (row.statusClass()) {
                    case "4xx" -> errors4xx++;
                    case "5xx" -> errors5xx++;
                    default -> errorsOther++;
                }
            }
            if (!Double.isNaN(row.durationSeconds())) {
                durationSum += row.durationSeconds();
                durationCount++;
            }
        }
    }

    void add(Handle handle, List<ClassifiedRow> rows) {
        write(handle, ADD_MINUTE, sum(rows, SECONDS_PER_MINUTE));
        write(handle, ADD_DAY, sum(rows, SECONDS_PER_DAY));
    }

    private static Map<BucketKey, Sums> sum(List<ClassifiedRow> rows, long bucketSeconds) {
        Map<BucketKey, Sums> sums = new LinkedHashMap<>();
        for (ClassifiedRow row : rows) {
            if (row.isUsage()) {
                long start = Math.floorDiv(row.row().createdAt(), bucketSeconds) * bucketSeconds;
                sums.computeIfAbsent(
                                new BucketKey(start, row.channelId(), row.model(), row.row().stream()), k -> new Sums())
                        .add(row);
            }
        }
        return sums;
    }

    private static void write(Handle handle, String sql, Map<BucketKey, Sums> sums) {
        if (sums.isEmpty()) {
            return;
        }
        // Plain JDBC: this runs for every bucket of every batch, and Jdbi's per-value binding costs more than SQLite
        // here.
        try (PreparedStatement ps = handle.getConnection().prepareStatement(sql)) {
            List<Map.Entry<BucketKey, Sums>> ordered = new ArrayList<>(sums.entrySet());
            ordered.sort(KEY_ORDER);
            for (Map.Entry<BucketKey, Sums> e : ordered) {
                BucketKey k = e.getKey();
                Sums s = e.getValue();
                ps.setLong(1, k.start());
                ps.setString(2, k.channelId());
                ps.setString(3, k.model());
                ps.setInt(4, k.stream() ? 1 : 0);
                ps.setLong(5, s.usage.requests());
                ps.setLong(6, s.errors4xx + s.errors5xx + s.errorsOther);
                ps.setLong(7, s.errors4xx);
                ps.setLong(8, s.errors5xx);
                ps.setLong(9, s.errorsOther);
                ps.setLong(10, s.usage.inputTokens());
                ps.setLong(11, s.usage.outputTokens());
                ps.setLong(12, s.usage.cacheReadTokens());
                ps.setLong(13, s.usage.cacheWriteTokens());
                ps.setLong(14, s.usage.quotaConsumed() - s.usage.quotaRefunded());
                ps.setLong(15, s.usage.quotaConsumed());
                ps.setLong(16, s.usage.quotaRefunded());
                ps.setDouble(17, s.durationSum);
                ps.setLong(18, s.durationCount);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new StoreException(
                    "writing " + (sql.contains("usage_minute") ? "minute" : "day") + " rollups failed", e);
        }
    }

    OptionalLong oldestMinute(Handle handle) {
        return handle.createQuery(OLDEST_MINUTE)
                .mapTo(Long.class)
                .findOne()
                .map(OptionalLong::of)
                .orElse(OptionalLong.empty());
    }

    /** One column summed per series and minute from {@code fromSeconds} on (the key columns and the column are constants, never input). */
    Map<List<String>, List<MinuteValue>> history(
            Handle handle, RollupColumn column, boolean byStream, long fromSeconds) {
        List<String> keyColumns = byStream ? BY_STREAM : BY_MODEL;
        String sql = HISTORY.formatted(String.join(", ", keyColumns), column.column());
        Map<List<String>, List<MinuteValue>> rows = new HashMap<>();
        int keys = keyColumns.size();
        handle.createQuery(sql)
                .bind("from", fromSeconds)
                .map((rs, ctx) -> {
                    String[] key = new String[keys];
                    for (int i = 0; i < keys; i++) {
                        key[i] = keyColumns.get(i).equals("stream")
                                ? Boolean.toString(rs.getInt(i + 1) != 0)
                                : rs.getString(i + 1);
                    }
                    return rows.computeIfAbsent(List.of(key), k -> new ArrayList<>())
                            .add(new MinuteValue(rs.getLong(keys + 1), rs.getLong(keys + 2)));
                })
                .list();
        return rows;
    }

    /** Deletes minute rollups before {@code minuteCutoff} and day rollups before {@code dayCutoff}. */
    void prune(Handle handle, long minuteCutoff, long dayCutoff) {
        handle.createUpdate(PRUNE_MINUTES).bind("cutoff", minuteCutoff).execute();
        handle.createUpdate(PRUNE_DAYS)
                .bind("cutoff", Math.floorDiv(dayCutoff, SECONDS_PER_DAY) * SECONDS_PER_DAY)
                .execute();
    }
}
