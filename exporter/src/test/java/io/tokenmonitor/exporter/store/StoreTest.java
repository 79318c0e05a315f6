package io.tokenmonitor.exporter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.Dimension;
import io.tokenmonitor.exporter.model.DimensionKey;
import io.tokenmonitor.exporter.model.IdGap;
import io.tokenmonitor.exporter.model.LogRow;
import io.tokenmonitor.exporter.model.SeriesKey;
import io.tokenmonitor.exporter.model.SeriesTotals;
import io.tokenmonitor.exporter.model.SyncPosition;
import io.tokenmonitor.exporter.model.UsageTotals;
import io.tokenmonitor.exporter.source.GatewayFlavor;
import io.tokenmonitor.exporter.sync.RowClassifier;
import io.tokenmonitor.exporter.testing.Classifiers;
import io.tokenmonitor.exporter.testing.StoreSql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {

    private static final long DAY = 86_400;
    private final RowClassifier classifier = Classifiers.uncapped(GatewayFlavor.NEW_API);

    @TempDir
    Path dir;

    /**
     * The totals that commit() returns are what /metrics publishes (BatchCommitter sets them only
     * after it returned): with synchronous=FULL the batch is on disk by then, so a power loss cannot
     * take back a counter that Prometheus has scraped. Every connection of the store runs FULL.
     */
    @Test
    void givenOpenStore_thenEveryConnectionCommitsWithSynchronousFull() {
        try (Store store = Store.open(dir.resolve("store.db"))) {
            store.finishFirstBackfill(); // from then on: during the first backfill nothing is published
            assertThat(store.synchronousLevels())
                    .as("PRAGMA synchronous of the writer and a reader (2 = FULL)")
                    .containsExactly(2, 2);
        }
    }

    /**
     * During the first backfill nothing is published, so its writer skips the fsync per batch and the
     * created_at index (built at the end); readers keep FULL. Finishing builds the index and returns
     * the writer to FULL.
     */
    @Test
    void givenNewStore_whenFirstBackfillRunsAndFinishes_thenItWritesInBulkModeUntilFinished() {
        Path file = dir.resolve("store.db");
        try (Store store = Store.open(file)) {
            assertThat(store.inFirstBackfill()).isTrue();
            assertThat(store.synchronousLevels())
                    .as("writer NORMAL, reader FULL")
                    .containsExactly(1, 2);
            assertThat(hasCreatedAtIndex(file)).isFalse();

            store.commit(
                    List.of(request(1, 1_000, 120, 30, 500, 4_000)),
                    new SyncPosition("s", 1, 1_000, List.of()),
                    UsageTotals.EMPTY,
                    1L,
                    Long.MIN_VALUE,
                    Long.MIN_VALUE);
            store.finishFirstBackfill();

            assertThat(store.inFirstBackfill()).isFalse();
            assertThat(store.synchronousLevels()).containsExactly(2, 2);
            assertThat(hasCreatedAtIndex(file)).isTrue();
        }
        try (Store reopened = Store.open(file)) {
            assertThat(reopened.inFirstBackfill())
                    .as("a store with a finished backfill")
                    .isFalse();
            assertThat(reopened.synchronousLevels()).containsExactly(2, 2);
        }
    }

    /** kill -9 during the first backfill: the next start discards its rows and the backfill again counts exactly. */
    @Test
    void givenFirstBackfillKilledMidway_whenStoreReopens_thenItStartsOverAndCountsEveryRowOnce() throws Exception {
        Path file = dir.resolve("store.db");
        Path crashed = dir.resolve("crashed.db");
        List<ClassifiedRow> first = List.of(request(1, 1_000, 120, 30, 500, 4_000), request(2, 1_060, 7, 3, 9, 1_000));
        List<ClassifiedRow> second = List.of(request(3, 1_120, 11, 13, 17, 2_000));
        UsageTotals expected;
        try (Store store = Store.open(file)) {
            UsageTotals afterFirst =
                    store.commit(first, new SyncPosition("s", 2, 1_060, List.of()), UsageTotals.EMPTY, 1L, 0, 0);
            expected = store.commit(second, new SyncPosition("s", 3, 1_120, List.of()), afterFirst, 1L, 0, 0);
            // the files as a killed process leaves them: committed batches in the WAL, nothing finished
            for (String suffix : List.of("", "-wal")) {
                Files.copy(
                        file.resolveSibling(file.getFileName() + suffix),
                        crashed.resolveSibling(crashed.getFileName() + suffix));
            }
        }

        try (Store restarted = Store.open(crashed)) {
            assertThat(restarted.inFirstBackfill()).isTrue();
            assertThat(restarted.loadPosition())
                    .as("the backfill starts again from the first id")
                    .isEmpty();
            assertThat(restarted.loadTotals()).isEqualTo(UsageTotals.EMPTY);
            assertThat(StoreSql.one(crashed, "SELECT COUNT(*) FROM logs")).isZero();
            assertThat(StoreSql.one(crashed, "SELECT COUNT(*) FROM usage_minute"))
                    .isZero();

            UsageTotals again =
                    restarted.commit(first, new SyncPosition("s", 2, 1_060, List.of()), UsageTotals.EMPTY, 1L, 0, 0);
            again = restarted.commit(second, new SyncPosition("s", 3, 1_120, List.of()), again, 1L, 0, 0);
            restarted.finishFirstBackfill();
            assertThat(again).isEqualTo(expected);
        }
        try (Store reopened = Store.open(crashed)) {
            assertThat(reopened.loadTotals()).isEqualTo(expected);
            assertThat(StoreSql.one(crashed, "SELECT COUNT(*) FROM logs")).isEqualTo(3);
            assertThat(StoreSql.one(crashed, "SELECT SUM(requests) FROM usage_minute"))
                    .isEqualTo(3);
        }
    }

    /**
     * Console rules and their audit are the operators' work, not the gateway's: a first backfill that is
     * discarded and started again leaves them alone.
     */
    @Test
    void givenConsoleRules_whenAnUnfinishedFirstBackfillIsDiscarded_thenTheRulesAndTheAuditStay() throws Exception {
        Path file = dir.resolve("store.db");
        Path crashed = dir.resolve("crashed.db");
        try (Store store = Store.open(file)) {
            assertThat(store.createRule("r", "{\"name\":\"r\"}", 1_000L, "alice"))
                    .isEqualTo(Store.RuleWrite.DONE);
            store.commit(
                    List.of(request(1, 1_000, 120, 30, 500, 4_000)),
                    new SyncPosition("s", 1, 1_000, List.of()),
                    UsageTotals.EMPTY,
                    1L,
                    0,
                    0);
            for (String suffix : List.of("", "-wal")) {
                Files.copy(
                        file.resolveSibling(file.getFileName() + suffix),
                        crashed.resolveSibling(crashed.getFileName() + suffix));
            }
        }

        try (Store restarted = Store.open(crashed)) {
            assertThat(StoreSql.one(crashed, "SELECT COUNT(*) FROM logs"))
                    .as("the backfill's rows are discarded")
                    .isZero();
            assertThat(restarted.consoleRules()).extracting(StoredRule::name).containsExactly("r");
            assertThat(restarted.ruleAudit(java.util.Optional.empty(), 10))
                    .extracting(StoredAudit::actor)
                    .containsExactly("alice");
        }
    }

    /** A clean stop finishes the bulk mode, so a restart continues from the position instead of starting over. */
    @Test
    void givenFirstBackfillStoppedCleanly_whenStoreReopens_thenItContinuesFromThePosition() {
        Path file = dir.resolve("store.db");
        SyncPosition position = new SyncPosition("s", 1, 1_000, List.of());
        UsageTotals committed;
        try (Store store = Store.open(file)) {
            committed = store.commit(
                    List.of(request(1, 1_000, 120, 30, 500, 4_000)), position, UsageTotals.EMPTY, 1L, 0, 0);
        }
        try (Store reopened = Store.open(file)) {
            assertThat(reopened.inFirstBackfill()).isFalse();
            assertThat(reopened.loadPosition()).contains(position);
            assertThat(reopened.loadTotals()).isEqualTo(committed);
            assertThat(hasCreatedAtIndex(file)).isTrue();
        }
    }

    private static boolean hasCreatedAtIndex(Path file) {
        return StoreSql.one(
                        file, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'logs_created_at'")
                == 1;
    }

    @Test
    void givenCommittedBatch_whenStoreReopens_thenTotalsAndPositionAreBack() {
        Path file = dir.resolve("store.db");
        SyncPosition position = new SyncPosition("mysql:newapi", 2, 1_000, List.of(new IdGap(1, 1, 5_000)));
        UsageTotals committed;
        try (Store store = Store.open(file)) {
            committed = store.commit(
                    List.of(request(2, 1_000, 120, 30, 500, 4_000)),
                    position,
                    UsageTotals.EMPTY,
                    1L,
                    Long.MIN_VALUE,
                    Long.MIN_VALUE);
        }

        try (Store reopened = Store.open(file)) {
            assertThat(reopened.loadTotals()).isEqualTo(committed);
            assertThat(reopened.loadPosition()).contains(position);
        }
        SeriesTotals series = committed.series().get(new SeriesKey("3", "gpt-4o", false));
        assertThat(series.requests()).isEqualTo(1);
        assertThat(series.inputTokens()).isEqualTo(120);
        assertThat(series.duration().counts()[2])
                .as("4 s falls in the le=5 bucket")
                .isZero();
        assertThat(series.duration().counts()[3]).isEqualTo(1);
    }

    @Test
    void givenRowAlreadyStored_whenCommittedAgain_thenItIsNotCountedTwice() {
        try (Store store = Store.open(dir.resolve("store.db"))) {
            UsageTotals once = store.commit(
                    List.of(request(7, 1_000, 10, 10, 10, 1_000)),
                    SyncPosition.start("s"),
                    UsageTotals.EMPTY,
                    1L,
                    Long.MIN_VALUE,
                    Long.MIN_VALUE);

            UsageTotals twice = store.commit(
                    List.of(request(7, 1_000, 10, 10, 10, 1_000)),
                    SyncPosition.start("s"),
                    once,
                    2L,
                    Long.MIN_VALUE,
                    Long.MIN_VALUE);

            assertThat(twice.series()).isEqualTo(once.series());
        }
    }

    @Test
    void givenOldRawRows_whenPruned_thenTheyGoButTotalsStay() {
        Path file = dir.resolve("store.db");
        try (Store store = Store.open(file)) {
            UsageTotals totals = store.commit(
                    List.of(request(1, 10 * DAY, 5, 5, 5, 1_000), request(2, 40 * DAY, 5, 5, 5, 1_000)),
                    SyncPosition.start("s"),
                    UsageTotals.EMPTY,
                    1L,
                    Long.MIN_VALUE,
                    Long.MIN_VALUE);

            int deleted = store.prune(30 * DAY, 30 * DAY);

            assertThat(deleted).isEqualTo(1);
            assertThat(store.loadTotals()).isEqualTo(totals);
            long left = StoreSql.one(file, "SELECT COUNT(*) FROM logs");
            assertThat(left).isEqualTo(1);
        }
    }

    @Test
    void givenRowsOlderThanRetention_whenCommitted_thenTheyAreCountedButNeitherKeptRawNorRolledUp() {
        Path file = dir.resolve("store.db");
        try (Store store = Store.open(file)) {
            UsageTotals totals = store.commit(
                    List.of(request(1, 10 * DAY, 5, 5, 5, 1_000), request(2, 40 * DAY, 7, 7, 7, 1_000)),
                    SyncPosition.start("s"),
                    UsageTotals.EMPTY,
                    1L,
                    30 * DAY,
                    20 * DAY);
            store.finishFirstBackfill(); // the first backfill's rollups are built when it ends

            assertThat(totals.series().get(new SeriesKey("3", "gpt-4o", false)).requests())
                    .isEqualTo(2);
            long raw = StoreSql.one(file, "SELECT COUNT(*) FROM logs");
            long rolledUpQuota = StoreSql.one(file, "SELECT SUM(quota) FROM usage_minute");
            assertThat(raw).isEqualTo(1);
            assertThat(rolledUpQuota).isEqualTo(7);
        }
    }

    @Test
    void givenNewStore_whenQuotaPerUnitSaved_thenItReplacesTheDefaultAndSurvivesReopening() {
        Path file = dir.resolve("store.db");
        try (Store store = Store.open(file)) {
            assertThat(store.quotaPerUnit())
                    .as("New API's default before the exporter learns the value")
                    .isEqualTo(500_000);
            store.saveQuotaPerUnit(1_000_000);
        }

        try (Store reopened = Store.open(file)) {
            assertThat(reopened.quotaPerUnit()).isEqualTo(1_000_000);
            long rows = StoreSql.one(file, "SELECT COUNT(*) FROM gateway_options");
            assertThat(rows)
                    .as("one row, read by the dashboards as a scalar subquery")
                    .isEqualTo(1);
        }
    }

    @Test
    void givenStoreFromANewerExporter_whenOpened_thenItIsRefused() {
        Path file = dir.resolve("store.db");
        try (Store store = Store.open(file)) {
            StoreSql.execute(file, "PRAGMA user_version = 99");
        }

        assertThatThrownBy(() -> Store.open(file))
                .hasMessageContaining("schema version 99 is newer than this exporter knows");
    }

    @Test
    void givenRowsInTwoMinutes_whenCommitted_thenRollupsSumPerMinute() {
        Path file = dir.resolve("store.db");
        try (Store store = Store.open(file)) {
            store.commit(
                    List.of(
                            request(1, 600, 1, 2, 3, 1_000),
                            request(2, 659, 10, 20, 30, 1_000),
                            request(3, 660, 100, 200, 300, 1_000)),
                    SyncPosition.start("s"),
                    UsageTotals.EMPTY,
                    1L,
                    Long.MIN_VALUE,
                    Long.MIN_VALUE);
            store.finishFirstBackfill(); // the first backfill's rollups are built when it ends

            List<Long> quotaPerMinute = StoreSql.longs(file, "SELECT quota FROM usage_minute ORDER BY minute");
            assertThat(quotaPerMinute).containsExactly(33L, 300L);
        }
    }

    @Test
    void
            givenOptionalTokenDimensionCappedAtTwo_whenThreeTokensCommitted_thenTheThirdFoldsIntoOtherAndAllSurviveReopening() {
        Path file = dir.resolve("store.db");
        RowClassifier tokens = Classifiers.withDimensions(GatewayFlavor.NEW_API, Set.of(Dimension.TOKEN), 2);
        UsageTotals committed;
        try (Store store = Store.open(file)) {
            committed = store.commit(
                    List.of(
                            request(tokens, 1, "a"),
                            request(tokens, 2, "b"),
                            request(tokens, 3, "c"),
                            request(tokens, 4, "a")),
                    SyncPosition.start("s"),
                    UsageTotals.EMPTY,
                    1L,
                    Long.MIN_VALUE,
                    Long.MIN_VALUE);
        }

        assertThat(committed.dimensions())
                .containsOnlyKeys(
                        new DimensionKey(Dimension.TOKEN, "a"),
                        new DimensionKey(Dimension.TOKEN, "b"),
                        new DimensionKey(Dimension.TOKEN, "__other__"));
        assertThat(committed
                        .dimensions()
                        .get(new DimensionKey(Dimension.TOKEN, "a"))
                        .requests())
                .isEqualTo(2);
        try (Store reopened = Store.open(file)) {
            assertThat(reopened.loadTotals().dimensions()).isEqualTo(committed.dimensions());
        }
    }

    private static ClassifiedRow request(RowClassifier classifier, long id, String token) {
        return classifier.classify(new LogRow(
                id,
                60,
                2,
                1,
                "alice",
                token,
                "gpt-4o",
                1,
                1,
                1,
                1_000,
                false,
                3,
                "default",
                "{}",
                "",
                "",
                "",
                0,
                LogRow.NO_TOKEN_ID));
    }

    private ClassifiedRow request(
            long id, long createdAt, long prompt, long completion, long quota, long useTimeMillis) {
        return classifier.classify(new LogRow(
                id,
                createdAt,
                2,
                1,
                "alice",
                "default",
                "gpt-4o",
                quota,
                prompt,
                completion,
                useTimeMillis,
                false,
                3,
                "default",
                "{}",
                "",
                "",
                "",
                0,
                LogRow.NO_TOKEN_ID));
    }
}
