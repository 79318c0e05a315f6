package io.tokenmonitor.exporter.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices, once a minute, when the gateway's highest log id is below what was already synced (its
 * ids went back), which the sync cannot recover from on its own; reported once.
 */
final class IdRegressionCheck {

    private static final Logger LOG = LoggerFactory.getLogger(IdRegressionCheck.class);
    private static final Duration ID_CHECK_EVERY = Duration.ofMinutes(1);

    private final IngestStatus status;
    private final Clock clock;
    private Instant nextIdCheck = Instant.EPOCH;
    private boolean reported;

    IdRegressionCheck(IngestStatus status, Clock clock) {
        this.status = status;
        this.clock = clock;
    }

    void checkIfDue(LogSyncer syncer, long syncedId) {
        Instant now = clock.instant();
        if (!now.isAfter(nextIdCheck)) {
            return;
        }
        nextIdCheck = now.plus(ID_CHECK_EVERY);
        long maxId = syncer.maxId();
        if (maxId < syncedId && maxId > 0 && !reported) {
            reported = true;
            status.error("id_regression", 1);
            LOG.warn(
                    "source: the highest log id is {} but {} were already synced; the gateway's ids went back "
                            + "(e.g. MySQL 5.7 after emptying logs). Rows with ids up to {} are not synced: point STORE_PATH at a "
                            + "new file to start over",
                    maxId,
                    syncedId,
                    syncedId);
        }
    }
}
