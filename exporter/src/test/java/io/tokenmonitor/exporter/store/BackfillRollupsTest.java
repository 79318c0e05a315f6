package io.tokenmonitor.exporter.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.Dimension;
import io.tokenmonitor.exporter.model.LogRow;
import io.tokenmonitor.exporter.model.SyncPosition;
import io.tokenmonitor.exporter.model.UsageTotals;
import io.tokenmonitor.exporter.source.GatewayFlavor;
import io.tokenmonitor.exporter.sync.RowClassifier;
import io.tokenmonitor.exporter.testing.Classifiers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A first backfill's set-based rollups against the row-by-row path, table by table and row by row. */
class BackfillRollupsTest {

    private static final long T = 1_790_000_000L;
    private static final List<String> TABLES = List.of(
            "usage_minute",
            "usage_day",
            "usage_account_minute",
            "usage_account_day",
            "usage_totals",
            "error_totals",
            "ingest_totals",
            "dimension_totals");

    @TempDir
    Path dir;

    @Test
    void givenTheSameBatches_whenWrittenAsAFirstBackfillAndRowByRow_thenEveryRollupAndTotalRowIsTheSame()
            throws Exception {
        List<List<ClassifiedRow>> batches = batches();
        Path bulk = dir.resolve("bulk.db");
        try (Store store = Store.open(bulk)) {
            assertThat(store.inFirstBackfill()).isTrue();
            commitAll(store, batches);
            store.finishFirstBackfill();
        }
        Path rowByRow = dir.resolve("row-by-row.db");
        try (Store store = Store.open(rowByRow)) {
            store.finishFirstBackfill(); // nothing written yet: every batch after this takes the row-by-row path
            assertThat(store.inFirstBackfill()).isFalse();
            commitAll(store, batches);
        }
        for (String table : TABLES) {
            List<String> expected = rows(rowByRow, table);
            assertThat(expected).as(table).isNotEmpty();
            assertThat(rows(bulk, table)).as(table).containsExactlyElementsOf(expected);
        }
    }

    /**
     * Every kind (requests with and without a duration, settlements, refunds, errors of each status class,
     * channel tests, a top-up), negative quota and tokens, rows across minute and UTC-day boundaries in batches of
     * 37, ids repeated in a later batch, and rows older than the raw cutoff (counted and rolled up, not kept raw).
     */
    private static List<List<ClassifiedRow>> batches() {
        RowClassifier classifier =
                Classifiers.withDimensions(GatewayFlavor.NEW_API, EnumSet.allOf(Dimension.class), 100);
        Random random = new Random(7);
        List<ClassifiedRow> all = new ArrayList<>();
        for (int id = 1; id <= 1_500; id++) {
            long createdAt = T + id * 97L - (id % 50 == 0 ? 90_000 : 0);
            int type = new int[] {2, 2, 2, 2, 5, 6, 2, 1}[random.nextInt(8)];
            String tokenName = random.nextInt(20) == 0 ? "模型测试" : "key-" + random.nextInt(4);
            int status = new int[] {429, 503, 0, 418, 302}[random.nextInt(5)];
            boolean task = random.nextInt(10) == 0;
            boolean stream = random.nextBoolean();
            String other = "{\"frt\":" + (stream ? 100 + random.nextInt(900) : -1000) + ",\"cache_tokens\":"
                    + random.nextInt(50) + ",\"cache_creation_tokens\":" + random.nextInt(30)
                    + (type == 5 ? ",\"status_code\":" + status : "") + (task ? ",\"task_id\":\"t\"" : "") + "}";
            long prompt = task ? 0 : random.nextInt(2_000) - 50;
            long completion = task ? 0 : random.nextInt(1_000);
            all.add(classifier.classify(new LogRow(
                    id,
                    createdAt,
                    type,
                    1 + random.nextInt(3),
                    "user",
                    tokenName,
                    "model-" + random.nextInt(3),
                    random.nextInt(10_000) - 1_000,
                    prompt,
                    completion,
                    random.nextInt(6) == 0 ? -1 : 1_000L * random.nextInt(30),
                    stream,
                    1 + random.nextInt(3),
                    random.nextBoolean() ? "default" : "vip",
                    other,
                    "",
                    "req-" + id,
                    "",
                    0,
                    random.nextInt(5))));
        }
        List<List<ClassifiedRow>> batches = new ArrayList<>();
        for (int from = 0; from < all.size(); from += 37) {
            batches.add(all.subList(from, Math.min(all.size(), from + 37)));
        }
        batches.add(all.subList(100, 140)); // already stored: counted once
        return batches;
    }

    private static void commitAll(Store store, List<List<ClassifiedRow>> batches) {
        UsageTotals totals = store.loadTotals();
        long rawCutoff = T - 3_600; // the rows moved a day back are not kept raw
        for (List<ClassifiedRow> batch : batches) {
            ClassifiedRow last = batch.get(batch.size() - 1);
            totals = store.commit(
                    batch,
                    new SyncPosition("s", last.row().id(), last.row().createdAt(), List.of()),
                    totals,
                    1_000L,
                    rawCutoff,
                    rawCutoff - 86_400);
        }
    }

    /**
     * The table's rows in key order, each as its columns' text. The latency sums are whole seconds (New API logs
     * use_time in seconds), so both paths add the same doubles exactly whatever the order.
     */
    private static List<String> rows(Path file, String table) throws Exception {
        Map<String, String> sorted = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.append(meta.getColumnName(i))
                            .append('=')
                            .append(rs.getString(i))
                            .append(' ');
                }
                sorted.put(row.toString(), row.toString());
            }
        }
        return new ArrayList<>(sorted.values());
    }
}
