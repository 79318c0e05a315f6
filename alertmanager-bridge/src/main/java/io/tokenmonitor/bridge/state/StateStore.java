package io.tokenmonitor.bridge.state;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tokenmonitor.common.sqlite.SchemaMigrations;
import io.tokenmonitor.common.sqlite.SqliteDatabase;
import io.tokenmonitor.common.sqlite.SqliteOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteDataSource;

/**
 * The bridge's own SQLite database (WAL, fsync on commit). Writes are serialised in-process: SQLite allows one
 * writer anyway, and its busy handler sleeps in steps of up to 100 ms, which would ruin acknowledgement latency.
 * Webhook writes go through {@link #writeGrouped}, which commits concurrent requests together: one fsync per
 * group instead of one per request.
 */
public final class StateStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
    private static final Duration BUSY_TIMEOUT = Duration.ofSeconds(10);
    /** The state's schema: numbered files beside this class. Never edit a released file; add the next one. */
    static final SchemaMigrations SCHEMA = new SchemaMigrations(
            StateStore.class,
            List.of("V001__init.sql", "V002__digests.sql", "V003__console_audit.sql", "V004__breaker_targets.sql"),
            "bridge",
            "run the newer bridge or point STATE_PATH at another file");

    private static final int POOL_SIZE = 4;
    /** Enough to amortise one fsync over a burst, small enough that one group stays a few milliseconds. */
    private static final int MAX_GROUP = 128;

    private static final long CHECKPOINT_PERIOD_MILLIS = 2_000;

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final ReentrantLock writeLock = new ReentrantLock(true);
    private final BlockingQueue<GroupedWrite<?>> queue = new LinkedBlockingQueue<>();
    private final Thread committer;
    private final Thread checkpointer;
    private volatile boolean open = true;

    private StateStore(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.committer = new Thread(this::commitGroups, "state-group-commit");
        this.committer.setDaemon(true);
        this.checkpointer = new Thread(this::checkpointLoop, "state-checkpoint");
        this.checkpointer.setDaemon(true);
    }

    /** Copies the WAL back into the database every few seconds without blocking writers (PASSIVE). */
    private void checkpointLoop() {
        while (open) {
            try {
                Thread.sleep(CHECKPOINT_PERIOD_MILLIS);
                read(h -> h.createQuery("PRAGMA wal_checkpoint(PASSIVE)")
                        .mapToMap()
                        .list());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.debug("state: checkpoint failed, next try in {} ms", CHECKPOINT_PERIOD_MILLIS, e);
            }
        }
    }

    /** Opens (creating if needed) and migrates the store at {@code path}. */
    public static StateStore open(Path path) {
        // FULL: a 2xx to Alertmanager promises the alert survives a power cut, not only a crash.
        SQLiteDataSource source = SqliteDatabase.dataSource(
                "STATE_PATH",
                path,
                new SqliteOptions(SqliteOptions.Synchronous.FULL, BUSY_TIMEOUT, OptionalInt.empty(), true));
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(source);
        pool.setPoolName("bridge-state");
        pool.setMaximumPoolSize(POOL_SIZE);
        // Checkpoints run on their own thread (below), not inside a commit that Alertmanager is waiting for.
        pool.setConnectionInitSql("PRAGMA wal_autocheckpoint = 0");
        StateStore store = new StateStore(new HikariDataSource(pool));
        try {
            SCHEMA.apply(store.jdbi, path.toString());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        store.committer.start();
        store.checkpointer.start();
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

    /**
     * Like {@link #write}, but may share the transaction with other callers' work; each runs in its own savepoint,
     * so one failing does not undo the others. Returns once the shared commit is durable.
     */
    public <R> R writeGrouped(HandleCallback<R, RuntimeException> work) {
        GroupedWrite<R> write = new GroupedWrite<>(work);
        if (!open) {
            throw new IllegalStateException("state store is closed");
        }
        queue.add(write);
        try {
            return write.result.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
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

    private void commitGroups() {
        List<GroupedWrite<?>> group = new ArrayList<>();
        while (open || !queue.isEmpty()) {
            try {
                GroupedWrite<?> first = queue.take();
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                write(h -> {
                    for (GroupedWrite<?> w : group) {
                        w.run(h);
                    }
                    return null;
                });
                group.forEach(GroupedWrite::complete);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                group.forEach(w -> w.fail(new IllegalStateException("state store is closing")));
                return;
            } catch (RuntimeException e) {
                LOG.debug("state: group commit of {} writes failed", group.size(), e);
                group.forEach(w -> w.fail(e));
            } finally {
                group.clear();
            }
        }
    }

    /** One caller's work in a group commit; its outcome is released only after the group commits. */
    private static final class GroupedWrite<R> {
        private final HandleCallback<R, RuntimeException> work;
        private final CompletableFuture<R> result = new CompletableFuture<>();
        private R value;
        private RuntimeException failure;

        GroupedWrite(HandleCallback<R, RuntimeException> work) {
            this.work = work;
        }

        void run(Handle h) {
            h.savepoint("grouped");
            try {
                value = work.withHandle(h);
                h.release("grouped");
            } catch (RuntimeException e) {
                h.rollbackToSavepoint("grouped");
                h.release("grouped");
                failure = e;
            }
        }

        void complete() {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(value);
            }
        }

        void fail(RuntimeException e) {
            result.completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        open = false;
        checkpointer.interrupt();
        committer.interrupt();
        try {
            committer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.forEach(w -> w.fail(new IllegalStateException("state store is closed")));
        dataSource.close();
    }
}
