package io.tokenmonitor.e2e.grafana;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.sqlite.SQLiteConfig;

/**
 * Times every SQL panel of every dashboard on a big store (issue 16): over 24h, 7d and 30d ending at the store's
 * newest row, with All selected and with one channel and two models selected, a warm-up then {@code --runs} runs on
 * a read-only connection (Grafana's SQLite datasource opens the store with mode=ro). Prints each panel's median and
 * rows, and its median ÷ a baseline of the same range timed in the same way: a count of the raw rows by the
 * created_at index for panels that read {@code logs}, a sum over {@code usage_minute} for the others. Panels over 5 s
 * at 30d get their EXPLAIN QUERY PLAN printed. With {@code --before DIR} (an earlier version of the dashboards) each
 * query that changed is timed in its earlier text too, and the two results compared value by value. Not part of {@code mvn verify}: {@code e2e/bench-dashboards.sh}.
 *
 * <p>$__interval_ms is the range ÷ 1,000 (a panel 1,000 px wide; Grafana rounds it to a "nice" interval, which
 * changes only how many buckets a time series has, the panels floor it at 60 s anyway).
 */
public final class DashboardBenchmark {

    private static final List<Duration> RANGES = List.of(Duration.ofHours(24), Duration.ofDays(7), Duration.ofDays(30));
    private static final Duration SCRAPE = Duration.ofSeconds(15);
    private static final Pattern READS_LOGS = Pattern.compile("\\b(FROM|JOIN)\\s+logs\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern USES_SELECTION = Pattern.compile("\\$\\{?(channel_id|model)\\b");
    private static final double SLOW_MILLIS = 5_000;
    private static final String CHANNEL = "1";
    private static final List<String> MODELS = List.of("model-0", "model-1");

    private final Path store;
    private final int runs;
    /** The queries of an earlier version of the dashboards, by where they are: each one that changed is timed too. */
    private final Map<String, String> before;

    private DashboardBenchmark(Path store, int runs, Map<String, String> before) {
        this.store = store;
        this.runs = runs;
        this.before = before;
    }

    public static void main(String[] args) throws Exception {
        Path store = null;
        Path dashboards = Path.of("grafana/dashboards");
        int runs = 3;
        Map<String, String> before = Map.of();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--store" -> store = Path.of(args[i + 1]);
                case "--dashboards" -> dashboards = Path.of(args[i + 1]);
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--before" -> before = queries(Dashboard.loadAll(Path.of(args[i + 1])));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (store == null || !Files.isRegularFile(store)) {
            throw new IllegalArgumentException("--store must name a store file: " + store);
        }
        new DashboardBenchmark(store, runs, before).run(Dashboard.loadAll(dashboards));
    }

    private static Map<String, String> queries(List<Dashboard> dashboards) {
        Map<String, String> out = new HashMap<>();
        dashboards.forEach(d -> d.queries().forEach(q -> out.put(q.where(), q.text())));
        return out;
    }

    private void run(List<Dashboard> dashboards) throws SQLException {
        try (Connection c = openReadOnly()) {
            long newest = single(c, "SELECT max(created_at) FROM logs");
            System.out.printf(
                    Locale.ROOT,
                    "store %s: %,d raw rows, %,d usage_minute rows, newest row %s; SQLite %s (sqlite-jdbc); "
                            + "load average at start %s; %d runs after a warm-up, median%n",
                    store.getFileName(),
                    single(c, "SELECT count(*) FROM logs"),
                    single(c, "SELECT count(*) FROM usage_minute"),
                    Instant.ofEpochSecond(newest),
                    c.getMetaData().getDatabaseProductVersion(),
                    loadAverage(),
                    runs);
            // The newest row's second is included: the panels' ranges are created_at < $__to / 1000.
            Instant to = Instant.ofEpochSecond(newest + 1);
            for (boolean selection : List.of(false, true)) {
                for (Duration range : RANGES) {
                    section(c, dashboards, to.minus(range), to, range, selection);
                }
            }
            System.out.printf("load average at end %s%n", loadAverage());
        }
    }

    private void section(
            Connection c, List<Dashboard> dashboards, Instant from, Instant to, Duration range, boolean selection)
            throws SQLException {
        long fromS = from.getEpochSecond();
        long toS = to.getEpochSecond();
        Timing logs = time(c, "SELECT count(*) FROM logs WHERE created_at >= " + fromS + " AND created_at < " + toS);
        Timing minutes = time(
                c,
                "SELECT sum(requests), sum(quota_consumed - quota_refunded) FROM usage_minute WHERE minute >= " + fromS
                        + " AND minute < " + toS);
        System.out.printf(
                Locale.ROOT,
                "%n### %s, %s%n%nbaseline logs:   count(*) FROM logs WHERE created_at in range      %9.1f ms%n"
                        + "baseline minute: sum(...) FROM usage_minute WHERE minute in range  %9.1f ms%n%n",
                label(range),
                selection ? "channel " + CHANNEL + " + models " + String.join(", ", MODELS) : "All selected",
                logs.millis,
                minutes.millis);
        System.out.printf(
                Locale.ROOT, "%-62s %10s %8s %9s%n", "dashboard / panel / refId", "median ms", "rows", "÷ base");
        Duration interval = range.dividedBy(1_000);
        for (Dashboard d : dashboards) {
            Interpolator vars = StoreVariables.withoutPrometheus(d, from, to, interval, SCRAPE);
            if (selection) {
                vars.set("channel_id", Interpolator.Value.of(CHANNEL));
                vars.set("model", new Interpolator.Value(MODELS, null, false));
            }
            for (Dashboard.PanelQuery q : d.queries()) {
                if (!q.isSqlite()
                        || (selection && !USES_SELECTION.matcher(q.text()).find())) {
                    continue;
                }
                String sql = vars.apply(q.text(), false);
                Timing t = time(c, sql);
                boolean raw = READS_LOGS.matcher(sql).find();
                double base = raw ? logs.millis : minutes.millis;
                System.out.printf(
                        Locale.ROOT,
                        "%-62s %10.1f %8d %9.1f %s%n",
                        shorten(q.dashboardUid() + " / " + q.panelTitle() + " / " + q.refId(), 62),
                        t.millis,
                        t.rows,
                        t.millis / base,
                        raw ? "logs" : "minute");
                String earlier = before.get(q.where());
                if (earlier != null && !earlier.equals(q.text())) {
                    Timing b = time(c, vars.apply(earlier, false));
                    System.out.printf(
                            Locale.ROOT,
                            "%-62s %10.1f %8d %9.1f %s; after ÷ before %.2f, the same rows: %s%n",
                            "  before (" + q.refId() + ", the earlier query)",
                            b.millis,
                            b.rows,
                            b.millis / base,
                            raw ? "logs" : "minute",
                            t.millis / b.millis,
                            Arrays.equals(t.digest, b.digest) ? "yes" : "NO");
                }
                if (t.millis > SLOW_MILLIS && range.equals(RANGES.get(RANGES.size() - 1))) {
                    plan(c, sql);
                }
            }
        }
    }

    /** A median, the rows read and a digest of every value of every row in order (to compare two queries' results). */
    private record Timing(double millis, long rows, byte[] digest) {}

    /** A warm-up (the page cache, the statement) and then the median of {@code runs} runs, every row read. */
    private Timing time(Connection c, String sql) throws SQLException {
        MessageDigest digest = sha256();
        long rows = read(c, sql, digest);
        double[] millis = new double[runs];
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            read(c, sql, sha256());
            millis[r] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return new Timing(millis[runs / 2], rows, digest.digest());
    }

    private static long read(Connection c, String sql, MessageDigest digest) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            long rows = 0;
            while (rs.next()) {
                for (int i = 1; i <= columns; i++) {
                    // Every value is read (as Grafana's plugin reads them all) and goes into the digest.
                    digest.update(String.valueOf(rs.getObject(i)).getBytes(StandardCharsets.UTF_8));
                    digest.update((byte) 0);
                }
                rows++;
            }
            return rows;
        } catch (SQLException e) {
            throw new SQLException(e.getMessage() + "\n  " + sql, e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void plan(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN " + sql)) {
            List<String> lines = new ArrayList<>();
            while (rs.next()) {
                lines.add("      plan " + rs.getInt("id") + "<" + rs.getInt("parent") + ": " + rs.getString("detail"));
            }
            System.out.println(String.join("\n", lines));
        }
    }

    private Connection openReadOnly() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        return DriverManager.getConnection("jdbc:sqlite:" + store, config.toProperties());
    }

    private static long single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static String label(Duration range) {
        return range.toHours() < 48 ? range.toHours() + "h" : range.toDays() + "d";
    }

    private static String shorten(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "…";
    }
}
