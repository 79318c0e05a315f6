package io.tokenmonitor.exporter.sync;

import io.tokenmonitor.exporter.model.SyncPosition;
import io.tokenmonitor.exporter.source.LogReader;
import io.tokenmonitor.exporter.source.SourceDialect;
import io.tokenmonitor.exporter.source.SourceFailure;
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
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the sync: backfills the gateway's history, then polls for new rows, forever. Reading the
 * next batch overlaps with committing the previous one ({@link BatchCommitter}, on its own thread);
 * between polls, once caught up, {@link RetentionPruner} prunes. A failure is logged once when it
 * starts and once when it ends, counted, and retried with backoff; the last committed state is
 * never lost.
 */
public final class SyncLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SyncLoop.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    private final Jdbi source;
    private final String sourceName;
    private final SourceDialect dialect;
    private final LabelCaps caps;
    private final BatchCommitter committer;
    private final RetentionPruner pruner;
    private final IdRegressionCheck idCheck;
    private final TokenIdUpgrade upgrade;
    private final IngestStatus status;
    private final SyncSettings settings;
    private final Clock clock;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "store-writer"));
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread = new Thread(this::run, "log-sync");

    private String failing;

    /** @param sourceName the source as operators know it, for log lines (no password) */
    public SyncLoop(
            Jdbi source,
            String sourceName,
            SourceDialect dialect,
            LabelCaps caps,
            BatchCommitter committer,
            RetentionPruner pruner,
            IngestStatus status,
            SyncSettings settings,
            Clock clock) {
        this.source = source;
        this.sourceName = sourceName;
        this.dialect = dialect;
        this.caps = caps;
        this.committer = committer;
        this.pruner = pruner;
        this.idCheck = new IdRegressionCheck(status, clock);
        this.upgrade = new TokenIdUpgrade(committer.store(), settings, clock);
        this.status = status;
        this.settings = settings;
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
                    LOG.info(
                            "source: {} logs table found ({} columns)",
                            reader.shape().flavor().label(),
                            reader.shape().columns().size());
                    syncer = new LogSyncer(
                            reader,
                            new RowClassifier(reader.shape().flavor(), caps),
                            settings.batchSize(),
                            settings.lateCommitWindow(),
                            clock);
                }
                stage = "read";
                upgrade.runOnce(syncer.reader());
                pollUntilFailure(syncer);
            } catch (BatchCommitter.StoreWriteException e) {
                retry = afterProgress(retry, successBefore);
                reportFailure(
                        "write",
                        "sync: writing to the store " + committer.storeFile() + " failed: "
                                + e.getCause().getMessage() + "; check disk space and permissions",
                        e.getCause());
            } catch (RuntimeException e) {
                retry = afterProgress(retry, successBefore);
                if (isConnectionFailure(e)) {
                    stage = "connect";
                }
                if (stage.equals("connect")) {
                    syncer = null; // look at the table again after reconnecting: the gateway may have been upgraded
                }
                reportFailure(
                        stage,
                        "sync: "
                                + (stage.equals("connect")
                                        ? "connecting to "
                                        : "reading logs after id "
                                                + committer.committed().lastId() + " from ")
                                + sourceName + " failed: " + SourceFailure.describe(e)
                                + "; retrying in " + retry.toSeconds() + "s",
                        null);
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
        SyncPosition position = committer.committed();
        Future<?> pending = null;
        long rowsSinceProgress = 0;
        Instant progressAt = clock.instant();
        try {
            while (stopped.getCount() > 0) {
                Batch batch = syncer.read(position);
                status.succeeded(
                        clock.millis() / 1000.0,
                        batch.next().lastCreatedAt(),
                        batch.next().gaps().size());
                recovered();
                await(pending);
                if (!batch.rows().isEmpty() || !batch.next().equals(position)) { // an idle poll has nothing to write
                    pending = writer.submit(() -> committer.commit(batch));
                } else {
                    pending = null;
                }
                position = batch.next();
                rowsSinceProgress += batch.rows().size();
                if (!status.isCaughtUp() && clock.instant().isAfter(progressAt.plus(PROGRESS_EVERY))) {
                    long seconds = Math.max(
                            1, Duration.between(progressAt, clock.instant()).toSeconds());
                    LOG.info(
                            "backfill: at id {} (created {}), {} rows/s",
                            position.lastId(),
                            Instant.ofEpochSecond(position.lastCreatedAt()),
                            rowsSinceProgress / seconds);
                    rowsSinceProgress = 0;
                    progressAt = clock.instant();
                }
                if (!batch.full()) {
                    await(pending);
                    pending = null;
                    if (!status.isCaughtUp()) {
                        await(writer.submit(committer::finishFirstBackfill));
                        status.caughtUp();
                        LOG.info("backfill: caught up at id {}; usage metrics are now published", position.lastId());
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

    private void housekeeping(LogSyncer syncer, SyncPosition position) {
        pruner.pruneIfDue();
        idCheck.checkIfDue(syncer, position.lastId());
    }

    private void recovered() {
        if (failing != null) {
            LOG.info("sync: recovered; reading from {} again", sourceName);
            failing = null;
        }
    }

    private void reportFailure(String stage, String message, Throwable bug) {
        status.failed(stage);
        if (!message.equals(failing)) {
            if (bug != null && !(bug instanceof org.jdbi.v3.core.ConnectionException) && LOG.isDebugEnabled()) {
                LOG.debug(message, bug);
            }
            LOG.warn(message);
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
}
