package io.tokenmonitor.exporter.store;

import io.tokenmonitor.exporter.source.LogRow;
import io.tokenmonitor.exporter.sync.ClassifiedRow;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.util.List;

/** The store's {@code logs} table: raw rows for the log views, kept for the retention period. */
final class RawLogRepository {

    private static final String INSERT = """
            INSERT OR IGNORE INTO logs (id, created_at, type, kind, channel_id, model, token_name, username, user_id, "group",
                prompt_tokens, completion_tokens, cache_read_tokens, cache_write_tokens, quota, use_time_seconds,
                ttft_seconds, is_stream, status_class, request_id, ip, content, other, channel_name)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT name FROM channels WHERE id = ?))
            """;
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
        PreparedBatch batch = handle.prepareBatch(INSERT);
        for (ClassifiedRow c : rows) {
            LogRow r = c.row();
            batch.bind(0, r.id()).bind(1, r.createdAt()).bind(2, r.type()).bind(3, c.kind().name().toLowerCase(java.util.Locale.ROOT))
                    .bind(4, c.channelId()).bind(5, c.model()).bind(6, r.tokenName()).bind(7, r.username()).bind(8, r.userId())
                    .bind(9, r.group()).bind(10, r.promptTokens()).bind(11, r.completionTokens())
                    .bind(12, c.cacheReadTokens()).bind(13, c.cacheWriteTokens()).bind(14, r.quota())
                    .bind(15, nullIfNaN(c.durationSeconds())).bind(16, nullIfNaN(c.ttftSeconds()))
                    .bind(17, r.stream() ? 1 : 0).bind(18, c.statusClass()).bind(19, r.requestId()).bind(20, r.ip())
                    .bind(21, r.content()).bind(22, r.other()).bind(23, c.channelId())
                    .add();
        }
        int[] counts = batch.execute();
        for (int i = 0; i < counts.length; i++) {
            inserted[i] = counts[i] > 0;
        }
        return inserted;
    }

    /** Deletes up to {@code limit} rows created before {@code cutoffSeconds}; returns how many. */
    int prune(Handle handle, long cutoffSeconds, int limit) {
        return handle.createUpdate(PRUNE).bind("cutoff", cutoffSeconds).bind("limit", limit).execute();
    }

    private static Double nullIfNaN(double value) {
        return Double.isNaN(value) ? null : value;
    }
}
