package io.tokenmonitor.exporter.store;

import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The marker of a first backfill in bulk mode ({@code first_backfill}) and what starting, finishing
 * and discarding one does to the store's tables.
 */
final class FirstBackfill {

    /**
     * Built at the end of the first backfill instead of row by row during it: the raw rows' time index, the
     * per-minute rollup's indexes by channel and model (V008__rollup_scope_indexes.sql), and the account rollups'
     * secondary indexes (by user, group and time; V007__account_usage.sql), the same definitions.
     */
    private static final List<String> DROP_INDEXES = List.of(
            "DROP INDEX IF EXISTS logs_created_at",
            "DROP INDEX IF EXISTS usage_minute_channel",
            "DROP INDEX IF EXISTS usage_minute_model",
            "DROP INDEX IF EXISTS usage_account_minute_user",
            "DROP INDEX IF EXISTS usage_account_minute_group",
            "DROP INDEX IF EXISTS usage_account_minute_time",
            "DROP INDEX IF EXISTS usage_account_day_user",
            "DROP INDEX IF EXISTS usage_account_day_group",
            "DROP INDEX IF EXISTS usage_account_day_time");

    private static final List<String> CREATE_INDEXES = List.of(
            "CREATE INDEX IF NOT EXISTS logs_created_at ON logs (created_at)",
            "CREATE INDEX IF NOT EXISTS usage_minute_channel ON usage_minute (channel_id, minute)",
            "CREATE INDEX IF NOT EXISTS usage_minute_model ON usage_minute (model, minute)",
            "CREATE INDEX IF NOT EXISTS usage_account_minute_user ON usage_account_minute (user_id, minute)",
            "CREATE INDEX IF NOT EXISTS usage_account_minute_group ON usage_account_minute (\"group\", minute)",
            "CREATE INDEX IF NOT EXISTS usage_account_minute_time ON usage_account_minute (minute)",
            "CREATE INDEX IF NOT EXISTS usage_account_day_user ON usage_account_day (user_id, day)",
            "CREATE INDEX IF NOT EXISTS usage_account_day_group ON usage_account_day (\"group\", day)",
            "CREATE INDEX IF NOT EXISTS usage_account_day_time ON usage_account_day (day)");

    /** Everything a backfill writes; channels and gateway_options come from the gateway's own tables. */
    private static final List<String> SYNCED_TABLES = List.of(
            "logs",
            "usage_minute",
            "usage_day",
            "usage_account_minute",
            "usage_account_day",
            "usage_totals",
            "error_totals",
            "ingest_totals",
            "dimension_totals",
            "sync_gaps",
            "sync_position");

    boolean unfinished(Handle handle) {
        return handle.createQuery("SELECT COUNT(*) FROM first_backfill")
                        .mapTo(Integer.class)
                        .one()
                > 0;
    }

    void start(Handle handle, long nowSeconds) {
        handle.createUpdate("INSERT OR REPLACE INTO first_backfill (singleton, started_at) VALUES (1, :now)")
                .bind("now", nowSeconds)
                .execute();
        DROP_INDEXES.forEach(handle::execute);
    }

    /** Deletes what an unfinished backfill wrote (the marker stays: the next backfill is a first one too). */
    void discard(Handle handle) {
        for (String table : SYNCED_TABLES) {
            handle.execute("DELETE FROM " + table);
        }
    }

    void finish(Handle handle) {
        CREATE_INDEXES.forEach(handle::execute);
        handle.execute("DELETE FROM first_backfill");
    }
}
