package io.tokenmonitor.exporter.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The benchmark's command line.
 *
 * @param rows            rows in the MariaDB logs table for the backfill (default 5,000,000)
 * @param firstRows       rows at the first scrape measurement, before the rest are added (default 1,000,000)
 * @param freshness       how long the 1,000 inserts/s writer runs (default 60 s)
 * @param insertsPerSecond the writer's rate (default 1,000)
 * @param scrapes         timed /metrics scrapes per measurement (default 200)
 * @param postgresRows    rows for the PostgreSQL EXPLAIN (default 100,000; 0 skips PostgreSQL)
 * @param limit           the whole run is stopped (and cleaned up) after this (default 45 min)
 * @param profile         record the 5M backfill with JFR and summarize where the samples fall
 */
record BenchOptions(
        long rows,
        long firstRows,
        Duration freshness,
        int insertsPerSecond,
        int scrapes,
        int postgresRows,
        Duration limit,
        boolean profile,
        Path jar) {

    static final String USAGE = """
            usage: SyncBenchmark [--rows N] [--first-rows N] [--seconds S] [--rate N] [--scrapes N] [--pg-rows N]
                                 [--max-minutes M] [--no-profile] [--jar PATH]""";

    static BenchOptions parse(String[] args) {
        long rows = 5_000_000;
        long firstRows = 1_000_000;
        long seconds = 60;
        int rate = 1_000;
        int scrapes = 200;
        int pgRows = 100_000;
        long maxMinutes = 45;
        boolean profile = true;
        Path jar = Path.of(System.getProperty("exporter.jar", "target/token-monitor-exporter.jar"));
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--rows" -> rows = Long.parseLong(args[++i]);
                case "--first-rows" -> firstRows = Long.parseLong(args[++i]);
                case "--seconds" -> seconds = Long.parseLong(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--scrapes" -> scrapes = Integer.parseInt(args[++i]);
                case "--pg-rows" -> pgRows = Integer.parseInt(args[++i]);
                case "--max-minutes" -> maxMinutes = Long.parseLong(args[++i]);
                case "--no-profile" -> profile = false;
                case "--jar" -> jar = Path.of(args[++i]);
                default -> throw new IllegalArgumentException(arg + ": unknown option\n" + USAGE);
            }
        }
        if (firstRows <= 0 || firstRows > rows) {
            throw new IllegalArgumentException(
                    "--first-rows: " + firstRows + " must be between 1 and --rows (" + rows + ")");
        }
        return new BenchOptions(
                rows,
                firstRows,
                Duration.ofSeconds(seconds),
                rate,
                scrapes,
                pgRows,
                Duration.ofMinutes(maxMinutes),
                profile,
                jar);
    }
}
