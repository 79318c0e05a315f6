package io.tokenmonitor.exporter.bench;

import io.tokenmonitor.exporter.store.Store;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the end of a first backfill's bulk mode goes, and whether another formulation of its passes is cheaper
 * (issue 12, goal 4). Fills a store with {@link StoreFill}, copies its raw rows alone (the rollup tables emptied,
 * the deferred indexes dropped, {@code VACUUM}ed: the store as bulk mode leaves it), then replays on fresh copies
 * of that, in one transaction with the writer's page cache and the exporter's own SQLite (sqlite-jdbc), each
 * formulation several times:
 *
 * <ul>
 *   <li>{@code shipped}: the statements of {@code BackfillRollups} and {@code FirstBackfill}'s index builds, as the
 *       exporter runs them (read from those classes, so the benchmark follows the code);
 *   <li>{@code direct}: each minute table straight from {@code logs} (its temp aggregate as a subquery) and each
 *       day table from the minute table, no temp tables;
 *   <li>{@code no-wal}: {@code shipped} under {@code journal_mode=OFF} (what dropping the WAL in bulk mode would
 *       save; not something the exporter may do: a crash would corrupt the file).
 * </ul>
 *
 * Every replay must give the shipped store's rollups (row count and the sums of quota, requests and input tokens of
 * each table), or the run fails.
 *
 * <pre>
 * java … io.tokenmonitor.exporter.bench.BackfillPassesBenchmark --work DIR [--rows 1000000] [--days 20] [--runs 3]
 * </pre>
 */
public final class BackfillPassesBenchmark {

    private static final List<String> ROLLUPS =
            List.of("usage_minute", "usage_day", "usage_account_minute", "usage_account_day");

    private BackfillPassesBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path work = null;
        int rows = 1_000_000;
        long days = 20;
        int runs = 3;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--work" -> work = Path.of(args[i + 1]);
                case "--rows" -> rows = Integer.parseInt(args[i + 1]);
                case "--days" -> days = Long.parseLong(args[i + 1]);
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (work == null || !Files.isDirectory(work)) {
            throw new IllegalArgumentException("--work must name an existing directory: " + work);
        }
        Path filled = work.resolve("filled.db");
        try (Store store = Store.open(filled)) {
            StoreFill.write(store, rows, days);
        }
        Map<String, String> expected = fingerprint(filled);
        Path raw = work.resolve("raw.db");
        rawOnly(filled, raw);
        System.out.printf(
                "raw rows alone: %,d MB (the filled store: %,d MB)%n",
                Files.size(raw) / 1_000_000, Files.size(filled) / 1_000_000);
        Files.delete(filled);

        List<String> shipped = new ArrayList<>(staticList("BackfillRollups", "PASSES"));
        shipped.addAll(staticList("FirstBackfill", "CREATE_INDEXES"));
        Map<String, List<String>> formulations = new LinkedHashMap<>();
        formulations.put("shipped", shipped);
        formulations.put("direct", direct(shipped));
        formulations.put("no-wal", shipped);

        Map<String, List<Double>> totals = new LinkedHashMap<>();
        for (int run = 1; run <= runs; run++) {
            for (Map.Entry<String, List<String>> f : formulations.entrySet()) {
                Path copy = work.resolve("replay.db");
                Files.copy(raw, copy, StandardCopyOption.REPLACE_EXISTING);
                String journal = f.getKey().equals("no-wal") ? "OFF" : "WAL";
                double[] seconds = replay(copy, journal, f.getValue());
                double total = Arrays.stream(seconds).sum();
                Map<String, String> got = fingerprint(copy);
                if (!got.equals(expected)) {
                    throw new IllegalStateException(
                            f.getKey() + " gave other rollups: " + got + ", expected " + expected);
                }
                for (String suffix : List.of("", "-wal", "-shm")) {
                    Files.deleteIfExists(work.resolve("replay.db" + suffix));
                }
                totals.computeIfAbsent(f.getKey(), k -> new ArrayList<>()).add(total);
                System.out.printf("run %d %-8s %6.2f s  per statement: %s%n", run, f.getKey(), total, format(seconds));
            }
        }
        double shippedMedian = median(totals.get("shipped"));
        System.out.printf("%nend of bulk mode, %,d rows, %d runs each (same rollups checked every run):%n", rows, runs);
        for (Map.Entry<String, List<Double>> t : totals.entrySet()) {
            List<Double> s = t.getValue().stream().sorted().toList();
            System.out.printf(
                    "  %-8s min %6.2f s  median %6.2f s  max %6.2f s  median ÷ shipped %.2f%n",
                    t.getKey(), s.get(0), median(s), s.get(s.size() - 1), median(s) / shippedMedian);
        }
    }

    /** The store as bulk mode leaves it before its end: raw rows, empty rollups, no deferred index. */
    private static void rawOnly(Path filled, Path raw) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + filled);
                Statement s = c.createStatement()) {
            s.execute("VACUUM INTO '" + raw + "'");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + raw);
                Statement s = c.createStatement()) {
            for (String create : staticList("FirstBackfill", "CREATE_INDEXES")) {
                s.execute("DROP INDEX IF EXISTS " + create.split(" ")[5]);
            }
            for (String table : ROLLUPS) {
                s.execute("DELETE FROM " + table);
            }
            s.execute("VACUUM");
        }
    }

    /** Each statement's seconds, the last one the commit. */
    private static double[] replay(Path file, String journal, List<String> statements) throws SQLException {
        double[] seconds = new double[statements.size() + 1];
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode = " + journal);
            s.execute("PRAGMA synchronous = NORMAL");
            s.execute("PRAGMA cache_size = -65536"); // Store.CACHE_SIZE_KIB, the writer's cache
            s.execute("BEGIN");
            for (int i = 0; i < statements.size(); i++) {
                long start = System.nanoTime();
                s.execute(statements.get(i));
                seconds[i] = (System.nanoTime() - start) / 1e9;
            }
            long start = System.nanoTime();
            s.execute("COMMIT");
            seconds[statements.size()] = (System.nanoTime() - start) / 1e9;
        }
        return seconds;
    }

    /**
     * The shipped passes with the temp tables taken out: {@code CREATE TEMP TABLE t AS SELECT …} followed by the
     * minute insert {@code … FROM temp.t …} and the day insert {@code … FROM temp.t …} become the minute insert
     * from the SELECT as a subquery and the day insert from the minute table just written.
     */
    private static List<String> direct(List<String> shipped) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < shipped.size(); i++) {
            String statement = shipped.get(i);
            if (!statement.startsWith("CREATE TEMP TABLE ")) {
                if (!statement.startsWith("DROP TABLE temp.")) {
                    out.add(statement);
                }
                continue;
            }
            String temp = "temp." + statement.split(" ")[3];
            String select = statement.substring(statement.indexOf("SELECT"));
            String minute = shipped.get(i + 1);
            String day = shipped.get(i + 2);
            String minuteTable = minute.split(" ")[2];
            out.add(minute.replace("FROM " + temp, "FROM (" + select + ")"));
            out.add(day.replace("FROM " + temp, "FROM " + minuteTable));
            i += 2;
        }
        return out;
    }

    private static Map<String, String> fingerprint(Path file) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            for (String table : ROLLUPS) {
                try (ResultSet rs = s.executeQuery(
                        "SELECT COUNT(*), TOTAL(quota), TOTAL(requests), TOTAL(input_tokens) FROM " + table)) {
                    rs.next();
                    out.put(
                            table,
                            rs.getLong(1) + " rows, quota " + rs.getDouble(2) + ", requests " + rs.getDouble(3)
                                    + ", input " + rs.getDouble(4));
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<String> staticList(String className, String field) {
        try {
            Field f =
                    Class.forName("io.tokenmonitor.exporter.store." + className).getDeclaredField(field);
            f.setAccessible(true);
            return (List<String>) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the benchmark reads " + className + "." + field + ": " + e, e);
        }
    }

    private static String format(double[] seconds) {
        StringBuilder out = new StringBuilder();
        for (double s : seconds) {
            out.append(String.format("%.2f ", s));
        }
        return out.toString().trim();
    }

    private static double median(List<Double> values) {
        List<Double> s = values.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
