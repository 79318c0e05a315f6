package io.tokenmonitor.exporter.store;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PASSIVE checkpoints of the store's WAL on a timer, on a connection of their own. An automatic checkpoint runs
 * inside the commit that crosses its threshold, so that batch (and the sync behind it) waits for every page the
 * checkpoint copies into the database file; on a 5M-row store that made the batch seconds late. A PASSIVE checkpoint
 * on another connection takes no write lock, so the writer keeps committing while it runs, and a small one every
 * second keeps the WAL short enough that the writer's own threshold is a backstop only. Checkpoints move pages
 * between two files of the same database: what a reader sees never changes.
 */
final class WalCheckpoints implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WalCheckpoints.class);

    private final Handle handle;
    private final ScheduledExecutorService timer;

    WalCheckpoints(Jdbi jdbi, Duration every) {
        this.handle = jdbi.open();
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "store-checkpoint");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::checkpoint, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void checkpoint() {
        try {
            // One row: busy (1 when another checkpoint ran), WAL frames, frames copied; nothing to act on.
            handle.createQuery("PRAGMA wal_checkpoint(PASSIVE)").mapToMap().one();
        } catch (RuntimeException e) {
            // The writer's own automatic checkpoint still bounds the WAL, so a failed one costs nothing exact.
            LOG.warn("store: a background WAL checkpoint failed ({}); the next one tries again", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("store: a WAL checkpoint still runs after 30 s; closing its connection anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            handle.close();
        }
    }
}
