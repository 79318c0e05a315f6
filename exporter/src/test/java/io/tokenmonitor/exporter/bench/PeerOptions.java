package io.tokenmonitor.exporter.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The side-by-side benchmark's command line.
 *
 * @param rows        rows in the logs table, spread over the last 30 days (default 2,000,000)
 * @param window      how long each measured phase lasts (default 60 s)
 * @param rate        the gateway writer's inserts per second in the steady-state phases (default 20)
 * @param highRate    inserts per second of the last phase (default 1,000)
 * @param freshness   how long the freshness probe runs at {@code highRate} (default 20 s; 0 skips it)
 * @param settle      how long the exporter runs at {@code rate}, scraped, after its backfill caught up and before
 *                    its steady state is measured: the JIT compiles the tail's code paths only then (default 120 s)
 * @param limit       the whole run is stopped (and cleaned up) after this (default 20 min)
 * @param jar         the exporter jar
 * @param dockerfile  the exporter's Dockerfile, whose JAVA_TOOL_OPTIONS the exporter runs with
 * @param pidDir      where each started process's id goes, for the script's last-resort cleanup
 */
record PeerOptions(
        long rows,
        Duration window,
        int rate,
        int highRate,
        Duration freshness,
        Duration settle,
        Duration limit,
        Path jar,
        Path dockerfile,
        Path pidDir) {

    static final String USAGE = """
            usage: PeerBenchmark [--rows N] [--seconds S] [--rate N] [--high-rate N] [--freshness-seconds S]
                                 [--settle-seconds S] [--max-minutes M] [--jar PATH] [--dockerfile PATH] [--pid-dir DIR]""";

    static PeerOptions parse(String[] args) {
        long rows = 2_000_000;
        long seconds = 60;
        int rate = 20;
        int highRate = 1_000;
        long freshnessSeconds = 20;
        long settleSeconds = 120;
        long maxMinutes = 20;
        Path jar = Path.of("exporter/target/token-monitor-exporter.jar");
        Path dockerfile = Path.of("exporter/Dockerfile");
        Path pidDir = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--rows" -> rows = Long.parseLong(value(args, ++i, arg));
                    case "--seconds" -> seconds = Long.parseLong(value(args, ++i, arg));
                    case "--rate" -> rate = Integer.parseInt(value(args, ++i, arg));
                    case "--high-rate" -> highRate = Integer.parseInt(value(args, ++i, arg));
                    case "--freshness-seconds" -> freshnessSeconds = Long.parseLong(value(args, ++i, arg));
                    case "--settle-seconds" -> settleSeconds = Long.parseLong(value(args, ++i, arg));
                    case "--max-minutes" -> maxMinutes = Long.parseLong(value(args, ++i, arg));
                    case "--jar" -> jar = Path.of(value(args, ++i, arg));
                    case "--dockerfile" -> dockerfile = Path.of(value(args, ++i, arg));
                    case "--pid-dir" -> pidDir = Path.of(value(args, ++i, arg));
                    default -> throw new IllegalArgumentException(arg + ": unknown option\n" + USAGE);
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: " + e.getMessage() + "\n" + USAGE);
        }
        if (rows < 1_000
                || seconds < 10
                || rate < 1
                || highRate < 1
                || freshnessSeconds < 0
                || settleSeconds < 0
                || maxMinutes < 1) {
            throw new IllegalArgumentException("--rows ≥ 1000, --seconds ≥ 10, --rate and --high-rate ≥ 1, "
                    + "--freshness-seconds and --settle-seconds ≥ 0, --max-minutes ≥ 1\n" + USAGE);
        }
        return new PeerOptions(
                rows,
                Duration.ofSeconds(seconds),
                rate,
                highRate,
                Duration.ofSeconds(freshnessSeconds),
                Duration.ofSeconds(settleSeconds),
                Duration.ofMinutes(maxMinutes),
                jar,
                dockerfile,
                pidDir);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        }
        return args[i];
    }
}
