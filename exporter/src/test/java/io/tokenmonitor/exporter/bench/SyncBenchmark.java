package io.tokenmonitor.exporter.bench;

import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.testing.GatewayDatabase;
import io.tokenmonitor.common.testing.GatewayDatabase.Flavor;
import io.tokenmonitor.exporter.source.SourceDsn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Measures the exporter against issue 2's performance targets, all in one run on this machine:
 * backfill throughput as ratios to a plain streaming JDBC read of the same MariaDB rows and to a plain
 * read-and-insert copy of them into SQLite (issue 12; the backfill with
 * {@code -Xmx256m}), freshness under 1,000 inserts/s, /metrics latency at 1M and 5M rows with
 * 20 channels × 40 models, and the source's plan for every query the exporter runs on {@code logs}.
 * Creates and drops its own database; run it with {@code exporter/bench.sh}.
 */
public final class SyncBenchmark {

    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m");
    private static final int BATCH_SIZE = 5_000; // ExporterConfig.DEFAULT_BATCH_SIZE, which the runs use
    private static final Duration BACKFILL_LIMIT = Duration.ofMinutes(25);
    private static final long HISTORY_SECONDS = Duration.ofDays(20).toSeconds();

    private final BenchOptions options;
    private final Scratch scratch;
    private final Path dir;
    private final Summary summary = new Summary();

    private SyncBenchmark(BenchOptions options, Scratch scratch) {
        this.options = options;
        this.scratch = scratch;
        this.dir = scratch.dir();
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Scratch scratch = Scratch.create("tm-bench-");
        SyncBenchmark bench = new SyncBenchmark(options, scratch);
        BenchRun.run("benchmark", options.limit(), scratch, bench::run);
    }

    private void run() throws Exception {
        System.out.printf("Token Monitor exporter benchmark, %s%n%s%n", Instant.now(), Machine.describe());
        Path jar = dir.resolve("token-monitor-exporter.jar");
        Files.copy(options.jar(), jar); // a build running next to us cannot swap the jar mid-run
        GatewayDatabase db = GatewayDatabase.create(Dialect.MYSQL, Flavor.NEW_API, dir);
        scratch.push(db);
        System.out.println("MariaDB database " + db.sqlDsn().replaceAll("\\?.*", ""));
        GatewayRows rows = new GatewayRows(1);
        BulkLoader loader = new BulkLoader(db, rows);
        long now = System.currentTimeMillis() / 1000;
        long historyStart = now - HISTORY_SECONDS;
        long split = historyStart + HISTORY_SECONDS * options.firstRows() / options.rows();

        Summary.phase("load " + options.firstRows() + " rows");
        double[] first = loader.append(options.firstRows(), historyStart, split);
        summary.detail(String.format(
                "insert: %,d rows in %.0f s, indexes rebuilt in %.0f s", options.firstRows(), first[0], first[1]));

        Summary.phase("exporter backfill of " + options.firstRows() + " rows, then scrapes");
        ExporterRun.Backfill smallBackfill;
        ScrapeTimer.Result smallScrape;
        try (ExporterRun exporter = startExporter(db, "store-small.db", false)) {
            smallBackfill = exporter.awaitCaughtUp(BACKFILL_LIMIT);
            smallScrape = ScrapeTimer.time(exporter.port(), options.scrapes());
        }
        deleteStore("store-small.db");
        System.out.println("  scrape: " + smallScrape.latency());

        if (options.rows() > options.firstRows()) {
            Summary.phase("load " + (options.rows() - options.firstRows()) + " more rows");
            double[] rest = loader.append(options.rows() - options.firstRows(), split, now - 60);
            summary.detail(String.format(
                    "insert: %,d more rows in %.0f s, indexes rebuilt over all rows in %.0f s",
                    options.rows() - options.firstRows(), rest[0], rest[1]));
        }

        Summary.phase("baseline: streaming JDBC read of all rows (twice; the second counts)");
        SourceDsn dsn = SourceDsn.parse("SQL_DSN", db.sqlDsn(), "one-api.db");
        StreamingRead.Result warmUp = StreamingRead.run(dsn.jdbcUrl(), dsn.user(), dsn.password());
        System.out.printf(
                "  warm-up read: %,d rows in %.1f s, %,.0f rows/s%n",
                warmUp.rows(), warmUp.seconds(), warmUp.rowsPerSecond());
        CpuWindow baselineCpu = CpuWindow.start(ProcessHandle.current().pid());
        StreamingRead.Result baseline = StreamingRead.run(dsn.jdbcUrl(), dsn.user(), dsn.password());
        String baselineLoad = baselineCpu.stop(baseline.seconds(), "reader (this JVM)");
        System.out.printf(
                "  read: %,d rows in %.1f s, %,.0f rows/s; %s%n",
                baseline.rows(), baseline.seconds(), baseline.rowsPerSecond(), baselineLoad);

        Summary.phase(
                "baseline: the same rows read and inserted into a fresh SQLite file (one thread, 5,000-row transactions)");
        CpuWindow copyCpu = CpuWindow.start(ProcessHandle.current().pid());
        StreamingRead.Result copy = SqliteCopy.run(dsn.jdbcUrl(), dsn.user(), dsn.password(), dir.resolve("copy.db"));
        String copyLoad = copyCpu.stop(copy.seconds(), "copier (this JVM)");
        System.out.printf(
                "  copy: %,d rows in %.1f s, %,.0f rows/s; %s%n",
                copy.rows(), copy.seconds(), copy.rowsPerSecond(), copyLoad);

        Summary.phase("exporter backfill of " + baseline.rows() + " rows (-Xmx256m" + (options.profile() ? ", JFR" : "")
                + ")");
        ExporterRun.Backfill backfill;
        ScrapeTimer.Result bigScrape;
        FreshnessProbe.Result freshness;
        String backfillLoad;
        Map<String, Double> threadCpu;
        List<String> profile = List.of();
        try (ExporterRun exporter = startExporter(db, "store-big.db", options.profile())) {
            CpuWindow backfillCpu = CpuWindow.start(exporter.pid());
            backfill = exporter.awaitCaughtUp(BACKFILL_LIMIT);
            backfillLoad = backfillCpu.stop(backfill.startToReadySeconds(), "exporter");
            threadCpu = exporter.threadCpuMillis();
            if (options.profile()) {
                Path recording = dir.resolve("backfill.jfr");
                exporter.dumpRecording(recording);
                profile = JfrSummary.summarize(recording, dir);
                Files.deleteIfExists(recording);
            }
            System.out.println("  " + backfillLoad);

            Summary.phase("scrapes at " + backfill.rows() + " rows");
            bigScrape = ScrapeTimer.time(exporter.port(), options.scrapes());
            System.out.println("  scrape: " + bigScrape.latency());

            Summary.phase("freshness: " + options.insertsPerSecond() + " inserts/s for "
                    + options.freshness().toSeconds() + " s");
            String load = ProcStat.loadAverage();
            freshness = FreshnessProbe.run(db, exporter.port(), options.insertsPerSecond(), options.freshness());
            summary.detail(
                    "freshness: load average before the writer started " + load + ", after " + ProcStat.loadAverage());
            System.out.println("  freshness: " + freshness.latency());
            freshness.failedScrapes().forEach(f -> System.out.println("  freshness: failed scrape " + f));
        }
        deleteStore("store-big.db");

        Summary.phase("query plans");
        List<QueryPlans.Plan> mariadbPlans;
        try (Connection c = db.connect()) {
            String selectList = StreamingRead.selectList(StreamingRead.exporterColumns(c));
            mariadbPlans = QueryPlans.mariadb(c, QueryPlans.queries(selectList, db.maxId(), BATCH_SIZE));
        }
        List<QueryPlans.Plan> postgresPlans = List.of();
        if (options.postgresRows() > 0) {
            try {
                postgresPlans = QueryPlans.postgres(options.postgresRows(), BATCH_SIZE, dir);
            } catch (Exception e) {
                summary.detail("PostgreSQL plans skipped: " + e.getMessage());
            }
        }

        double ratio = backfill.rowsPerSecond() / baseline.rowsPerSecond();
        summary.row(
                "backfill, " + fmt(backfill.rows()) + " rows (first row synced → caught up)",
                String.format("%,.0f rows/s in %.1f s", backfill.rowsPerSecond(), backfill.firstRowToCaughtUpSeconds()),
                "",
                "");
        summary.row(
                "baseline streaming JDBC read, same rows",
                String.format("%,.0f rows/s in %.1f s", baseline.rowsPerSecond(), baseline.seconds()),
                "",
                "");
        summary.row("backfill ÷ baseline read", String.format("%.3f", ratio), "≥ 0.3", Summary.verdict(ratio >= 0.3));
        double copyRatio = backfill.rowsPerSecond() / copy.rowsPerSecond();
        summary.row(
                "baseline read-and-insert SQLite copy, same rows",
                String.format("%,.0f rows/s in %.1f s", copy.rowsPerSecond(), copy.seconds()),
                "",
                "");
        summary.row(
                "backfill ÷ SQLite copy", String.format("%.3f", copyRatio), "≥ 0.9", Summary.verdict(copyRatio >= 0.9));
        summary.row(
                "backfill incl. JVM start (start → /readyz 200)",
                String.format("%.1f s", backfill.startToReadySeconds()),
                "",
                "");
        summary.row(
                "backfill, " + fmt(smallBackfill.rows()) + " rows (first table size, no JFR)",
                String.format(
                        "%,.0f rows/s (÷ read %.3f, ÷ copy %.3f)",
                        smallBackfill.rowsPerSecond(),
                        smallBackfill.rowsPerSecond() / baseline.rowsPerSecond(),
                        smallBackfill.rowsPerSecond() / copy.rowsPerSecond()),
                "",
                "");
        summary.row(
                "memory during the backfill (-Xmx256m)",
                String.format(
                        "completed; peak RSS %.0f MB, max heap used %.0f MB",
                        backfill.peakRssMb(), backfill.maxHeapUsedMb()),
                "runs in -Xmx256m",
                Summary.verdict(true));
        summary.row(
                "freshness at " + String.format("%.0f", freshness.insertsPerSecond()) + " inserts/s, "
                        + options.freshness().toSeconds() + " s",
                String.format(
                        "p50 %.0f ms, p99 %.0f ms, max %.0f ms",
                        freshness.latency().p50Millis(),
                        freshness.latency().p99Millis(),
                        freshness.latency().maxMillis()),
                "p99 ≤ 2000 ms",
                Summary.verdict(freshness.latency().p99Millis() <= 2000 && freshness.rowsNeverSeen() == 0));
        summary.row(
                "scrape at " + fmt(smallBackfill.rows() + 0) + " rows (" + smallScrape.requestSeries()
                        + " request series)",
                String.format(
                        "p50 %.1f ms, p99 %.1f ms",
                        smallScrape.latency().p50Millis(), smallScrape.latency().p99Millis()),
                "< 50 ms",
                Summary.verdict(smallScrape.latency().p99Millis() < 50));
        summary.row(
                "scrape at " + fmt(baseline.rows()) + " rows (" + bigScrape.requestSeries() + " request series)",
                String.format(
                        "p50 %.1f ms, p99 %.1f ms",
                        bigScrape.latency().p50Millis(), bigScrape.latency().p99Millis()),
                "< 50 ms, flat",
                Summary.verdict(bigScrape.latency().p99Millis() < 50));
        boolean allPrimary =
                Stream.concat(mariadbPlans.stream(), postgresPlans.stream()).allMatch(QueryPlans.Plan::primaryKeyOnly);
        summary.row(
                "source queries on logs (" + mariadbPlans.size() + " MariaDB"
                        + (postgresPlans.isEmpty() ? "" : ", " + postgresPlans.size() + " PostgreSQL") + ")",
                allPrimary ? "all on the primary key, no full scan" : "NOT all on the primary key",
                "PK / index only",
                Summary.verdict(allPrimary));

        summary.detail(String.format(
                "scrape bodies: %,d bytes, %,d samples at %s rows; %,d bytes, %,d samples at %s rows",
                smallScrape.bytes(),
                smallScrape.sampleLines(),
                fmt(smallBackfill.rows()),
                bigScrape.bytes(),
                bigScrape.sampleLines(),
                fmt(baseline.rows())));
        summary.detail(String.format(
                "freshness: %,d rows inserted (%,d counted as requests), %,d scrapes (mean %.1f ms), %,d rows never seen, "
                        + "requests total rose by %,d (expected %,d)",
                freshness.rowsInserted(),
                freshness.rowsCounted(),
                freshness.scrapes(),
                freshness.meanScrapeMillis(),
                freshness.rowsNeverSeen(),
                freshness.finalIncrease(),
                freshness.rowsCounted()));
        summary.detail("largest families in a scrape (samples): " + bigScrape.largestFamilies());
        summary.detail("baseline read CPU: " + baselineLoad);
        summary.detail("baseline copy CPU: " + copyLoad);
        summary.detail("backfill CPU: " + backfillLoad);
        printSummary(threadCpu, profile, mariadbPlans, postgresPlans);
    }

    private ExporterRun startExporter(GatewayDatabase db, String store, boolean profile) throws IOException {
        List<String> jvm = new ArrayList<>(JVM_OPTIONS);
        if (profile) {
            jvm.add("-XX:StartFlightRecording=name=bench,settings=default");
        }
        Path log = dir.resolve(store + ".log");
        ExporterRun run = ExporterRun.start(
                dir.resolve("token-monitor-exporter.jar"),
                Map.of("SQL_DSN", db.sqlDsn(), "STORE_PATH", dir.resolve(store).toString()),
                jvm,
                log);
        scratch.push(run);
        return run;
    }

    private void deleteStore(String store) throws IOException {
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(dir.resolve(store + suffix));
        }
    }

    private void printSummary(
            Map<String, Double> threadCpu,
            List<String> profile,
            List<QueryPlans.Plan> mariadb,
            List<QueryPlans.Plan> postgres) {
        summary.print();
        System.out.println();
        System.out.println("Exporter CPU per thread at caught-up (jcmd Thread.print, ms):");
        threadCpu.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
                .limit(12)
                .forEach(e -> System.out.printf("  %10.0f  %s%n", e.getValue(), e.getKey()));
        if (!profile.isEmpty()) {
            System.out.println();
            System.out.println("JFR samples during the backfill:");
            profile.forEach(System.out::println);
        }
        printPlans("MariaDB: ANALYZE of each query (rows = estimate, r_rows = rows actually read)", mariadb);
        printPlans("PostgreSQL: EXPLAIN (ANALYZE, BUFFERS)", postgres);
    }

    private static void printPlans(String title, List<QueryPlans.Plan> plans) {
        if (plans.isEmpty()) {
            return;
        }
        System.out.println();
        System.out.println(title + ":");
        for (QueryPlans.Plan plan : plans) {
            System.out.println("-- " + plan.label() + (plan.primaryKeyOnly() ? "" : "   <-- NOT on the primary key"));
            System.out.println("   " + plan.sql());
            plan.lines().forEach(l -> System.out.println("   " + l));
        }
    }

    private static String fmt(long rows) {
        return rows >= 1_000_000 && rows % 100_000 < 1_000
                ? String.format("%.1fM", rows / 1e6)
                : String.format("%,d", rows);
    }
}
