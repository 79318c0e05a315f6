package io.tokenmonitor.exporter.store;

import io.tokenmonitor.exporter.source.GatewayFlavor;
import io.tokenmonitor.exporter.source.LogRow;
import io.tokenmonitor.exporter.sync.ClassifiedRow;
import io.tokenmonitor.exporter.sync.IdGap;
import io.tokenmonitor.exporter.sync.RowClassifier;
import io.tokenmonitor.exporter.sync.SyncPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreTest {

    private static final long DAY = 86_400;
    private final RowClassifier classifier = new RowClassifier(GatewayFlavor.NEW_API);

    @TempDir
    Path dir;

    @Test
    void givenCommittedBatch_whenStoreReopens_thenTotalsAndPositionAreBack() {
        Path file = dir.resolve("store.db");
        SyncPosition position = new SyncPosition("mysql:newapi", 2, 1_000, List.of(new IdGap(1, 1, 5_000)));
        UsageTotals committed;
        try (Store store = Store.open(file)) {
            committed = store.commit(List.of(request(2, 1_000, 120, 30, 500, 4_000)), position, UsageTotals.EMPTY, 1L);
        }

        try (Store reopened = Store.open(file)) {
            assertThat(reopened.loadTotals()).isEqualTo(committed);
            assertThat(reopened.loadPosition()).contains(position);
        }
        SeriesTotals series = committed.series().get(new SeriesKey("3", "gpt-4o", false));
        assertThat(series.requests()).isEqualTo(1);
        assertThat(series.inputTokens()).isEqualTo(120);
        assertThat(series.duration().counts()[2]).as("4 s falls in the le=5 bucket").isZero();
        assertThat(series.duration().counts()[3]).isEqualTo(1);
    }

    @Test
    void givenRowAlreadyStored_whenCommittedAgain_thenItIsNotCountedTwice() {
        try (Store store = Store.open(dir.resolve("store.db"))) {
            UsageTotals once = store.commit(List.of(request(7, 1_000, 10, 10, 10, 1_000)), SyncPosition.start("s"), UsageTotals.EMPTY, 1L);

            UsageTotals twice = store.commit(List.of(request(7, 1_000, 10, 10, 10, 1_000)), SyncPosition.start("s"), once, 2L);

            assertThat(twice.series()).isEqualTo(once.series());
        }
    }

    @Test
    void givenOldRawRows_whenPruned_thenTheyGoButTotalsStay() {
        try (Store store = Store.open(dir.resolve("store.db"))) {
            UsageTotals totals = store.commit(List.of(request(1, 10 * DAY, 5, 5, 5, 1_000), request(2, 40 * DAY, 5, 5, 5, 1_000)),
                    SyncPosition.start("s"), UsageTotals.EMPTY, 1L);

            int deleted = store.prune(30 * DAY, 30 * DAY);

            assertThat(deleted).isEqualTo(1);
            assertThat(store.loadTotals()).isEqualTo(totals);
            int left = store.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM logs").mapTo(Integer.class).one());
            assertThat(left).isEqualTo(1);
        }
    }

    @Test
    void givenRowsOlderThanRetention_whenCommitted_thenTheyAreCountedButNeitherKeptRawNorRolledUp() {
        try (Store store = Store.open(dir.resolve("store.db"))) {
            UsageTotals totals = store.commit(List.of(request(1, 10 * DAY, 5, 5, 5, 1_000), request(2, 40 * DAY, 7, 7, 7, 1_000)),
                    SyncPosition.start("s"), UsageTotals.EMPTY, 1L, OptionalDimensions.NONE, 30 * DAY, 20 * DAY);

            assertThat(totals.series().get(new SeriesKey("3", "gpt-4o", false)).requests()).isEqualTo(2);
            long raw = store.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM logs").mapTo(Long.class).one());
            long rolledUpQuota = store.jdbi().withHandle(h -> h.createQuery("SELECT SUM(quota) FROM usage_minute").mapTo(Long.class).one());
            assertThat(raw).isEqualTo(1);
            assertThat(rolledUpQuota).isEqualTo(7);
        }
    }

    @Test
    void givenNewStore_whenQuotaPerUnitSaved_thenItReplacesTheDefaultAndSurvivesReopening() {
        Path file = dir.resolve("store.db");
        try (Store store = Store.open(file)) {
            assertThat(store.quotaPerUnit()).as("New API's default before the exporter learns the value").isEqualTo(500_000);
            store.saveQuotaPerUnit(1_000_000);
        }

        try (Store reopened = Store.open(file)) {
            assertThat(reopened.quotaPerUnit()).isEqualTo(1_000_000);
            long rows = reopened.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM gateway_options").mapTo(Long.class).one());
            assertThat(rows).as("one row, read by the dashboards as a scalar subquery").isEqualTo(1);
        }
    }

    @Test
    void givenStoreFromANewerExporter_whenOpened_thenItIsRefused() {
        Path file = dir.resolve("store.db");
        try (Store store = Store.open(file)) {
            store.jdbi().useHandle(h -> h.execute("PRAGMA user_version = 99"));
        }

        assertThatThrownBy(() -> Store.open(file)).hasMessageContaining("schema version 99 is newer than this exporter knows");
    }

    @Test
    void givenRowsInTwoMinutes_whenCommitted_thenRollupsSumPerMinute() {
        try (Store store = Store.open(dir.resolve("store.db"))) {
            store.commit(List.of(request(1, 600, 1, 2, 3, 1_000), request(2, 659, 10, 20, 30, 1_000), request(3, 660, 100, 200, 300, 1_000)),
                    SyncPosition.start("s"), UsageTotals.EMPTY, 1L);

            List<Long> quotaPerMinute = store.jdbi().withHandle(h -> h.createQuery("SELECT quota FROM usage_minute ORDER BY minute")
                    .mapTo(Long.class).list());
            assertThat(quotaPerMinute).containsExactly(33L, 300L);
        }
    }

    @Test
    void givenOptionalTokenDimensionCappedAtTwo_whenThreeTokensCommitted_thenTheThirdFoldsIntoOtherAndAllSurviveReopening() {
        Path file = dir.resolve("store.db");
        OptionalDimensions tokens = new OptionalDimensions(java.util.Set.of(OptionalDimensions.Dimension.TOKEN), 2, java.util.Map.of());
        UsageTotals committed;
        try (Store store = Store.open(file)) {
            committed = store.commit(List.of(request(1, 60, 1, 1, 1, 1_000, "a"), request(2, 60, 1, 1, 1, 1_000, "b"),
                    request(3, 60, 1, 1, 1, 1_000, "c"), request(4, 60, 1, 1, 1, 1_000, "a")), SyncPosition.start("s"), UsageTotals.EMPTY, 1L, tokens, Long.MIN_VALUE, Long.MIN_VALUE);
        }

        assertThat(committed.dimensions()).containsOnlyKeys(new DimensionKey(OptionalDimensions.Dimension.TOKEN, "a"),
                new DimensionKey(OptionalDimensions.Dimension.TOKEN, "b"), new DimensionKey(OptionalDimensions.Dimension.TOKEN, "__other__"));
        assertThat(committed.dimensions().get(new DimensionKey(OptionalDimensions.Dimension.TOKEN, "a")).requests()).isEqualTo(2);
        try (Store reopened = Store.open(file)) {
            assertThat(reopened.loadTotals().dimensions()).isEqualTo(committed.dimensions());
        }
    }

    private ClassifiedRow request(long id, long createdAt, long prompt, long completion, long quota, long useTimeMillis, String token) {
        return classifier.classify(new LogRow(id, createdAt, 2, 1, "alice", token, "gpt-4o", quota, prompt, completion,
                useTimeMillis, false, 3, "default", "{}", "", "", "", 0));
    }

    private ClassifiedRow request(long id, long createdAt, long prompt, long completion, long quota, long useTimeMillis) {
        return classifier.classify(new LogRow(id, createdAt, 2, 1, "alice", "default", "gpt-4o", quota, prompt, completion,
                useTimeMillis, false, 3, "default", "{}", "", "", "", 0));
    }
}
