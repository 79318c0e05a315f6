package io.tokenmonitor.exporter.store;

import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.LogRow;
import io.tokenmonitor.exporter.model.SyncPosition;
import io.tokenmonitor.exporter.model.UsageTotals;
import io.tokenmonitor.exporter.source.GatewayFlavor;
import io.tokenmonitor.exporter.sync.RowClassifier;
import io.tokenmonitor.exporter.testing.Classifiers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The store's writer alone, without the source: rows per second through {@link Store#commit} for a
 * first backfill, against a plain insert of the same raw columns into a fresh SQLite file (WAL,
 * synchronous=NORMAL, no secondary index, 5,000-row transactions), alternating in one run. Rows carry
 * New API's token_id (100 keys), so the store also writes the account rollups. Not a
 * test: {@code java -cp … io.tokenmonitor.exporter.store.StoreWriteBenchmark [rows] [dir]}.
 */
public final class StoreWriteBenchmark {
    private static final int BATCH = 5_000;

    private StoreWriteBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("tm-store-write-");
        List<List<ClassifiedRow>> batches = batches(rows);
        for (int round = 0; round < 3; round++) {
            double copy = copy(dir.resolve("copy-" + round + ".db"), batches);
            double store = store(dir.resolve("store-" + round + ".db"), batches);
            System.out.printf(
                    "round %d: plain copy %,9.0f rows/s, store %,9.0f rows/s, store ÷ copy %.2f%n",
                    round, copy, store, store / copy);
        }
    }

    /** Rows like the SyncBenchmark's: 20 channels × 40 models, 5M rows over 20 days (one every ~0.35 s). */
    private static List<List<ClassifiedRow>> batches(int rows) {
        RowClassifier classifier = Classifiers.uncapped(GatewayFlavor.NEW_API);
        Random random = new Random(1);
        List<List<ClassifiedRow>> batches = new ArrayList<>();
        List<ClassifiedRow> batch = new ArrayList<>(BATCH);
        long start = 1_790_000_000L;
        for (int id = 1; id <= rows; id++) {
            int model = random.nextInt(40);
            int token = 1 + random.nextInt(100); // a key belongs to one user: 100 keys of 50 users
            boolean stream = random.nextBoolean();
            String other = "{\"frt\":" + (stream ? 300 + random.nextInt(900) : -1000)
                    + ",\"group_ratio\":1,\"completion_ratio\":4,\"cache_ratio\":0.1,\"model_price\":-1,"
                    + "\"request_path\":\"/v1/chat/completions\",\"upstream_model_name\":\"model-" + model + "\"}";
            batch.add(classifier.classify(new LogRow(
                    id,
                    start + id * 35L / 100,
                    2,
                    1 + token % 50,
                    "user-" + token % 50,
                    "token-" + token,
                    "model-" + model,
                    1_000 + random.nextInt(5_000),
                    random.nextInt(4_000),
                    random.nextInt(1_000),
                    500 + random.nextInt(20_000),
                    stream,
                    1 + random.nextInt(20),
                    "default",
                    other,
                    "模型倍率 1.25，补全倍率 4.00，分组倍率 1.00",
                    "req-" + id,
                    "10.0.0." + random.nextInt(255),
                    0,
                    token)));
            if (batch.size() == BATCH) {
                batches.add(batch);
                batch = new ArrayList<>(BATCH);
            }
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        return batches;
    }

    private static double store(Path file, List<List<ClassifiedRow>> batches) throws Exception {
        long begin = System.nanoTime();
        long rows = 0;
        try (Store store = Store.open(file)) {
            UsageTotals totals = UsageTotals.EMPTY;
            for (List<ClassifiedRow> batch : batches) {
                long last = batch.get(batch.size() - 1).row().id();
                totals = store.commit(
                        batch,
                        new SyncPosition(
                                "bench", last, batch.get(batch.size() - 1).row().createdAt(), List.of()),
                        totals,
                        System.currentTimeMillis(),
                        Long.MIN_VALUE,
                        Long.MIN_VALUE);
                rows += batch.size();
            }
            store.finishFirstBackfill(); // the index build belongs to the backfill's time
        }
        double perSecond = rows / ((System.nanoTime() - begin) / 1e9);
        delete(file);
        return perSecond;
    }

    private static double copy(Path file, List<List<ClassifiedRow>> batches) throws Exception {
        long begin = System.nanoTime();
        long rows = 0;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = NORMAL");
                s.execute(
                        "CREATE TABLE logs (id INTEGER PRIMARY KEY, created_at INTEGER, type INTEGER, user_id INTEGER,"
                                + " username TEXT, token_name TEXT, model_name TEXT, quota INTEGER, prompt_tokens INTEGER,"
                                + " completion_tokens INTEGER, use_time INTEGER, is_stream INTEGER, channel_id INTEGER,"
                                + " \"group\" TEXT, other TEXT, content TEXT, request_id TEXT, ip TEXT)");
            }
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO logs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (List<ClassifiedRow> batch : batches) {
                    for (ClassifiedRow cr : batch) {
                        LogRow r = cr.row();
                        ps.setLong(1, r.id());
                        ps.setLong(2, r.createdAt());
                        ps.setInt(3, r.type());
                        ps.setLong(4, r.userId());
                        ps.setString(5, r.username());
                        ps.setString(6, r.tokenName());
                        ps.setString(7, r.modelName());
                        ps.setLong(8, r.quota());
                        ps.setLong(9, r.promptTokens());
                        ps.setLong(10, r.completionTokens());
                        ps.setLong(11, r.useTimeMillis());
                        ps.setInt(12, r.stream() ? 1 : 0);
                        ps.setLong(13, r.channelId());
                        ps.setString(14, r.group());
                        ps.setString(15, r.other());
                        ps.setString(16, r.content());
                        ps.setString(17, r.requestId());
                        ps.setString(18, r.ip());
                        ps.executeUpdate();
                    }
                    c.commit();
                    rows += batch.size();
                }
            }
        }
        double perSecond = rows / ((System.nanoTime() - begin) / 1e9);
        delete(file);
        return perSecond;
    }

    private static void delete(Path file) throws Exception {
        for (String suffix : List.of("", "-wal", "-shm", ".lock")) {
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
        }
    }
}
