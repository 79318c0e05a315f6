package io.tokenmonitor.exporter.sync;

import io.tokenmonitor.exporter.source.SourceFailure;
import io.tokenmonitor.exporter.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes raw rows older than {@code RETENTION} and rollups older than the rollup retention, at
 * most every ten minutes, between polls. A failure is counted and logged, and tried again next time.
 */
public final class RetentionPruner {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionPruner.class);
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(10);

    private final Store store;
    private final IngestStatus status;
    private final SyncSettings settings;
    private final Clock clock;
    private Instant nextPrune = Instant.EPOCH;

    public RetentionPruner(Store store, IngestStatus status, SyncSettings settings, Clock clock) {
        this.store = store;
        this.status = status;
        this.settings = settings;
        this.clock = clock;
    }

    /** Prunes when the last prune is ten minutes ago or more. */
    void pruneIfDue() {
        Instant now = clock.instant();
        if (!now.isAfter(nextPrune)) {
            return;
        }
        nextPrune = now.plus(PRUNE_EVERY);
        try {
            int deleted = store.prune(
                    now.minus(settings.retention()).getEpochSecond(),
                    now.minus(settings.rollupRetention()).getEpochSecond());
            if (deleted > 0) {
                LOG.info("retention: pruned {} raw rows older than {}", deleted, now.minus(settings.retention()));
            }
        } catch (RuntimeException e) {
            status.error("prune", 1);
            LOG.warn(
                    "retention: pruning the store failed: {}; will retry in {}",
                    SourceFailure.describe(e),
                    PRUNE_EVERY);
        }
    }
}
