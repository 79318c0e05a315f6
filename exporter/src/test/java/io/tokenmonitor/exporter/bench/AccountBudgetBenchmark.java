package io.tokenmonitor.exporter.bench;

import io.tokenmonitor.exporter.budget.Budget;
import io.tokenmonitor.exporter.budget.BudgetEvaluator;
import io.tokenmonitor.exporter.rule.RulesFile;
import io.tokenmonitor.exporter.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;

/**
 * Issue 15's figure: 1,000 budgets on API keys evaluated on a store of 5M rows, as a share of BUDGET_INTERVAL (15 s),
 * beside 1,000 budgets on channels and models (the baseline) on the same store, with the same mix of windows (1h,
 * 24h, 7d, 30d, calendar_day, calendar_month, custom). The store is {@link StoreFill}'s (a first backfill through
 * {@link Store#commit}, its rows/s printed too): 10,000 keys of 2,000 users in 5 groups, 20 channels × 40 models, 30
 * days.
 *
 * <pre>
 * exporter/bench-accounts.sh [--rows 5000000]
 * </pre>
 */
public final class AccountBudgetBenchmark {

    private static final int KEYS = StoreFill.KEYS;
    private static final int CHANNELS = StoreFill.CHANNELS;
    private static final int MODELS = StoreFill.MODELS;
    private static final long DAYS = 30;
    private static final int BUDGETS = 1_000;
    private static final int EVALUATIONS = 10;
    private static final Duration BUDGET_INTERVAL = Duration.ofSeconds(15);
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final List<String> WINDOWS = List.of("1h", "24h", "7d", "30d", "calendar_day", "calendar_month");

    private AccountBudgetBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rows = args.length == 2 && args[0].equals("--rows") ? Integer.parseInt(args[1]) : 5_000_000;
        Path dir = Files.createTempDirectory("tm-account-bench");
        Path file = dir.resolve("store.db");
        try (Store store = Store.open(file)) {
            StoreFill.write(store, rows, DAYS);
            Instant now = Instant.now();
            LocalDate past = now.atZone(ZONE).toLocalDate().minusDays(9);
            List<Budget> keys = budgets(past, i -> "token_id: " + (1 + (i * 7L) % KEYS));
            List<Budget> channels = budgets(
                    past, i -> i % 2 == 0 ? "channel_id: " + (1 + i % CHANNELS) : "model: model-" + (i % MODELS));
            BudgetEvaluator evaluator = new BudgetEvaluator(store);
            // Warm the page cache and the JIT for both, then alternate so both see the same machine.
            evaluator.evaluate(keys, ZONE, now, 500_000);
            evaluator.evaluate(channels, ZONE, now, 500_000);
            double[] keyMillis = new double[EVALUATIONS];
            double[] channelMillis = new double[EVALUATIONS];
            for (int r = 0; r < EVALUATIONS; r++) {
                keyMillis[r] = millis(() -> evaluator.evaluate(keys, ZONE, now, 500_000));
                channelMillis[r] = millis(() -> evaluator.evaluate(channels, ZONE, now, 500_000));
            }
            double interval = BUDGET_INTERVAL.toMillis();
            System.out.printf(
                    "1,000 key budgets:             median %.0f ms, max %.0f ms = %.4f of BUDGET_INTERVAL (15 s)%n",
                    median(keyMillis), max(keyMillis), median(keyMillis) / interval);
            System.out.printf(
                    "1,000 channel/model budgets:   median %.0f ms, max %.0f ms = %.4f of BUDGET_INTERVAL (baseline)%n",
                    median(channelMillis), max(channelMillis), median(channelMillis) / interval);
            System.out.printf(
                    "ratio key / channel-model: %.2f (%d evaluations each)%n",
                    median(keyMillis) / median(channelMillis), EVALUATIONS);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    /** 1,000 budgets, the windows in turn (every seventh a custom range), on the scopes {@code scope} names. */
    private static List<Budget> budgets(LocalDate past, java.util.function.IntFunction<String> scope) {
        StringBuilder yaml = new StringBuilder("timezone: Asia/Shanghai\nbudgets:\n");
        for (int i = 0; i < BUDGETS; i++) {
            String window = i % 7 == 6
                    ? "{from: \"" + past + "T07:13\", to: \"" + past.plusDays(2) + "T19:46\"}"
                    : WINDOWS.get(i % 7);
            yaml.append("  - {name: b")
                    .append(i)
                    .append(", ")
                    .append(scope.apply(i))
                    .append(", window: ")
                    .append(window)
                    .append(", limit: {usd: 100}}\n");
        }
        return RulesFile.parse(yaml.toString(), "bench").budgets();
    }

    private static double millis(Runnable run) {
        long start = System.nanoTime();
        run.run();
        return (System.nanoTime() - start) / 1e6;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(0);
    }
}
