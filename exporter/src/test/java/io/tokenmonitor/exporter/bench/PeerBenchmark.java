package io.tokenmonitor.exporter.bench;

import io.tokenmonitor.common.testing.TestLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What watching a gateway costs, this exporter against prometheus-sql-exporter, in one run (issue
 * 12): a private MariaDB holding New API's {@code logs} with realistic rows over 30 days, a writer
 * inserting as the gateway does, and phases of equal length in which the CPU time of mariadbd and of
 * the monitor process is read from /proc: (a) the load alone, (c) prometheus-sql-exporter running
 * 24-hour and 30-day GROUP BYs every 30 s, (a') the load alone again, (b) this exporter caught up, (d) this exporter idle,
 * (e) this exporter at a high insert rate, then the freshness there. Both monitors are scraped every
 * 15 s as Prometheus scrapes. Run it with {@code exporter/bench-peer.sh}.
 */
public final class PeerBenchmark {

    private static final Duration SCRAPE_EVERY = Duration.ofSeconds(15);
    private static final Duration PEER_INTERVAL = Duration.ofSeconds(30);
    private static final Duration WARM_UP = Duration.ofSeconds(15);
    private static final Duration BACKFILL_LIMIT = Duration.ofMinutes(15);
    private static final long HISTORY_SECONDS = Duration.ofDays(30).toSeconds();
    private static final String DATABASE = "newapi";
    private static final Pattern JAVA_TOOL_OPTIONS = Pattern.compile("JAVA_TOOL_OPTIONS=\"([^\"]*)\"");

    /** CPU over one phase: the database server's, the monitor's (0 without one), the whole machine's busy cores. */
    record Window(double seconds, double dbCpu, double monitorCpu, double machineBusyCores, double writerRate) {
        double dbPerMinute() {
            return dbCpu / seconds * 60;
        }

        double monitorPerMinute() {
            return monitorCpu / seconds * 60;
        }

        /** The monitor's CPU as a percentage of one core. */
        double monitorPercent() {
            return 100 * monitorCpu / seconds;
        }
    }

    private final PeerOptions options;
    private final Scratch scratch;
    private final Path dir;
    private final Summary summary = new Summary();
    private PrivateMariaDb db;

    private PeerBenchmark(PeerOptions options, Scratch scratch) {
        this.options = options;
        this.scratch = scratch;
        this.dir = scratch.dir();
    }

    public static void main(String[] args) throws Exception {
        PeerOptions options;
        try {
            options = PeerOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Scratch scratch = Scratch.create("tm-peer-");
        PeerBenchmark bench = new PeerBenchmark(options, scratch);
        BenchRun.run("bench-peer", options.limit(), scratch, bench::run);
    }

    private void run() throws Exception {
        System.out.printf(
                "Token Monitor exporter vs prometheus-sql-exporter, %s%n%s%n", Instant.now(), Machine.describe());
        String loadAtStart = ProcStat.loadAverage();
        Path jar = dir.resolve("token-monitor-exporter.jar");
        Files.copy(options.jar(), jar); // a build running next to us cannot swap the jar mid-run
        String javaToolOptions = javaToolOptions(options.dockerfile());

        Summary.phase("private MariaDB");
        db = PrivateMariaDb.start(pidFile("mariadbd"));
        scratch.push(db);
        String versions = String.format(
                "versions: MariaDB %s (private server, pid %d, port %d, no option files), prometheus-sql-exporter %s, "
                        + "Java %s (%s), exporter JAVA_TOOL_OPTIONS \"%s\" (from %s)",
                db.version(),
                db.pid(),
                db.port(),
                PeerExporter.version(),
                System.getProperty("java.version"),
                System.getProperty("java.vm.name"),
                javaToolOptions,
                options.dockerfile());
        System.out.println(versions);
        db.createNewApiDatabase(DATABASE);
        String url = db.jdbcUrl(DATABASE);

        Summary.phase("load " + options.rows() + " rows over the last 30 days");
        long now = System.currentTimeMillis() / 1000;
        // The oldest row an hour inside the 30-day window, so the window holds every row for the whole run.
        double[] load =
                new BulkLoader(url, new GatewayRows(1)).append(options.rows(), now - HISTORY_SECONDS + 3600, now - 60);
        summary.detail(String.format(
                "table: %,d rows loaded in %.0f s, indexes rebuilt in %.0f s", options.rows(), load[0], load[1]));
        settle();

        try (Connection admin = db.connect(DATABASE)) {
            GatewayWriter writer = GatewayWriter.start(url, options.rate(), 7);
            scratch.push(writer);

            Summary.phase("(a) the load alone: " + options.rate() + " inserts/s, nothing monitoring");
            Thread.sleep(WARM_UP.toMillis());
            Window alone = measure("load alone", 0, writer);

            Summary.phase(
                    "(c) prometheus-sql-exporter: 24 h and 30 d GROUP BYs every " + PEER_INTERVAL.toSeconds() + " s");
            Window peerWindow;
            IntervalScraper.Stats peerScrape;
            long peerRuns;
            long peerRssKb;
            Duration firstRun;
            try (PeerExporter peer = PeerExporter.start(db.goDsn(DATABASE), PEER_INTERVAL, dir)) {
                Files.writeString(pidFile("prometheus-sql-exporter"), peer.pid() + "\n");
                try (IntervalScraper scraper = IntervalScraper.start(peer.port(), SCRAPE_EVERY)) {
                    firstRun = peer.awaitFirstRun(Duration.ofMinutes(3));
                    System.out.printf("  first run finished %.1f s after the start%n", firstRun.toMillis() / 1e3);
                    // Half an interval later: the window then holds whole runs, not a run cut in two.
                    Thread.sleep(PEER_INTERVAL.toMillis() / 2);
                    long selectsBefore = comSelect(admin);
                    // Whole runs: the window is a whole number of run periods (the interval is the pause
                    // after a run, so a period is the interval plus the run's own time).
                    double period = PEER_INTERVAL.toSeconds() + firstRun.toMillis() / 1e3;
                    long periods = Math.max(1, Math.round(options.window().toSeconds() / period));
                    peerWindow = measure("prometheus-sql-exporter", peer.pid(), writer, Duration.ofMillis((long)
                            (periods * period * 1000)));
                    peerRuns = (comSelect(admin) - selectsBefore) / 2;
                    peerRssKb = ProcStat.statusKb(peer.pid(), "VmRSS");
                    peerScrape = scraper.stats();
                }
                summary.detail(String.format(
                        "prometheus-sql-exporter: first run %.1f s after its start; %d runs of both queries in the %.0f s window "
                                + "(Com_select / 2); VmRSS %,d kB; log %s",
                        firstRun.toMillis() / 1e3,
                        peerRuns,
                        peerWindow.seconds(),
                        peerRssKb,
                        peer.log().getFileName()));
            }

            // The load alone again, right before this exporter: each monitor is compared with the
            // baseline next to it, so a drift of the server's own background work (InnoDB purge and
            // flushing after the bulk load) does not count for either.
            Summary.phase("(a') the load alone again, after prometheus-sql-exporter stopped");
            Thread.sleep(WARM_UP.toMillis());
            Window aloneAgain = measure("load alone again", 0, writer);

            Summary.phase("(b) this exporter: backfill, then caught up at " + options.rate() + " inserts/s");
            Map<String, String> env = new LinkedHashMap<>();
            env.put("SQL_DSN", db.goDsn(DATABASE) + "?charset=utf8mb4&parseTime=True&loc=Local");
            env.put("STORE_PATH", dir.resolve("token-monitor.db").toString());
            if (!javaToolOptions.isEmpty()) {
                env.put("JAVA_TOOL_OPTIONS", javaToolOptions);
            }
            ExporterRun exporter = ExporterRun.start(jar, env, List.of(), dir.resolve("exporter.log"));
            scratch.push(exporter);
            Files.writeString(pidFile("exporter"), exporter.pid() + "\n");
            ExporterRun.Backfill backfill = exporter.awaitCaughtUp(BACKFILL_LIMIT);
            summary.detail(String.format(
                    "exporter backfill: %,d rows at %,.0f rows/s, start → /readyz 200 in %.1f s, peak RSS %.0f MB",
                    backfill.rows(), backfill.rowsPerSecond(), backfill.startToReadySeconds(), backfill.peakRssMb()));
            IntervalScraper scraper = IntervalScraper.start(exporter.port(), SCRAPE_EVERY);
            scratch.push(scraper);
            // Right after the backfill the JIT still compiles the tail's paths and the heap holds the
            // backfill's garbage: that is the catch-up's cost, not the steady state's.
            Thread.sleep(WARM_UP.plus(options.settle()).toMillis());
            Window caughtUp = measure("this exporter", exporter.pid(), writer);
            long rss = ProcStat.statusKb(exporter.pid(), "VmRSS");
            long hwm = ProcStat.statusKb(exporter.pid(), "VmHWM");
            IntervalScraper.Stats exporterScrape = scraper.stats();

            Summary.phase("(d) this exporter idle: no inserts, still scraped");
            writer.close();
            scratch.forget(writer);
            Thread.sleep(WARM_UP.toMillis());
            Window idle = measure("this exporter, idle", exporter.pid(), null);

            Summary.phase("(e) this exporter at " + options.highRate() + " inserts/s");
            Window high;
            try (GatewayWriter fast = GatewayWriter.start(url, options.highRate(), 11)) {
                Thread.sleep(WARM_UP.toMillis());
                high = measure("this exporter, " + options.highRate() + "/s", exporter.pid(), fast);
            }
            long highRss = ProcStat.statusKb(exporter.pid(), "VmRSS");
            long highHwm = ProcStat.statusKb(exporter.pid(), "VmHWM");
            FreshnessProbe.Result freshness = null;
            if (!options.freshness().isZero()) {
                Summary.phase("freshness at " + options.highRate() + " inserts/s for "
                        + options.freshness().toSeconds() + " s");
                awaitSynced(exporter); // the probe counts from a base: rows of (e) still syncing would count as its own
                freshness = FreshnessProbe.run(
                        freshnessTarget(url), exporter.port(), options.highRate(), options.freshness());
                System.out.println("  freshness: " + freshness.latency());
                freshness.failedScrapes().forEach(f -> System.out.println("  freshness: failed scrape " + f));
            }
            IntervalScraper.Stats lastScrape = scraper.stats();

            report(
                    alone,
                    aloneAgain,
                    peerWindow,
                    caughtUp,
                    idle,
                    high,
                    freshness,
                    exporterScrape,
                    peerScrape,
                    lastScrape);
            summary.row(
                    "exporter memory, steady state at " + options.rate() + "/s",
                    String.format("VmRSS %,.0f MB, VmHWM %,.0f MB", rss / 1024.0, hwm / 1024.0),
                    "",
                    "");
            summary.row(
                    "exporter memory after " + options.highRate() + "/s",
                    String.format("VmRSS %,.0f MB, VmHWM %,.0f MB", highRss / 1024.0, highHwm / 1024.0),
                    "",
                    "");
            summary.row("prometheus-sql-exporter memory", String.format("VmRSS %,.0f MB", peerRssKb / 1024.0), "", "");
        }
        summary.detail(versions);
        summary.detail("load average at the start " + loadAtStart + ", at the end " + ProcStat.loadAverage());
        summary.print();
    }

    private void report(
            Window alone,
            Window aloneAgain,
            Window peer,
            Window exporter,
            Window idle,
            Window high,
            FreshnessProbe.Result freshness,
            IntervalScraper.Stats exporterScrape,
            IntervalScraper.Stats peerScrape,
            IntervalScraper.Stats lastScrape) {
        // The peer ran between the two baselines: their mean; this exporter ran after the second.
        double peerBaseline = (alone.dbPerMinute() + aloneAgain.dbPerMinute()) / 2;
        double exporterDb = exporter.dbPerMinute() - aloneAgain.dbPerMinute();
        double peerDb = peer.dbPerMinute() - peerBaseline;
        System.out.println();
        System.out.printf(
                "== CPU-seconds per minute (%d s windows, %d inserts/s, %,d-row logs) ==%n",
                options.window().toSeconds(), options.rate(), options.rows());
        System.out.println("| | database, above the load alone | the monitor process |");
        System.out.println("|---|---|---|");
        System.out.printf(
                "| this exporter (caught up, POLL_INTERVAL 1 s, scraped every 15 s) | %.2f | %.2f |%n",
                exporterDb, exporter.monitorPerMinute());
        System.out.printf(
                "| prometheus-sql-exporter (24 h and 30 d GROUP BYs every 30 s) | %.2f | %.2f |%n",
                peerDb, peer.monitorPerMinute());
        System.out.printf(
                "(the load alone: mariadbd %.2f CPU-s/min before prometheus-sql-exporter, %.2f after it and before "
                        + "this exporter, at %.1f inserts/s)%n",
                alone.dbPerMinute(), aloneAgain.dbPerMinute(), alone.writerRate());

        double ratio = exporter.monitorPerMinute() / Math.max(1e-9, peerDb + peer.monitorPerMinute());
        summary.row(
                "exporter CPU ÷ (peer database + peer process), " + options.rate() + "/s",
                String.format(
                        "%.2f (%.2f ÷ (%.2f + %.2f) CPU-s/min)",
                        ratio, exporter.monitorPerMinute(), peerDb, peer.monitorPerMinute()),
                "≤ 0.25",
                Summary.verdict(ratio <= 0.25));
        summary.row(
                "exporter at " + options.rate() + " inserts/s",
                String.format(
                        "%.1f %% of a core; mariadbd %+.2f CPU-s/min above the load alone",
                        exporter.monitorPercent(), exporterDb),
                "",
                "");
        summary.row(
                "exporter idle (no inserts, scraped every 15 s)",
                String.format("%.2f %% of a core (%.2f CPU-s/min)", idle.monitorPercent(), idle.monitorPerMinute()),
                "≤ 1 %",
                Summary.verdict(idle.monitorPercent() <= 1.0));
        summary.row(
                String.format("exporter at %d inserts/s (%.0f achieved)", options.highRate(), high.writerRate()),
                String.format(
                        "%.2f CPU-s/min (%.1f %% of a core); mariadbd %.2f CPU-s/min",
                        high.monitorPerMinute(), high.monitorPercent(), high.dbPerMinute()),
                "",
                "");
        if (freshness != null) {
            summary.row(
                    String.format(
                            "freshness at %.0f inserts/s, %d s",
                            freshness.insertsPerSecond(), options.freshness().toSeconds()),
                    String.format(
                            "p50 %.0f ms, p99 %.0f ms, max %.0f ms",
                            freshness.latency().p50Millis(),
                            freshness.latency().p99Millis(),
                            freshness.latency().maxMillis()),
                    "p99 ≤ 2000 ms",
                    Summary.verdict(freshness.latency().p99Millis() <= 2000 && freshness.rowsNeverSeen() == 0));
            summary.detail(String.format(
                    "freshness: %,d rows inserted (%,d counted as requests), %,d scrapes every 50 ms (mean %.1f ms), "
                            + "%,d rows never seen",
                    freshness.rowsInserted(),
                    freshness.rowsCounted(),
                    freshness.scrapes(),
                    freshness.meanScrapeMillis(),
                    freshness.rowsNeverSeen()));
        }
        summary.row("exporter scrape (" + shortType(exporterScrape) + ")", scrapeFigure(exporterScrape), "", "");
        summary.row("prometheus-sql-exporter scrape (" + shortType(peerScrape) + ")", scrapeFigure(peerScrape), "", "");
        for (Map.Entry<String, Window> w : Map.of(
                        "1 (a) load alone",
                        alone,
                        "3 (a') load alone again",
                        aloneAgain,
                        "2 (c) prometheus-sql-exporter",
                        peer,
                        "4 (b) this exporter",
                        exporter,
                        "5 (d) idle",
                        idle,
                        "6 (e) high rate",
                        high)
                .entrySet()
                .stream()
                .sorted(Map.Entry.comparingByKey())
                .toList()) {
            summary.detail(String.format(
                    "phase %s: %.1f s, mariadbd %.2f CPU-s, monitor %.2f CPU-s, writer %.1f rows/s, machine busy %.0f %% of %d00 %%",
                    w.getKey(),
                    w.getValue().seconds(),
                    w.getValue().dbCpu(),
                    w.getValue().monitorCpu(),
                    w.getValue().writerRate(),
                    100 * w.getValue().machineBusyCores(),
                    Runtime.getRuntime().availableProcessors()));
        }
        summary.detail(String.format(
                "exporter scrapes: %d (%d failed) through the phases; prometheus-sql-exporter scrapes: %d (%d failed)",
                lastScrape.scrapes(), lastScrape.failures(), peerScrape.scrapes(), peerScrape.failures()));
    }

    private static String scrapeFigure(IntervalScraper.Stats s) {
        return String.format("%,d samples, %,d bytes (%,d on the wire)", s.samples(), s.bodyBytes(), s.wireBytes());
    }

    private static String shortType(IntervalScraper.Stats s) {
        String type = s.contentType().contains("openmetrics") ? "OpenMetrics" : "text format";
        return s.wireBytes() < s.bodyBytes() ? type + ", gzip" : type;
    }

    /** CPU of mariadbd and of {@code monitorPid} (0: none) over the window, with the writer's rate. */
    private Window measure(String name, long monitorPid, GatewayWriter writer) throws InterruptedException {
        return measure(name, monitorPid, writer, options.window());
    }

    private Window measure(String name, long monitorPid, GatewayWriter writer, Duration window)
            throws InterruptedException {
        String loadBefore = ProcStat.loadAverage();
        double db0 = ProcStat.cpuSeconds(db.pid());
        double monitor0 = monitorPid == 0 ? 0 : ProcStat.cpuSeconds(monitorPid);
        double[] machine0 = ProcStat.machineCpuSeconds();
        long rows0 = writer == null ? 0 : writer.rows();
        long start = System.nanoTime();
        Thread.sleep(window.toMillis());
        double seconds = (System.nanoTime() - start) / 1e9;
        double dbCpu = ProcStat.cpuSeconds(db.pid()) - db0;
        double monitorCpu = monitorPid == 0 ? 0 : ProcStat.cpuSeconds(monitorPid) - monitor0;
        double[] machine = ProcStat.machineCpuSeconds();
        double busyCores = (machine[0] - machine0[0])
                / Math.max(1e-9, machine[1] - machine0[1])
                * Runtime.getRuntime().availableProcessors();
        double rate = writer == null ? 0 : (writer.rows() - rows0) / seconds;
        Window w = new Window(seconds, dbCpu, monitorCpu, busyCores, rate);
        System.out.printf(
                "  %s: mariadbd %.2f CPU-s/min, monitor %.2f CPU-s/min (%.1f %% of a core), writer %.1f rows/s, "
                        + "machine busy %.0f %%; load %s → %s%n",
                name,
                w.dbPerMinute(),
                w.monitorPerMinute(),
                w.monitorPercent(),
                rate,
                100 * busyCores,
                loadBefore,
                ProcStat.loadAverage());
        return w;
    }

    /** Waits for the server to go quiet after the bulk load (InnoDB flushing, purge), at most two minutes. */
    private void settle() throws InterruptedException {
        int quiet = 0;
        for (int i = 0; i < 24; i++) {
            double before = ProcStat.cpuSeconds(db.pid());
            Thread.sleep(5_000);
            double percent = (ProcStat.cpuSeconds(db.pid()) - before) / 5 * 100;
            quiet = percent < 2 ? quiet + 1 : 0;
            if (quiet == 2) {
                System.out.printf("  mariadbd quiet (%.1f %% of a core) after %d s%n", percent, 5 * (i + 1));
                return;
            }
        }
        System.out.println("  mariadbd still busy after 120 s; measuring anyway");
    }

    /** Waits (at most 30 s) until the exporter's synced row count stops moving: no backlog left. */
    private static void awaitSynced(ExporterRun exporter) throws Exception {
        double last = -1;
        for (int i = 0; i < 30; i++) {
            double rows = Exposition.sum(exporter.metrics(), "newapi_ingest_rows_total");
            if (rows == last) {
                return;
            }
            last = rows;
            Thread.sleep(1_000);
        }
    }

    private static long comSelect(Connection admin) throws SQLException {
        try (Statement s = admin.createStatement();
                ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Com_select'")) {
            rs.next();
            return rs.getLong(2);
        }
    }

    /** The probe's batches (10 rows a commit, 100 commits a second) on this benchmark's server. */
    private FreshnessProbe.Target freshnessTarget(String url) {
        return new FreshnessProbe.Target() {
            @Override
            public Connection connect() throws SQLException {
                return java.sql.DriverManager.getConnection(url, "root", "");
            }

            @Override
            public void insert(Connection c, List<TestLog> rows) throws SQLException {
                GatewayWriter.insert(c, rows);
            }
        };
    }

    /** The JAVA_TOOL_OPTIONS the exporter's image sets, so the exporter runs as it does in the container. */
    static String javaToolOptions(Path dockerfile) throws IOException {
        if (!Files.isReadable(dockerfile)) {
            return "";
        }
        Matcher m = JAVA_TOOL_OPTIONS.matcher(Files.readString(dockerfile));
        return m.find() ? m.group(1) : "";
    }

    private Path pidFile(String name) throws IOException {
        Path pids = options.pidDir() == null ? dir : options.pidDir();
        Files.createDirectories(pids);
        return pids.resolve(name + ".pid");
    }
}
