package io.tokenmonitor.common.sqlite;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * The pragmas in which the two programs' stores differ; WAL is common to both (readers such as Grafana never block
 * the writer).
 *
 * @param synchronous {@code NORMAL} (durable against a killed process in WAL mode; a power cut may drop the last
 *                    commits) or {@code FULL} (both programs: the exporter publishes a batch only once it is on disk,
 *                    and the bridge's 2xx to Alertmanager promises the alert survives a power cut)
 * @param busyTimeout how long a connection waits for another's lock before SQLITE_BUSY
 * @param cacheSizeKib the page cache per connection in KiB (outside the Java heap); empty for SQLite's default
 * @param immediateTransactions take the write lock at BEGIN, so two writers never deadlock upgrading a read lock
 */
public record SqliteOptions(
        Synchronous synchronous, Duration busyTimeout, OptionalInt cacheSizeKib, boolean immediateTransactions) {

    /** SQLite's {@code PRAGMA synchronous} levels the programs use. */
    public enum Synchronous {
        NORMAL,
        FULL
    }
}
