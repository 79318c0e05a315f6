package io.tokenmonitor.exporter.store;

import io.tokenmonitor.exporter.sync.ClassifiedRow;
import io.tokenmonitor.exporter.sync.LogKind;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-minute ({@code usage_minute}) and per-hour ({@code usage_hour}) sums per channel, model and
 * stream, added to batch by batch in the store's transaction.
 */
final class RollupRepository {

    private static final long SECONDS_PER_MINUTE = 60;
    private static final long SECONDS_PER_HOUR = 3_600;

    private static final String ADD_MINUTE = upsert("usage_minute", "minute");
    private static final String ADD_HOUR = upsert("usage_hour", "hour");
    private static final String PRUNE_MINUTES = "DELETE FROM usage_minute WHERE minute < :cutoff";
    private static final String PRUNE_HOURS = "DELETE FROM usage_hour WHERE hour < :cutoff";

    /** The same statement for both tables: only the table and its time column differ. */
    private static String upsert(String table, String timeColumn) {
        return """
                INSERT INTO %1$s (%2$s, channel_id, model, stream, requests, errors, errors_4xx, errors_5xx, errors_other,
                    input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, quota, quota_consumed, quota_refunded,
                    duration_seconds_sum, duration_count)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (%2$s, channel_id, model, stream) DO UPDATE SET
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
                """.formatted(table, timeColumn);
    }

    private record BucketKey(long start, String channelId, String model, boolean stream) {
    }

    private static final class Sums {
        long requests;
        long errors4xx;
        long errors5xx;
        long errorsOther;
        long input;
        long output;
        long cacheRead;
        long cacheWrite;
        long consumed;
        long refunded;
        double durationSum;
        long durationCount;

        void add(ClassifiedRow row) {
            requests += row.kind() == LogKind.REQUEST ? 1 : 0;
            if (row.kind() == LogKind.ERROR) {
                switch (row.statusClass()) {
                    case "4xx" -> errors4xx++;
                    case "5xx" -> errors5xx++;
                    default -> errorsOther++;
                }
            }
            input += row.inputTokens();
            output += row.outputTokens();
            cacheRead += row.cacheReadTokens();
            cacheWrite += row.cacheWriteTokens();
            consumed += row.quotaConsumed();
            refunded += row.quotaRefunded();
            if (!Double.isNaN(row.durationSeconds())) {
                durationSum += row.durationSeconds();
                durationCount++;
            }
        }
    }

    void add(Handle handle, List<ClassifiedRow> rows) {
        write(handle, ADD_MINUTE, sum(rows, SECONDS_PER_MINUTE));
        write(handle, ADD_HOUR, sum(rows, SECONDS_PER_HOUR));
    }

    private static Map<BucketKey, Sums> sum(List<ClassifiedRow> rows, long bucketSeconds) {
        Map<BucketKey, Sums> sums = new LinkedHashMap<>();
        for (ClassifiedRow row : rows) {
            if (row.isUsage()) {
                long start = Math.floorDiv(row.row().createdAt(), bucketSeconds) * bucketSeconds;
                sums.computeIfAbsent(new BucketKey(start, row.channelId(), row.model(), row.row().stream()), k -> new Sums()).add(row);
            }
        }
        return sums;
    }

    private static void write(Handle handle, String sql, Map<BucketKey, Sums> sums) {
        if (sums.isEmpty()) {
            return;
        }
        PreparedBatch batch = handle.prepareBatch(sql);
        sums.forEach((k, s) -> batch.bind(0, k.start()).bind(1, k.channelId()).bind(2, k.model()).bind(3, k.stream() ? 1 : 0)
                .bind(4, s.requests).bind(5, s.errors4xx + s.errors5xx + s.errorsOther).bind(6, s.errors4xx).bind(7, s.errors5xx)
                .bind(8, s.errorsOther).bind(9, s.input).bind(10, s.output).bind(11, s.cacheRead).bind(12, s.cacheWrite)
                .bind(13, s.consumed - s.refunded).bind(14, s.consumed).bind(15, s.refunded)
                .bind(16, s.durationSum).bind(17, s.durationCount).add());
        batch.execute();
    }

    /** Deletes minute rollups before {@code minuteCutoff} and hour rollups before {@code hourCutoff}. */
    void prune(Handle handle, long minuteCutoff, long hourCutoff) {
        handle.createUpdate(PRUNE_MINUTES).bind("cutoff", minuteCutoff).execute();
        handle.createUpdate(PRUNE_HOURS).bind("cutoff", hourCutoff).execute();
    }
}
