package io.tokenmonitor.exporter.sync;

import io.tokenmonitor.exporter.source.LogReader;
import io.tokenmonitor.exporter.source.SourceDialect;
import io.tokenmonitor.exporter.source.SourceFailure;
import io.tokenmonitor.exporter.store.OptionalDimensions;
import io.tokenmonitor.exporter.store.Store;
import io.tokenmonitor.exporter.store.UsageTotals;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the sync: backfills the gateway's history, then polls for new rows, forever. Reading the
 * next batch overlaps with committing the previous one. A failure is logged once when it starts and
 * once when it ends, counted, and retried with backoff; the last committed state is never lost.
 */
public final class SyncLoop implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SyncLoop.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(10);
    private static final Duration ID_CHECK_EVERY = Duration.ofMinutes(1);

    private final Jdbi source;
    private final String sourceName;
    private final SourceDialect dialect;
    private final Store store;
    private final AtomicReference<UsageTotals> totals;
    private final IngestStatus status;
    private final SyncSettings settings;
    private final LabelGuard models;
    private final OptionalDimensions optional;
    private final Clock clock;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "store-writer"));
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread = new Thread(this::run, "log-sync");

    private volatile SyncPosition committed;
    private String failing;
    private Instant nextPrune = Instant.EPOCH;
    private Instant nextIdCheck = Instant.EPOCH;
    private boolean idRegressionReported;

    /** @param sourceName the source as operators know it, for log lines (no password) */
    public SyncLoop(Jdbi source, String sourceName, SourceDialect dialect, Store store, SyncPosition position, AtomicReference<UsageTotals> totals,
                    IngestStatus status, SyncSettings settings, LabelGuard models, OptionalDimensions optional, Clock clock) {
        this.source = source;
        this.sourceName = sourceName;
        this.dialect = dialect;
        this.store = store;
        this.committed = position;
        this.totals = totals;
        this.status = status;
        this.settings = settings;
        this.models = models;
        this.optional = optional;
        this.clock = clock;
    }

    public void start() {
        thread.start();
    }

    private void run() {
        Duration retry = FIRST_RETRY;
        LogSyncer syncer = null;
        while (stopped.getCount() > 0) {
            String stage = "connect";
            double successBefore = status.lastSuccessSeconds();
            try {
                if (syncer == null) {
                    LogReader reader = LogReader.open(source, dialect);
                    status.flavor(reader.shape().flavor());
                    log.info("source: {} logs table found ({} columns)", reader.shape().flavor().label(), reader.shape().columns().size());
                    syncer = new LogSyncer(reader, new RowClassifier(reader.shape().flavor(), models), settings.batchSize(),
                            settings.lateCommitWindow(), clock);
                }
                stage = "read";
                pollUntilFailure(syncer);
            } catch (StoreWriteException e) {
                retry = afterProgress(retry, successBefore);
                reportFailure("write", "sync: writing to the store " + store.file() + " failed: " + e.getCause().getMessage()
                        + "; check disk space and permissions", e.getCause());
            } catch (RuntimeException e) {
                retry = afterProgress(retry, successBefore);
                if (isConnectionFailure(e)) {
                    stage = "connect";
                }
                if (stage.equals("connect")) {
                    syncer = null;   // look at the table again after reconnecting: the gateway may have been upgraded
                }
                reportFailure(stage, "sync: " + (stage.equals("connect") ? "connecting to " : "reading logs after id "
                        + committed.lastId() + " from ") + sourceName + " failed: " + SourceFailure.describe(e)
                        + "; retrying in " + retry.toSeconds() + "s", null);
            }
            if (sleep(retry)) {
                return;
            }
            retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
        }
    }

    /** A failure after polls that worked starts the backoff afresh; repeated failures keep doubling it. */
    private Duration afterProgress(Duration retry, double successBefore) {
        return status.lastSuccessSeconds() > successBefore ? FIRST_RETRY : retry;
    }

    /** Polls until a failure (thrown) or until stopped (returns). */
    private void pollUntilFailure(LogSyncer syncer) {
        SyncPosition position = committed;
        Future<?> pending = null;
        long rowsSinceProgress = 0;
        Instant progressAt = clock.instant();
        try {
            while (stopped.getCount() > 0) {
                Batch batch = syncer.read(position);
                status.succeeded(clock.millis() / 1000.0, batch.next().lastCreatedAt(), batch.next().gaps().size());
                recovered();
                await(pending);
                if (!batch.rows().isEmpty() || !batch.next().equals(position)) {   // an idle poll has nothing to write
                    pending = writer.submit(() -> commit(batch));
                } else {
                    pending = null;
                }
                position = batch.next();
                rowsSinceProgress += batch.rows().size();
                if (!status.isCaughtUp() && clock.instant().isAfter(progressAt.plus(PROGRESS_EVERY))) {
                    long seconds = Math.max(1, Duration.between(progressAt, clock.instant()).toSeconds());
                    log.info("backfill: at id {} (created {}), {} rows/s", position.lastId(),
                            Instant.ofEpochSecond(position.lastCreatedAt()), rowsSinceProgress / seconds);
                    rowsSinceProgress = 0;
                    progressAt = clock.instant();
                }
                if (!batch.full()) {
                    await(pending);
                    pending = null;
                    if (!status.isCaughtUp()) {
                        status.caughtUp();
                        log.info("backfill: caught up at id {}; usage metrics are now published", position.lastId());
                    }
                    housekeeping(syncer, position);
                    if (sleep(settings.pollInterval())) {
                        return;
                    }
                }
            }
        } finally {
            awaitQuietly(pending);
        }
    }

    private void commit(Batch batch) {
        try {
            UsageTotals next = store.commit(batch.rows(), batch.next(), totals.get(), clock.millis(), optional,
                    clock.instant().minus(settings.retention()).getEpochSecond(),
                    clock.instant().minus(settings.rollupRetention()).getEpochSecond());
            totals.set(next);
            committed = batch.next();
        } catch (RuntimeException e) {
            throw new StoreWriteException(e);
        }
        long problemRows = batch.rows().stream().filter(r -> r.problems() > 0).count();
        if (problemRows > 0) {
            status.error("row", problemRows);
        }
        long folded = batch.rows().stream()
                .filter(r -> r.model().equals(LabelGuard.OTHER) && !r.row().modelName().equals(LabelGuard.OTHER)).count();
        if (folded > 0) {
            status.labelOverflow("model", folded);
        }
        status.gapsExpired(batch.expiredGaps());
    }

    private void housekeeping(LogSyncer syncer, SyncPosition position) {
        Instant now = clock.instant();
        if (now.isAfter(nextPrune)) {
            nextPrune = now.plus(PRUNE_EVERY);
            try {
                int deleted = store.prune(now.minus(settings.retention()).getEpochSecond(),
                        now.minus(settings.rollupRetention()).getEpochSecond());
                if (deleted > 0) {
                    log.info("retention: pruned {} raw rows older than {}", deleted, now.minus(settings.retention()));
                }
            } catch (RuntimeException e) {
                status.error("prune", 1);
                log.warn("retention: pruning the store failed: {}; will retry in {}", SourceFailure.describe(e), PRUNE_EVERY);
            }
        }
        if (now.isAfter(nextIdCheck)) {
            nextIdCheck = now.plus(ID_CHECK_EVERY);
            long maxId = syncer.maxId();
            if (maxId < position.lastId() && maxId > 0 && !idRegressionReported) {
                idRegressionReported = true;
                status.error("id_regression", 1);
                log.warn("source: the highest log id is {} but {} were already synced; the gateway's ids went back "
                        + "(e.g. MySQL 5.7 after emptying logs). Rows with ids up to {} are not synced: point STORE_PATH at a "
                        + "new file to start over", maxId, position.lastId(), position.lastId());
            }
        }
    }

    private void recovered() {
        if (failing != null) {
            log.info("sync: recovered; reading from {} again", sourceName);
            failing = null;
        }
    }

    private void reportFailure(String stage, String message, Throwable bug) {
        status.failed(stage);
        if (!message.equals(failing)) {
            if (bug != null && !(bug instanceof org.jdbi.v3.core.ConnectionException) && log.isDebugEnabled()) {
                log.debug(message, bug);
            }
            log.warn(message);
            failing = message;
        }
    }

    private static boolean isConnectionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof org.jdbi.v3.core.ConnectionException) {
                return true;
            }
        }
        return false;
    }

    private static void await(Future<?> pending) {
        if (pending == null) {
            return;
        }
        try {
            pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while committing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static void awaitQuietly(Future<?> pending) {
        try {
            await(pending);
        } catch (RuntimeException ignored) {
            // the failure that got us here is being reported; the commit's own failure shows in the next attempt
        }
    }

    /** Sleeps unless stopped; returns true when stopped. */
    private boolean sleep(Duration duration) {
        try {
            return stopped.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped.countDown();
        thread.join(Duration.ofSeconds(30).toMillis());
        writer.shutdown();
        writer.awaitTermination(30, TimeUnit.SECONDS);
    }

    /** A store write failed: a problem of this machine, not of the source. */
    private static final class StoreWriteException extends RuntimeException {
        StoreWriteException(RuntimeException cause) {
            super(cause);
        }
    }
}
