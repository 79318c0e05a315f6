package io.tokenmonitor.exporter.bench;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.exporter.budget.BudgetEvaluator;
import io.tokenmonitor.exporter.channel.ChannelState;
import io.tokenmonitor.exporter.http.ExporterHttpServer;
import io.tokenmonitor.exporter.http.WebConfig;
import io.tokenmonitor.exporter.metrics.BudgetCollector;
import io.tokenmonitor.exporter.metrics.ChannelCollector;
import io.tokenmonitor.exporter.metrics.IngestCollector;
import io.tokenmonitor.exporter.metrics.UsageExposition;
import io.tokenmonitor.exporter.model.Channel;
import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.LogRow;
import io.tokenmonitor.exporter.model.SyncPosition;
import io.tokenmonitor.exporter.model.UsageTotals;
import io.tokenmonitor.exporter.rule.ConfigWatcher;
import io.tokenmonitor.exporter.rule.RuleEvaluator;
import io.tokenmonitor.exporter.rule.RuleRegistry;
import io.tokenmonitor.exporter.rule.RulesFile;
import io.tokenmonitor.exporter.source.GatewayFlavor;
import io.tokenmonitor.exporter.store.Store;
import io.tokenmonitor.exporter.sync.IngestStatus;
import io.tokenmonitor.exporter.sync.RowClassifier;
import io.tokenmonitor.exporter.testing.Classifiers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/**
 * Issue 3's figures: evaluating 100 budgets with 30-day windows, and the /metrics scrape time with
 * channels and budgets on, each against a baseline measured in the same run.
 *
 * <pre>
 * mvn -q -B -f exporter/pom.xml test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.tokenmonitor.exporter.bench.BudgetScrapeBenchmark [-Dexec.args="--rows 2000000"]
 * </pre>
 */
public final class BudgetScrapeBenchmark {

    private static final int CHANNELS = 20;
    private static final int MODELS = 40;
    private static final int BUDGETS = 100;
    private static final int EVALUATIONS = 20;
    private static final int SCRAPES = 200;
    private static final long DAYS = 30;

    public static void main(String[] args) throws Exception {
        int rows = args.length == 2 && args[0].equals("--rows") ? Integer.parseInt(args[1]) : 2_000_000;
        Path dir = Files.createTempDirectory("tm-budget-bench");
        Path file = dir.resolve("store.db");
        try (Store store = Store.open(file)) {
            long start = System.nanoTime();
            UsageTotals totals = fill(store, rows);
            System.out.printf(
                    "filled the store with %,d requests over %d days, %d channels x %d models in %.1f s%n",
                    rows, DAYS, CHANNELS, MODELS, (System.nanoTime() - start) / 1e9);

            RulesFile config = RulesFile.parse(budgets(), "bench");
            BudgetEvaluator evaluator = new BudgetEvaluator(store);
            Instant now = Instant.now();
            double[] rollupMillis =
                    time(EVALUATIONS, () -> evaluator.evaluate(config.budgets(), config.zone(), now, 500_000));
            double[] rawMillis = time(3, () -> rawSums(file, now));
            System.out.printf(
                    "100 budgets, 30-day windows, from rollups:   median %.1f ms, max %.1f ms (%d runs)%n",
                    median(rollupMillis), max(rollupMillis), EVALUATIONS);
            System.out.printf(
                    "baseline, the same 100 sums over raw rows:   median %.1f ms (%d runs)%n", median(rawMillis), 3);
            System.out.printf("ratio rollups / raw rows: %.4f%n", median(rollupMillis) / median(rawMillis));

            IngestStatus status = new IngestStatus();
            Supplier<UsageTotals> current = () -> totals;
            UsageExposition usage = new UsageExposition(current, () -> true);
            PrometheusRegistry usageOnly = new PrometheusRegistry();
            PrometheusRegistry full = new PrometheusRegistry();
            full.register(new IngestCollector(status, current, "bench", "sqlite"));
            full.register(new ChannelCollector(() -> new ChannelState(channels(), 500_000, true)));
            // Evaluated once: the evaluation itself is timed above; here only the scrape is.
            RuleRegistry rules = new RuleRegistry(
                    store,
                    new RuleEvaluator(store, () -> 500_000, () -> new ChannelState(channels(), 500_000, true)),
                    config,
                    () -> true,
                    Clock.systemUTC());
            ConfigWatcher watcher = new ConfigWatcher(null, rules, Duration.ofHours(1), Clock.systemUTC());
            watcher.start();
            while (rules.outcomes().isEmpty()) {
                Thread.sleep(50);
            }
            full.register(new BudgetCollector(rules, watcher));
            double[] baseline = scrape(usageOnly, usage);
            double[] withAll = scrape(full, usage);
            watcher.close();
            System.out.printf(
                    "scrape, usage families only (baseline):      median %.2f ms, p99 %.2f ms%n",
                    median(baseline), p99(baseline));
            System.out.printf(
                    "scrape, with channels and 100 budgets:       median %.2f ms, p99 %.2f ms%n",
                    median(withAll), p99(withAll));
            System.out.printf("ratio full / baseline: %.2f%n", median(withAll) / median(baseline));
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    private static UsageTotals fill(Store store, int rows) {
        RowClassifier classifier = Classifiers.uncapped(GatewayFlavor.NEW_API);
        Random random = new Random(9);
        long now = Instant.now().getEpochSecond();
        long from = now - DAYS * 86_400;
        UsageTotals totals = UsageTotals.EMPTY;
        List<ClassifiedRow> batch = new ArrayList<>(5_000);
        for (int i = 1; i <= rows; i++) {
            long createdAt = from + (long) ((double) i / rows * DAYS * 86_400);
            long prompt = 100 + random.nextInt(3000);
            long completion = random.nextInt(1000);
            batch.add(classifier.classify(new LogRow(
                    i,
                    createdAt,
                    2,
                    1,
                    "alice",
                    "default",
                    "model-" + random.nextInt(MODELS),
                    prompt + 4 * completion,
                    prompt,
                    completion,
                    1000L * random.nextInt(30),
                    random.nextBoolean(),
                    1 + random.nextInt(CHANNELS),
                    "default",
                    "{\"frt\":800}",
                    "",
                    "",
                    "",
                    0,
                    LogRow.NO_TOKEN_ID)));
            if (batch.size() == 5_000 || i == rows) {
                totals = store.commit(
                        batch,
                        new SyncPosition("bench", i, createdAt, List.of()),
                        totals,
                        0,
                        Long.MIN_VALUE,
                        Long.MIN_VALUE);
                batch.clear();
            }
        }
        return totals;
    }

    private static String budgets() {
        StringBuilder yaml = new StringBuilder("timezone: Asia/Shanghai\nbudgets:\n");
        for (int i = 0; i < BUDGETS; i++) {
            String scope = i < 40 ? "channel_id: " + (1 + i % CHANNELS) : i < 80 ? "model: model-" + (i % MODELS) : "";
            String unit = List.of("tokens: 1000000000", "usd: 5000", "requests: 1000000")
                    .get(i % 3);
            yaml.append("  - {name: b")
                    .append(i)
                    .append(scope.isEmpty() ? "" : ", " + scope)
                    .append(", window: 30d, limit: {")
                    .append(unit)
                    .append("}}\n");
        }
        return yaml.toString();
    }

    /** The baseline: the same windows summed from the raw rows (created_at index) instead of the rollups. */
    private static void rawSums(Path store, Instant now) {
        long from = now.minus(Duration.ofDays(DAYS)).getEpochSecond();
        Jdbi.create("jdbc:sqlite:" + store.toAbsolutePath()).useHandle(h -> {
            for (int i = 0; i < BUDGETS; i++) {
                String scope = i < 40
                        ? " AND channel_id = '" + (1 + i % CHANNELS) + "'"
                        : i < 80 ? " AND model = 'model-" + (i % MODELS) + "'" : "";
                h.createQuery(
                                "SELECT SUM(prompt_tokens + completion_tokens), COUNT(*), SUM(quota) FROM logs WHERE created_at >= :from"
                                        + scope)
                        .bind("from", from)
                        .mapToMap()
                        .one();
            }
        });
    }

    private static List<Channel> channels() {
        List<Channel> channels = new ArrayList<>();
        for (int i = 1; i <= CHANNELS; i++) {
            channels.add(new Channel(Integer.toString(i), "channel " + i, 1, "default", "", 1, 10.5, 0.8));
        }
        return channels;
    }

    private static double[] scrape(PrometheusRegistry registry, UsageExposition usage) throws Exception {
        try (ExporterHttpServer server = ExporterHttpServer.start(
                new InetSocketAddress("127.0.0.1", 0), registry, usage, () -> true, WebConfig.NONE)) {
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                    .build();
            for (int i = 0; i < 20; i++) {
                client.send(request, HttpResponse.BodyHandlers.ofString()); // warm-up
            }
            double[] millis = new double[SCRAPES];
            for (int i = 0; i < SCRAPES; i++) {
                long t = System.nanoTime();
                client.send(request, HttpResponse.BodyHandlers.ofString());
                millis[i] = (System.nanoTime() - t) / 1e6;
            }
            return millis;
        }
    }

    private static double[] time(int runs, Runnable work) {
        double[] millis = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            work.run();
            millis[i] = (System.nanoTime() - t) / 1e6;
        }
        return millis;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double p99(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(sorted.length * 0.99) - 1];
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(0);
    }
}
