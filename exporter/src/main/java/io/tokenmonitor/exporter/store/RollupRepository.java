package io.tokenmonitor.exporter.store;

import io.tokenmonitor.exporter.sync.ClassifiedRow;
import io.tokenmonitor.exporter.sync.LogKind;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per-minute sums per channel and model ({@code usage_minute}), added to batch by batch. */
final class RollupRepository {

    private static final long SECONDS_PER_MINUTE = 60;

    private static final String ADD = """
            INSERT INTO usage_minute (minute, channel_id, model, requests, errors, input_tokens, output_tokens,
                cache_read_tokens, cache_write_tokens, quota, duration_seconds_sum, duration_count)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (minute, channel_id, model) DO UPDATE SET
                requests = requests + excluded.requests,
                errors = errors + excluded.errors,
                input_tokens = input_tokens + excluded.input_tokens,
                output_tokens = output_tokens + excluded.output_tokens,
                cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
                cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
                quota = quota + excluded.quota,
                duration_seconds_sum = duration_seconds_sum + excluded.duration_seconds_sum,
                duration_count = duration_count + excluded.duration_count
            """;
    private static final String PRUNE = "DELETE FROM usage_minute WHERE minute < :cutoff";

    private record MinuteKey(long minute, String channelId, String model) {
    }

    private static final class MinuteSums {
        long requests;
        long errors;
        long input;
        long output;
        long cacheRead;
        long cacheWrite;
        long quota;
        double durationSum;
        long durationCount;
    }

    void add(Handle handle, List<ClassifiedRow> rows) {
        Map<MinuteKey, MinuteSums> sums = new LinkedHashMap<>();
        for (ClassifiedRow row : rows) {
            if (!row.isUsage()) {
                continue;
            }
            long minute = Math.floorDiv(row.row().createdAt(), SECONDS_PER_MINUTE) * SECONDS_PER_MINUTE;
            MinuteSums s = sums.computeIfAbsent(new MinuteKey(minute, row.channelId(), row.model()), k -> new MinuteSums());
            s.requests += row.kind() == LogKind.REQUEST ? 1 : 0;
            s.errors += row.kind() == LogKind.ERROR ? 1 : 0;
            s.input += row.inputTokens();
            s.output += row.outputTokens();
            s.cacheRead += row.cacheReadTokens();
            s.cacheWrite += row.cacheWriteTokens();
            s.quota += row.quotaConsumed() - row.quotaRefunded();
            if (!Double.isNaN(row.durationSeconds())) {
                s.durationSum += row.durationSeconds();
                s.durationCount++;
            }
        }
        if (sums.isEmpty()) {
            return;
        }
        PreparedBatch batch = handle.prepareBatch(ADD);
        sums.forEach((k, s) -> batch.bind(0, k.minute()).bind(1, k.channelId()).bind(2, k.model())
                .bind(3, s.requests).bind(4, s.errors).bind(5, s.input).bind(6, s.output).bind(7, s.cacheRead)
                .bind(8, s.cacheWrite).bind(9, s.quota).bind(10, s.durationSum).bind(11, s.durationCount).add());
        batch.execute();
    }

    int prune(Handle handle, long cutoffSeconds) {
        return handle.createUpdate(PRUNE).bind("cutoff", cutoffSeconds).execute();
    }
}
