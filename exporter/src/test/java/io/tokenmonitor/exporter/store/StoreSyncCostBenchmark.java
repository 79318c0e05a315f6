package io.tokenmonitor.exporter.store;

import io.tokenmonitor.common.sqlite.SqliteOptions.Synchronous;
import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.LogRow;
import io.tokenmonitor.exporter.model.SyncPosition;
import io.tokenmonitor.exporter.model.UsageTotals;
import io.tokenmonitor.exporter.source.GatewayFlavor;
import io.tokenmonitor.exporter.sync.RowClassifier;
import io.tokenmonitor.exporter.testing.Classifiers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What synchronous=FULL costs the store against NORMAL, in one run on this machine: rows per second
 * through {@link Store#commit}, for backfill batches (5,000 rows, ExporterConfig's default) and for
 * the small batches of a caught-up sync. Not a test: run it with
 * {@code java -cp … io.tokenmonitor.exporter.store.StoreSyncCostBenchmark [dir]} (dir on the disk to
 * measure; default a temporary directory).
 */
public final class StoreSyncCostBenchmark {
    private static final long ROWS = 200_000;

    private StoreSyncCostBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("tm-sync-cost-");
        RowClassifier classifier = Classifiers.uncapped(GatewayFlavor.NEW_API);
        for (int batch : List.of(5_000, 100, 10)) {
            for (int round = 0; round < 2; round++) { // the first round warms up the JIT and the disk
                for (Synchronous level : List.of(Synchronous.NORMAL, Synchronous.FULL)) {
                    Path file = dir.resolve("store-" + level + "-" + batch + "-" + round + ".db");
                    long rows = batch >= 1_000 ? ROWS : batch * 500L;
                    double perSecond = rowsPerSecond(file, level, batch, rows, classifier);
                    if (round == 1) {
                        System.out.printf(
                                "batch %5d rows  synchronous=%-6s %,10.0f rows/s  %,8.1f commits/s%n",
                                batch, level, perSecond, perSecond / batch);
                    }
                    for (String suffix : List.of("", "-wal", "-shm")) {
                        Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
                    }
                }
            }
        }
    }

    private static double rowsPerSecond(Path file, Synchronous level, int batch, long rows, RowClassifier classifier) {
        try (Store store = Store.open(file, level)) {
            store.finishFirstBackfill(); // the steady state's level; the first backfill writes at NORMAL either way
            UsageTotals totals = UsageTotals.EMPTY;
            long start = System.nanoTime();
            for (long id = 1; id <= rows; id += batch) {
                List<ClassifiedRow> chunk = new ArrayList<>(batch);
                for (long i = id; i < id + batch; i++) {
                    chunk.add(classifier.classify(new LogRow(
                            i,
                            1_700_000_000L + i / 50,
                            2,
                            1,
                            "alice",
                            "default",
                            "model-" + (i % 40),
                            500,
                            120,
                            30,
                            2_000,
                            false,
                            (int) (i % 20),
                            "default",
                            "{}",
                            "req-" + i,
                            "127.0.0.1",
                            "",
                            0,
                            LogRow.NO_TOKEN_ID)));
                }
                totals = store.commit(
                        chunk,
                        new SyncPosition("bench", id + batch - 1, 0, List.of()),
                        totals,
                        System.currentTimeMillis(),
                        Long.MIN_VALUE,
                        Long.MIN_VALUE);
            }
            return rows / ((System.nanoTime() - start) / 1e9);
        }
    }
}
