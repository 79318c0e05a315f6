package io.tokenmonitor.exporter.sync;

import io.tokenmonitor.exporter.source.IdRange;
import io.tokenmonitor.exporter.source.LogReader;
import io.tokenmonitor.exporter.store.Store;
import io.tokenmonitor.exporter.store.UnfilledRows;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once, on a store synced before it kept token ids (V007): reads each raw row's {@code token_id} from the gateway by
 * id ranges (One API: looks the key up in the store's tokens) and adds those rows to the account rollups, range by
 * range, each in one transaction. Runs on the sync's thread before its first poll, so no batch is committed meanwhile;
 * an interrupted upgrade resumes at the next start from the rows still without one.
 *
 * <p>What stays inexact: the account rollups get only what the raw rows still hold, so a key, user or group budget
 * whose window reaches back before the oldest raw row (older than RETENTION when the upgrade ran) misses the usage of
 * that time; windows within RETENTION are exact from the start.
 */
final class TokenIdUpgrade {

    private static final Logger LOG = LoggerFactory.getLogger(TokenIdUpgrade.class);
    static final int IDS_PER_RANGE = 20_000;
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    private final Store store;
    private final SyncSettings settings;
    private final Clock clock;
    private boolean done;

    TokenIdUpgrade(Store store, SyncSettings settings, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
    }

    /** Fills every raw row still without a token id; a no-op once done (and on every store created since V007). */
    void runOnce(LogReader reader) {
        if (done) {
            return;
        }
        Optional<UnfilledRows> unfilled = store.rowsWithoutTokenId();
        if (unfilled.isEmpty()) {
            done = true;
            return;
        }
        UnfilledRows rows = unfilled.get();
        boolean fromGateway = reader.shape().has("token_id");
        LOG.info(
                "upgrade: {} raw rows (ids {} to {}) were synced before the store kept API keys; filling their token_id"
                        + " {} and adding them to the per-key, per-user and per-group rollups (the sync waits)",
                rows.rows(),
                rows.fromId(),
                rows.toId(),
                fromGateway ? "from the gateway's logs" : "from the store's tokens (the gateway's logs have none)");
        long rollupCutoff = clock.instant().minus(settings.rollupRetention()).getEpochSecond();
        long filled = 0;
        Instant progressAt = clock.instant();
        for (long from = rows.fromId(); from <= rows.toId(); from += IDS_PER_RANGE) {
            long to = Math.min(rows.toId(), from + IDS_PER_RANGE - 1);
            Map<Long, Long> tokenIds = fromGateway ? reader.tokenIds(new IdRange(from, to)) : null;
            filled += store.fillTokenIds(from, to, tokenIds, rollupCutoff);
            if (clock.instant().isAfter(progressAt.plus(PROGRESS_EVERY))) {
                LOG.info("upgrade: {} of {} raw rows filled (up to id {})", filled, rows.rows(), to);
                progressAt = clock.instant();
            }
        }
        LOG.info(
                "upgrade: done, {} raw rows filled; budgets and rules per key, user or group are exact for windows"
                        + " within RETENTION ({}); usage older than the raw rows is not in them",
                filled,
                io.tokenmonitor.common.time.PromDuration.format(settings.retention()));
        done = true;
    }
}
