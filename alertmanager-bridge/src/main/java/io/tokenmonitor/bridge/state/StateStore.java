package io.tokenmonitor.bridge.state;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The bridge's own SQLite database (WAL, fsync on commit). Writes are serialised in-process: SQLite allows one
 * writer anyway, and its busy handler sleeps in steps of up to 100 ms, which would ruin acknowledgement latency.
 */
public final class StateStore implements AutoCloseable {
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;
    private static final int POOL_SIZE = 4;

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final ReentrantLock writeLock = new ReentrantLock(true);

    private StateStore(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
    }

    /** Opens (creating if needed) and migrates the store at {@code path}. */
    public static StateStore open(Path path) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("STATE_PATH: cannot create the directory of " + path, e);
        }
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL: a 2xx to Alertmanager promises the alert survives a power cut, not only a crash.
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        sqlite.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource source = new SQLiteDataSource(sqlite);
        source.setUrl("jdbc:sqlite:" + path);
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(source);
        pool.setPoolName("bridge-state");
        pool.setMaximumPoolSize(POOL_SIZE);
        StateStore store = new StateStore(new HikariDataSource(pool));
        try {
            Migrations.apply(store.jdbi, path.toString());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /** Runs {@code work} in one write transaction; the commit is durable when this returns. */
    public <R> R write(HandleCallback<R, RuntimeException> work) {
        writeLock.lock();
        try {
            return jdbi.inTransaction(work);
        } finally {
            writeLock.unlock();
        }
    }

    /** Runs read-only {@code work} outside the write lock (WAL readers do not block the writer). */
    public <R> R read(HandleCallback<R, RuntimeException> work) {
        return jdbi.withHandle(work);
    }

    /** For tests and tools that need a raw handle. */
    public Handle open() {
        return jdbi.open();
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
