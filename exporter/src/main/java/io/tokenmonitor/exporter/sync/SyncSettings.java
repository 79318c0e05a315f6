package io.tokenmonitor.exporter.sync;

import java.time.Duration;

/**
 * How the sync loop behaves.
 *
 * @param pollInterval pause between polls once caught up ({@code POLL_INTERVAL})
 * @param batchSize rows per read and per store transaction ({@code SYNC_BATCH_SIZE})
 * @param lateCommitWindow how long a skipped id is awaited ({@code LATE_COMMIT_WINDOW})
 * @param retention raw rows older than this are pruned ({@code RETENTION})
 * @param rollupRetention per-minute rollups older than this are pruned (at least the longest budget window)
 */
public record SyncSettings(
        Duration pollInterval,
        int batchSize,
        Duration lateCommitWindow,
        Duration retention,
        Duration rollupRetention) {}
