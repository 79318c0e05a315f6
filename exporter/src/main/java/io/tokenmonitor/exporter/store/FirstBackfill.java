package io.tokenmonitor.exporter.store;

import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The marker of a first backfill in bulk mode ({@code first_backfill}) and what starting, finishing
 * and discarding one does to the store's tables.
 */
final class FirstBackfill {

    /** Built at the end of the first backfill instead of row by row during it. */
    private static final String DROP_INDEX = "DROP INDEX IF EXISTS logs_created_at";

    private static final String CREATE_INDEX = "CREATE INDEX IF NOT EXISTS logs_created_at ON logs (created_at)";

    /** Everything a backfill writes; channels and gateway_options come from the gateway's own tables. */
    private static final List<String> SYNCED_TABLES = List.of(
            "logs",
            "usage_minute",
            "usage_day",
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
        handle.execute(DROP_INDEX);
    }

    /** Deletes what an unfinished backfill wrote (the marker stays: the next backfill is a first one too). */
    void discard(Handle handle) {
        for (String table : SYNCED_TABLES) {
            handle.execute("DELETE FROM " + table);
        }
    }

    void finish(Handle handle) {
        handle.execute(CREATE_INDEX);
        handle.execute("DELETE FROM first_backfill");
    }
}
