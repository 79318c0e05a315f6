package io.tokenmonitor.exporter.bench;

import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.SyncPosition;
import io.tokenmonitor.exporter.model.UsageTotals;
import io.tokenmonitor.exporter.source.GatewayFlavor;
import io.tokenmonitor.exporter.store.Store;
import io.tokenmonitor.exporter.sync.RowClassifier;
import io.tokenmonitor.exporter.testing.Classifiers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The store's share of freshness on a big store, without MariaDB or HTTP: the sync's steady state replayed against
 * {@link Store#commit}. Rows arrive at {@code --rate} per second; a poll takes every row that arrived since the last
 * one, commits them in one batch, then sleeps {@code POLL_INTERVAL} (1 s), as {@code SyncLoop} does once caught up.
 * A row's freshness is the end of its batch's commit minus its arrival (what FreshnessProbe measures, less the read
 * from the gateway and the scrape). Run it on a copy of a {@link StoreFill} store, the same copy before and after a
 * change:
 *
 * <pre>
 * java … io.tokenmonitor.exporter.bench.CommitFreshnessBenchmark --store copy.db [--rate 1000] [--seconds 60]
 * </pre>
 */
public final class CommitFreshnessBenchmark {

    private static final long POLL_MILLIS = 1_000;
    /** Above StoreFill's ids, so every row is new. */
    private static final long FIRST_ID = 100_000_000;

    private CommitFreshnessBenchmark() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        Path file = null;
        int rate = 1_000;
        int seconds = 60;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--store" -> file = Path.of(args[i + 1]);
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (file == null || !Files.exists(file)) {
            throw new IllegalArgumentException("--store must name a filled store (StoreFill): " + file);
        }
        RowClassifier classifier = Classifiers.uncapped(GatewayFlavor.NEW_API);
        Random random = new Random(16);
        List<Double> freshness = new ArrayList<>();
        List<Double> commits = new ArrayList<>();
        long pid = ProcessHandle.current().pid();
        long peakRssKb = 0;
        long peakWalBytes = 0;
        int peakWalFrames = 0;
        try (Store store = Store.open(file)) {
            UsageTotals totals = store.loadTotals();
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            long lastPoll = start;
            long id = FIRST_ID;
            while (lastPoll < end) {
                Thread.sleep(POLL_MILLIS);
                long poll = System.nanoTime();
                int arrived = (int) Math.round((poll - lastPoll) / 1e9 * rate);
                long[] arrivals = new long[arrived];
                List<ClassifiedRow> batch = new ArrayList<>(arrived);
                long nowSeconds = System.currentTimeMillis() / 1000;
                for (int i = 0; i < arrived; i++) {
                    arrivals[i] = lastPoll + (poll - lastPoll) * (i + 1) / arrived;
                    batch.add(classifier.classify(StoreFill.row(random, ++id, nowSeconds)));
                }
                long commitStart = System.nanoTime();
                totals = store.commit(
                        batch,
                        new SyncPosition("bench", id, nowSeconds, List.of()),
                        totals,
                        System.currentTimeMillis(),
                        Long.MIN_VALUE,
                        Long.MIN_VALUE);
                long visible = System.nanoTime();
                commits.add((visible - commitStart) / 1e6);
                for (long arrival : arrivals) {
                    freshness.add((visible - arrival) / 1e6);
                }
                lastPoll = poll;
                peakRssKb = Math.max(peakRssKb, ProcStat.statusKb(pid, "VmRSS"));
                Path wal = file.resolveSibling(file.getFileName() + "-wal");
                peakWalBytes = Math.max(peakWalBytes, Files.exists(wal) ? Files.size(wal) : 0);
                peakWalFrames = Math.max(peakWalFrames, walFrames(file));
            }
        }
        System.out.printf(
                "store %s (%,d MB), %d rows/s for %d s: %,d rows in %d commits%n",
                file, Files.size(file) / 1_000_000, rate, seconds, freshness.size(), commits.size());
        System.out.println("  commit:    " + LatencyStats.of(unbox(commits)));
        System.out.println("  freshness: " + LatencyStats.of(unbox(freshness)) + " (poll wait + commit)");
        System.out.printf(
                "  peak RSS %,d MB (heap and SQLite's cache), WAL file %,d MB, at most %,d frames in use%n",
                peakRssKb / 1024, peakWalBytes / 1_000_000, peakWalFrames);
    }

    /**
     * The WAL's frames in use after the last commit: {@code mxFrame} of the wal-index header at the start of the
     * {@code -shm} file (sqlite's wal.c, {@code WalIndexHdr}: a 32-bit native-order integer at byte 16). The WAL file
     * itself never shrinks, so its size tells the most it ever held, not whether checkpoints keep up.
     */
    private static int walFrames(Path file) throws IOException {
        Path shm = file.resolveSibling(file.getFileName() + "-shm");
        if (!Files.exists(shm)) {
            return 0;
        }
        try (FileChannel channel = FileChannel.open(shm)) {
            ByteBuffer header = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
            channel.read(header, 0);
            return header.getInt(16);
        }
    }

    private static double[] unbox(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
