package io.tokenmonitor.exporter.sync;

import io.tokenmonitor.exporter.model.SyncPosition;
import io.tokenmonitor.exporter.model.UsageTotals;
import io.tokenmonitor.exporter.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Commits each batch with its position in one store transaction, then publishes the new totals and
 * counts what the batch brought (rows with problems, folded model names, expired gaps). The
 * in-memory view changes only after the commit, so a failed commit changes nothing.
 */
public final class BatchCommitter {

    private final Store store;
    private final AtomicReference<UsageTotals> totals;
    private final IngestStatus status;
    private final SyncSettings settings;
    private final Clock clock;
    private volatile SyncPosition committed;

    /**
     * @param position the position the store holds
     * @param totals replaced whole after each committed batch; scrapes read whichever value is current
     */
    public BatchCommitter(
            Store store,
            SyncPosition position,
            AtomicReference<UsageTotals> totals,
            IngestStatus status,
            SyncSettings settings,
            Clock clock) {
        this.store = store;
        this.committed = position;
        this.totals = totals;
        this.status = status;
        this.settings = settings;
        this.clock = clock;
    }

    /** The position of the last committed batch. */
    public SyncPosition committed() {
        return committed;
    }

    Store store() {
        return store;
    }

    Path storeFile() {
        return store.file();
    }

    /** @throws StoreWriteException when the store refused the batch (nothing of it was kept) */
    void commit(Batch batch) {
        try {
            UsageTotals next = store.commit(
                    batch.rows(),
                    batch.next(),
                    totals.get(),
                    clock.millis(),
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
        long folded = batch.rows().stream().filter(LabelCaps::modelFolded).count();
        if (folded > 0) {
            status.labelOverflow("model", folded);
        }
        status.gapsExpired(batch.expiredGaps());
    }

    /**
     * Ends the first backfill's bulk mode (rollups, totals and indexes built, the store durable), once the sync has
     * caught up and before usage is published. A no-op after the first call. Called on the writer's thread, after
     * the last batch's commit; separate from {@link #commit} because the read that finds the backfill caught up may
     * bring nothing to commit (a history of whole batches on an idle gateway).
     *
     * @throws StoreWriteException when the store refused it (the backfill's rows stay; the next call retries)
     */
    void finishFirstBackfill() {
        try {
            store.finishFirstBackfill();
        } catch (RuntimeException e) {
            throw new StoreWriteException(e);
        }
    }

    /** A store write failed: a problem of this machine, not of the source. */
    static final class StoreWriteException extends RuntimeException {
        StoreWriteException(RuntimeException cause) {
            super(cause);
        }
    }
}
