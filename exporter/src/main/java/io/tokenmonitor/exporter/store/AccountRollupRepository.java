package io.tokenmonitor.exporter.store;

import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.LogKind;
import io.tokenmonitor.exporter.model.UsageCounter;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Per-minute ({@code usage_account_minute}) and per-day ({@code usage_account_day}, UTC days) sums per API key,
 * user and group, added to batch by batch in the store's transaction, beside the channel/model rollups.
 */
final class AccountRollupRepository {

    private static final long SECONDS_PER_MINUTE = 60;
    private static final long SECONDS_PER_DAY = 86_400;

    private static final String ADD_MINUTE = upsert("usage_account_minute", "minute");
    private static final String ADD_DAY = upsert("usage_account_day", "day");
    private static final String PRUNE_MINUTES = "DELETE FROM usage_account_minute WHERE minute < :cutoff";
    private static final String PRUNE_DAYS = "DELETE FROM usage_account_day WHERE day < :cutoff";

    /**
     * What an insert into usage_account_minute or usage_account_day does on an existing key: adds
     * every sum. One clause for the sync's upserts, the token-id upgrade ({@link TokenIdFill}) and
     * the first backfill's passes ({@link BackfillRollups}); {@code %1$s} is the table's time column.
     */
    static final String ADD_ON_CONFLICT = """
            ON CONFLICT (token_id, %1$s, user_id, "group") DO UPDATE SET
                requests = requests + excluded.requests,
                errors = errors + excluded.errors,
                input_tokens = input_tokens + excluded.input_tokens,
                output_tokens = output_tokens + excluded.output_tokens,
                cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
                quota = quota + excluded.quota,
                quota_consumed = quota_consumed + excluded.quota_consumed,
                quota_refunded = quota_refunded + excluded.quota_refunded
            """;

    private static String upsert(String table, String timeColumn) {
        return """
                INSERT INTO %1$s (%2$s, token_id, user_id, "group", requests, errors, input_tokens, output_tokens,
                    cache_read_tokens, quota, quota_consumed, quota_refunded)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """.formatted(table, timeColumn) + ADD_ON_CONFLICT.formatted(timeColumn);
    }

    private record BucketKey(long tokenId, long start, long userId, String group) {}

    /** The table's primary-key order, so a batch's upserts walk the B-tree forward. */
    private static final Comparator<BucketKey> KEY_ORDER = Comparator.comparingLong(BucketKey::tokenId)
            .thenComparingLong(BucketKey::start)
            .thenComparingLong(BucketKey::userId)
            .thenComparing(BucketKey::group);

    private static final class Sums {
        final UsageCounter usage = new UsageCounter();
        long errors;

        void add(ClassifiedRow row) {
            usage.add(row);
            if (row.kind() == LogKind.ERROR) {
                errors++;
            }
        }
    }

    /** Adds the usage rows; each row's token id is already resolved (never {@code LogRow.NO_TOKEN_ID}). */
    void add(Handle handle, List<ClassifiedRow> rows) {
        write(handle, ADD_MINUTE, sum(rows, SECONDS_PER_MINUTE));
        write(handle, ADD_DAY, sum(rows, SECONDS_PER_DAY));
    }

    private static Map<BucketKey, Sums> sum(List<ClassifiedRow> rows, long bucketSeconds) {
        Map<BucketKey, Sums> sums = new HashMap<>();
        for (ClassifiedRow row : rows) {
            if (row.isUsage()) {
                long start = Math.floorDiv(row.row().createdAt(), bucketSeconds) * bucketSeconds;
                sums.computeIfAbsent(
                                new BucketKey(
                                        row.row().tokenId(),
                                        start,
                                        row.row().userId(),
                                        row.row().group()),
                                k -> new Sums())
                        .add(row);
            }
        }
        return sums;
    }

    private static void write(Handle handle, String sql, Map<BucketKey, Sums> sums) {
        if (sums.isEmpty()) {
            return;
        }
        List<BucketKey> ordered = new ArrayList<>(sums.keySet());
        ordered.sort(KEY_ORDER);
        // Plain JDBC, as the other rollups: every batch passes here.
        try (PreparedStatement ps = handle.getConnection().prepareStatement(sql)) {
            for (BucketKey k : ordered) {
                Sums s = sums.get(k);
                ps.setLong(1, k.start());
                ps.setLong(2, k.tokenId());
                ps.setLong(3, k.userId());
                ps.setString(4, k.group());
                ps.setLong(5, s.usage.requests());
                ps.setLong(6, s.errors);
                ps.setLong(7, s.usage.inputTokens());
                ps.setLong(8, s.usage.outputTokens());
                ps.setLong(9, s.usage.cacheReadTokens());
                ps.setLong(10, s.usage.quotaConsumed() - s.usage.quotaRefunded());
                ps.setLong(11, s.usage.quotaConsumed());
                ps.setLong(12, s.usage.quotaRefunded());
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new StoreException(
                    "writing account " + (sql.contains("usage_account_minute") ? "minute" : "day") + " rollups failed",
                    e);
        }
    }

    /** Deletes minute rollups before {@code minuteCutoff} and day rollups before the day of {@code dayCutoff}. */
    void prune(Handle handle, long minuteCutoff, long dayCutoff) {
        handle.createUpdate(PRUNE_MINUTES).bind("cutoff", minuteCutoff).execute();
        handle.createUpdate(PRUNE_DAYS)
                .bind("cutoff", Math.floorDiv(dayCutoff, SECONDS_PER_DAY) * SECONDS_PER_DAY)
                .execute();
    }
}
