package io.tokenmonitor.exporter.store;

import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The rollups of the raw rows a first backfill wrote, built in a few set-based passes when it ends instead of by
 * an upsert per bucket and batch during it: a per-row upsert into four rollup B-trees cost more than the raw
 * insert itself (exporter/BENCHMARKS.md, 2026-12-03 "A faster first backfill"). The passes add to what the tables
 * hold already (the rows older than {@code RETENTION}, rolled up in Java because they are not kept raw).
 *
 * <p>Each expression is what {@code RowClassifier}, {@code UsageCounter} and {@code RollupRepository}/
 * {@code AccountRollupRepository} compute in Java, from the columns {@code RawLogRepository} stores:
 * tokens count for requests only, clamped at 0 as the classifier does (the raw row keeps the gateway's value);
 * quota splits by kind and sign; the latency sum and count take the requests with a duration ({@code
 * use_time_seconds} is NULL otherwise); {@code cache_*_tokens} and {@code status_class} are stored as classified.
 * {@code BackfillRollupsTest} compares every row of every rollup table with the row-by-row path.
 */
final class BackfillRollups {

    /** The kinds {@code ClassifiedRow.isUsage} adds to the rollups. */
    private static final String USAGE = "kind IN ('request', 'settlement', 'error', 'refund')";

    /** floorDiv(created_at, n) * n: SQLite's % keeps the sign of the dividend. */
    private static String bucket(int seconds) {
        return "created_at - ((created_at % " + seconds + ") + " + seconds + ") % " + seconds;
    }

    private static final String CONSUMED = """
            CASE WHEN kind IN ('request', 'settlement') THEN max(quota, 0)
                 WHEN kind = 'refund' THEN max(-quota, 0) ELSE 0 END""";
    private static final String REFUNDED = """
            CASE WHEN kind IN ('request', 'settlement') THEN max(-quota, 0)
                 WHEN kind = 'refund' THEN max(quota, 0) ELSE 0 END""";

    private static final String SERIES_MINUTES = """
            CREATE TEMP TABLE backfill_minute AS
            SELECT %1$s AS minute, channel_id, model, is_stream AS stream,
                SUM(kind = 'request') AS requests,
                SUM(kind = 'error') AS errors,
                SUM(kind = 'error' AND status_class = '4xx') AS errors_4xx,
                SUM(kind = 'error' AND status_class = '5xx') AS errors_5xx,
                SUM(kind = 'error' AND status_class NOT IN ('4xx', '5xx')) AS errors_other,
                SUM(CASE WHEN kind = 'request' THEN max(prompt_tokens, 0) ELSE 0 END) AS input_tokens,
                SUM(CASE WHEN kind = 'request' THEN max(completion_tokens, 0) ELSE 0 END) AS output_tokens,
                SUM(cache_read_tokens) AS cache_read_tokens,
                SUM(cache_write_tokens) AS cache_write_tokens,
                SUM(%2$s) AS quota_consumed,
                SUM(%3$s) AS quota_refunded,
                TOTAL(use_time_seconds) AS duration_seconds_sum,
                COUNT(use_time_seconds) AS duration_count
            FROM logs WHERE %4$s
            GROUP BY 1, channel_id, model, is_stream
            """.formatted(bucket(60), CONSUMED, REFUNDED, USAGE);

    private static final String ACCOUNT_MINUTES = """
            CREATE TEMP TABLE backfill_account_minute AS
            SELECT token_id, %1$s AS minute, user_id, "group",
                SUM(kind = 'request') AS requests,
                SUM(kind = 'error') AS errors,
                SUM(CASE WHEN kind = 'request' THEN max(prompt_tokens, 0) ELSE 0 END) AS input_tokens,
                SUM(CASE WHEN kind = 'request' THEN max(completion_tokens, 0) ELSE 0 END) AS output_tokens,
                SUM(cache_read_tokens) AS cache_read_tokens,
                SUM(%2$s) AS quota_consumed,
                SUM(%3$s) AS quota_refunded
            FROM logs WHERE %4$s
            GROUP BY token_id, 2, user_id, "group"
            """.formatted(bucket(60), CONSUMED, REFUNDED, USAGE);

    private static final String SERIES_SUMS = """
            requests, errors, errors_4xx, errors_5xx, errors_other, input_tokens, output_tokens, cache_read_tokens,
            cache_write_tokens, quota_consumed - quota_refunded, quota_consumed, quota_refunded, duration_seconds_sum,
            duration_count""";
    private static final String SERIES_DAY_SUMS = """
            SUM(requests), SUM(errors), SUM(errors_4xx), SUM(errors_5xx), SUM(errors_other), SUM(input_tokens),
            SUM(output_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens),
            SUM(quota_consumed) - SUM(quota_refunded), SUM(quota_consumed), SUM(quota_refunded),
            TOTAL(duration_seconds_sum), SUM(duration_count)""";
    private static final String SERIES_COLUMNS = """
            channel_id, model, stream, requests, errors, errors_4xx, errors_5xx, errors_other, input_tokens,
            output_tokens, cache_read_tokens, cache_write_tokens, quota, quota_consumed, quota_refunded,
            duration_seconds_sum, duration_count""";

    private static final String ACCOUNT_SUMS = """
            requests, errors, input_tokens, output_tokens, cache_read_tokens, quota_consumed - quota_refunded,
            quota_consumed, quota_refunded""";
    private static final String ACCOUNT_DAY_SUMS = """
            SUM(requests), SUM(errors), SUM(input_tokens), SUM(output_tokens), SUM(cache_read_tokens),
            SUM(quota_consumed) - SUM(quota_refunded), SUM(quota_consumed), SUM(quota_refunded)""";
    private static final String ACCOUNT_COLUMNS = """
            token_id, user_id, "group", requests, errors, input_tokens, output_tokens, cache_read_tokens, quota,
            quota_consumed, quota_refunded""";

    /*
     * "WHERE true": SQLite needs it to tell an upsert's ON CONFLICT from a join constraint after INSERT … SELECT.
     * The SELECTs come out in each table's key order, so the inserts append to the B-trees.
     */
    private static final List<String> PASSES = List.of(
            SERIES_MINUTES,
            "INSERT INTO usage_minute (minute, " + SERIES_COLUMNS + ") SELECT minute, channel_id, model, stream, "
                    + SERIES_SUMS + " FROM temp.backfill_minute WHERE true "
                    + RollupRepository.ADD_ON_CONFLICT.formatted("minute"),
            "INSERT INTO usage_day (day, " + SERIES_COLUMNS + ") SELECT minute - ((minute % 86400) + 86400) % 86400,"
                    + " channel_id, model, stream, " + SERIES_DAY_SUMS + " FROM temp.backfill_minute WHERE true"
                    + " GROUP BY 1, channel_id, model, stream " + RollupRepository.ADD_ON_CONFLICT.formatted("day"),
            "DROP TABLE temp.backfill_minute",
            ACCOUNT_MINUTES,
            "INSERT INTO usage_account_minute (minute, " + ACCOUNT_COLUMNS + ") SELECT minute, token_id, user_id,"
                    + " \"group\", " + ACCOUNT_SUMS + " FROM temp.backfill_account_minute WHERE true "
                    + AccountRollupRepository.ADD_ON_CONFLICT.formatted("minute"),
            "INSERT INTO usage_account_day (day, " + ACCOUNT_COLUMNS + ") SELECT minute - ((minute % 86400) + 86400)"
                    + " % 86400, token_id, user_id, \"group\", " + ACCOUNT_DAY_SUMS
                    + " FROM temp.backfill_account_minute WHERE true GROUP BY token_id, 1, user_id, \"group\" "
                    + AccountRollupRepository.ADD_ON_CONFLICT.formatted("day"),
            "DROP TABLE temp.backfill_account_minute");

    /** Adds every usage row of {@code logs} to the four rollup tables, in the caller's transaction. */
    void build(Handle handle) {
        PASSES.forEach(handle::execute);
    }
}
