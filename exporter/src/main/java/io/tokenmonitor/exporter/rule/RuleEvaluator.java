package io.tokenmonitor.exporter.rule;

import io.tokenmonitor.exporter.budget.AccountScopes;
import io.tokenmonitor.exporter.budget.BudgetEvaluator;
import io.tokenmonitor.exporter.budget.BudgetScope;
import io.tokenmonitor.exporter.budget.BudgetUsage;
import io.tokenmonitor.exporter.budget.BudgetWindow;
import io.tokenmonitor.exporter.channel.ChannelState;
import io.tokenmonitor.exporter.model.Channel;
import io.tokenmonitor.exporter.store.AccountKey;
import io.tokenmonitor.exporter.store.AccountUser;
import io.tokenmonitor.exporter.store.LatencySample;
import io.tokenmonitor.exporter.store.Store;
import io.tokenmonitor.exporter.store.UsageQueries;
import io.tokenmonitor.exporter.store.UsageSpan;
import io.tokenmonitor.exporter.store.UsageSum;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/** Works out every rule's value from the store (and, for channel_down, the gateway's channels as last read). */
public final class RuleEvaluator {

    /** The gateway's status of an enabled channel (2 manually, 3 auto-disabled). */
    private static final int ENABLED = 1;

    /** The series limit when none is given (ACCOUNT_SERIES_LIMIT defaults to the same). */
    public static final int DEFAULT_ACCOUNT_SERIES_LIMIT = 100;

    private static final long WEEK_SECONDS = 7 * 86_400L;

    private final Store store;
    private final BudgetEvaluator budgets;
    private final AccountScopes accounts;
    private final DoubleSupplier quotaPerUnit;
    private final Supplier<ChannelState> channels;
    private final int accountSeriesLimit;

    public RuleEvaluator(Store store, DoubleSupplier quotaPerUnit, Supplier<ChannelState> channels) {
        this(store, quotaPerUnit, channels, DEFAULT_ACCOUNT_SERIES_LIMIT);
    }

    /** @param accountSeriesLimit the most series a spend_anomaly rule with {@code per} publishes (highest first) */
    public RuleEvaluator(
            Store store, DoubleSupplier quotaPerUnit, Supplier<ChannelState> channels, int accountSeriesLimit) {
        this.store = store;
        this.budgets = new BudgetEvaluator(store);
        this.accounts = new AccountScopes(store);
        this.quotaPerUnit = quotaPerUnit;
        this.channels = channels;
        this.accountSeriesLimit = accountSeriesLimit;
    }

    /** Every rule at {@code now}, in order; disabled rules too (the API shows them), never armed. */
    public List<RuleOutcome> evaluate(List<Rule> rules, ZoneId zone, Instant now) {
        List<Rule> usageRules =
                rules.stream().filter(r -> r.kind() == RuleKind.USAGE).toList();
        // The usage rules in one read, as the budgets always were: every window sees the same batches.
        List<BudgetUsage> usage =
                budgets.evaluate(usageRules.stream().map(Rule::budget).toList(), zone, now, quotaPerUnit.getAsDouble());
        List<RuleOutcome> outcomes = new ArrayList<>(rules.size());
        int u = 0;
        for (Rule rule : rules) {
            outcomes.add(rule.kind() == RuleKind.USAGE ? usage(rule, usage.get(u++)) : evaluate(rule, zone, now));
        }
        return outcomes;
    }

    /** One rule at {@code now}. */
    public RuleOutcome evaluate(Rule rule, ZoneId zone, Instant now) {
        if (rule.kind() == RuleKind.USAGE) {
            return usage(
                    rule,
                    budgets.evaluate(List.of(rule.budget()), zone, now, quotaPerUnit.getAsDouble())
                            .get(0));
        }
        if (rule.kind() == RuleKind.CHANNEL_DOWN) {
            return channelDown(rule);
        }
        BudgetWindow.Interval window = rule.window().at(now, zone);
        AccountScopes.Resolution resolution = accounts.resolve(rule.scope());
        if (!resolution.resolved()) {
            return unresolved(rule, resolution.problem(), window);
        }
        BudgetScope scope = resolution.scope();
        return switch (rule.kind()) {
            case ERROR_RATIO -> errorRatio(rule, scope, window);
            case LATENCY -> latency(rule, scope, window);
            case SPIKE -> spike(rule, scope, window);
            case SPEND_ANOMALY ->
                rule.anomaly().per() == null ? spendAnomaly(rule, scope, window) : spendAnomalyPer(rule, window);
            case USAGE, CHANNEL_DOWN -> throw new IllegalStateException("evaluated above");
        };
    }

    /** A key or user name that matches no key or user, or several: no value, never armed, the reason as the note. */
    private static RuleOutcome unresolved(Rule rule, String problem, BudgetWindow.Interval window) {
        Evaluation evaluation = new Evaluation(
                rule.kind().label(),
                null,
                rule.above(),
                unitOf(rule),
                false,
                false,
                problem,
                window.start(),
                window.end(),
                0);
        return new RuleOutcome(rule, evaluation, null, List.of(), rule.scope(), List.of());
    }

    private static String unitOf(Rule rule) {
        return switch (rule.kind()) {
            case ERROR_RATIO -> "ratio";
            case LATENCY -> "seconds";
            case SPIKE -> "factor";
            case SPEND_ANOMALY -> "usd";
            case USAGE -> rule.limit().unit().label();
            case CHANNEL_DOWN -> "channels";
        };
    }

    /**
     * Spend in the window against max(min_usd, above × the mean spend in the same window 7·k days earlier, k =
     * 1..weeks). Armed whenever enabled.
     */
    private RuleOutcome spendAnomaly(Rule rule, BudgetScope scope, BudgetWindow.Interval window) {
        int weeks = rule.anomaly().weeks();
        List<UsageSpan> spans = new ArrayList<>(weeks + 1);
        for (int k = 0; k <= weeks; k++) {
            spans.add(span(scope, window, k * WEEK_SECONDS));
        }
        List<UsageSum> sums = store.usageSums(spans);
        double perUnit = quotaPerUnit.getAsDouble();
        double earlier = 0;
        for (int k = 1; k <= weeks; k++) {
            earlier += sums.get(k).netQuota();
        }
        double value = sums.get(0).netQuota() / perUnit;
        double threshold = threshold(rule, earlier / weeks / perUnit);
        boolean armed = rule.enabled();
        Evaluation evaluation = new Evaluation(
                rule.kind().label(),
                value,
                threshold,
                "usd",
                armed,
                armed && value > threshold,
                armed ? "" : "disabled",
                window.start(),
                window.end(),
                sums.get(0).requests());
        return new RuleOutcome(rule, evaluation, null, List.of(), scope, List.of());
    }

    private static double threshold(Rule rule, double meanUsd) {
        return Math.max(rule.anomaly().minUsd(), rule.above() * meanUsd);
    }

    /**
     * spend_anomaly for every key, user or group: those over their own threshold, highest spend first, at most
     * the series limit. The rule's value is how many are over (threshold 1), its note the highest.
     */
    private RuleOutcome spendAnomalyPer(Rule rule, BudgetWindow.Interval window) {
        Rule.Per per = rule.anomaly().per();
        UsageQueries.Per by = switch (per) {
            case TOKEN -> UsageQueries.Per.TOKEN;
            case USER -> UsageQueries.Per.USER;
            case GROUP -> UsageQueries.Per.GROUP;
        };
        int weeks = rule.anomaly().weeks();
        List<UsageSpan> spans = new ArrayList<>(weeks + 1);
        for (int k = 0; k <= weeks; k++) {
            spans.add(span(new BudgetScope.All(), window, k * WEEK_SECONDS));
        }
        List<Map<String, Long>> sums = store.netQuotaBy(by, spans);
        double perUnit = quotaPerUnit.getAsDouble();
        List<Map.Entry<String, double[]>> over = new ArrayList<>();
        for (Map.Entry<String, Long> now : sums.get(0).entrySet()) {
            double earlier = 0;
            for (int k = 1; k <= weeks; k++) {
                earlier += sums.get(k).getOrDefault(now.getKey(), 0L);
            }
            double value = now.getValue() / perUnit;
            double threshold = threshold(rule, earlier / weeks / perUnit);
            if (value > threshold) {
                over.add(Map.entry(now.getKey(), new double[] {value, threshold}));
            }
        }
        over.sort(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> -e.getValue()[0])
                .thenComparing(Map.Entry::getKey));
        boolean armed = rule.enabled();
        List<RuleOutcome.AccountSpend> series = new ArrayList<>();
        if (armed) {
            for (Map.Entry<String, double[]> e : over.subList(0, Math.min(over.size(), accountSeriesLimit))) {
                series.add(accountSpend(per, e.getKey(), e.getValue()[0], e.getValue()[1]));
            }
        }
        String note = !armed
                ? "disabled"
                : over.isEmpty()
                        ? ""
                        : over.size() + " " + per.label() + (over.size() == 1 ? "" : "s")
                                + " over the threshold; highest " + over.get(0).getKey() + " at $"
                                + String.format(
                                        java.util.Locale.ROOT,
                                        "%.2f",
                                        over.get(0).getValue()[0])
                                + (over.size() > accountSeriesLimit
                                        ? "; " + (over.size() - accountSeriesLimit) + " left out by the series limit"
                                        : "");
        Evaluation evaluation = new Evaluation(
                rule.kind().label(),
                (double) over.size(),
                1,
                per.label() + "s",
                armed,
                armed && !over.isEmpty(),
                note,
                window.start(),
                window.end(),
                0);
        return new RuleOutcome(rule, evaluation, null, List.of(), rule.scope(), series);
    }

    private RuleOutcome.AccountSpend accountSpend(Rule.Per per, String key, double value, double threshold) {
        return switch (per) {
            case TOKEN -> {
                long id = Long.parseLong(key);
                AccountKey token = store.token(id).orElse(new AccountKey(id, "", 0, "", ""));
                yield new RuleOutcome.AccountSpend(token, null, "", value, threshold);
            }
            case USER -> {
                long id = Long.parseLong(key);
                AccountUser user = store.user(id).orElse(new AccountUser(id, "", ""));
                yield new RuleOutcome.AccountSpend(null, user, "", value, threshold);
            }
            case GROUP -> new RuleOutcome.AccountSpend(null, null, key, value, threshold);
        };
    }

    private static RuleOutcome usage(Rule rule, BudgetUsage usage) {
        if (!usage.counted()) {
            Evaluation unknown = new Evaluation(
                    rule.kind().label(),
                    null,
                    rule.limit().amount(),
                    rule.limit().unit().label(),
                    false,
                    false,
                    usage.problem(),
                    usage.windowStart(),
                    usage.windowEnd(),
                    0);
            return new RuleOutcome(rule, unknown, usage, List.of());
        }
        boolean armed = rule.enabled() && usage.inForce();
        String note = !rule.enabled() ? "disabled" : usage.inForce() ? "" : "the custom window has ended";
        Evaluation evaluation = new Evaluation(
                rule.kind().label(),
                usage.used(),
                rule.limit().amount(),
                rule.limit().unit().label(),
                armed,
                armed && usage.used() >= rule.limit().amount(),
                note,
                usage.windowStart(),
                usage.windowEnd(),
                0);
        return new RuleOutcome(rule, evaluation, usage, List.of());
    }

    private RuleOutcome errorRatio(Rule rule, BudgetScope scope, BudgetWindow.Interval window) {
        UsageSum sum = store.usageSums(List.of(span(scope, window, 0))).get(0);
        long attempts = sum.requests() + sum.errors();
        Double value = attempts == 0 ? null : (double) sum.errors() / attempts;
        return ratioLike(rule, scope, value, "ratio", attempts, "attempts", window);
    }

    private RuleOutcome latency(Rule rule, BudgetScope scope, BudgetWindow.Interval window) {
        // The current second included: raw rows carry whole seconds.
        LatencySample sample = store.latency(
                rule.metric(),
                scope.filter(),
                scope.key(),
                window.start().getEpochSecond(),
                window.end().getEpochSecond() + 1);
        Double value = sample.count() == 0 ? null : sample.p95();
        return ratioLike(rule, scope, value, "seconds", sample.count(), "requests with a latency", window);
    }

    private RuleOutcome spike(Rule rule, BudgetScope scope, BudgetWindow.Interval window) {
        long earlier = rule.compareTo().getSeconds();
        List<UsageSum> sums = store.usageSums(List.of(span(scope, window, 0), span(scope, window, earlier)));
        long now = sums.get(0).requests();
        long before = sums.get(1).requests();
        Double value = now == 0 ? null : (double) now / Math.max(1, before);
        return ratioLike(rule, scope, value, "factor", now, "requests", window);
    }

    /** error_ratio, latency and spike: armed with min_requests in the window, firing above the threshold. */
    private static RuleOutcome ratioLike(
            Rule rule,
            BudgetScope scope,
            Double value,
            String unit,
            long requests,
            String counted,
            BudgetWindow.Interval window) {
        boolean enough = requests >= rule.minRequests();
        boolean armed = rule.enabled() && enough;
        String note = !rule.enabled()
                ? "disabled"
                : enough ? "" : requests + " of the " + rule.minRequests() + " " + counted + " needed";
        Evaluation evaluation = new Evaluation(
                rule.kind().label(),
                value,
                rule.above(),
                unit,
                armed,
                armed && value != null && value > rule.above(),
                note,
                window.start(),
                window.end(),
                requests);
        return new RuleOutcome(rule, evaluation, null, List.of(), scope, List.of());
    }

    private RuleOutcome channelDown(Rule rule) {
        ChannelState state = channels.get();
        if (!state.loaded()) {
            return channelDown(rule, null, List.of(), "the gateway's channels have not been read yet");
        }
        List<RuleOutcome.ChannelDown> watched = new ArrayList<>();
        for (Channel channel : state.channels()) {
            if (!(rule.scope() instanceof BudgetScope.Channel one)
                    || one.channelId().equals(channel.id())) {
                watched.add(new RuleOutcome.ChannelDown(channel.id(), channel.status() != ENABLED));
            }
        }
        if (watched.isEmpty() && rule.scope() instanceof BudgetScope.Channel one) {
            return channelDown(
                    rule, null, List.of(), "channel " + one.channelId() + " is not among the gateway's channels");
        }
        double down = watched.stream().filter(RuleOutcome.ChannelDown::down).count();
        return channelDown(rule, down, watched, rule.enabled() ? "" : "disabled");
    }

    private static RuleOutcome channelDown(Rule rule, Double down, List<RuleOutcome.ChannelDown> watched, String note) {
        boolean armed = rule.enabled() && down != null;
        Evaluation evaluation = new Evaluation(
                rule.kind().label(), down, 1, "channels", armed, armed && down >= 1, note, null, null, 0);
        return new RuleOutcome(rule, evaluation, null, watched);
    }

    /** The window, moved {@code earlierSeconds} back. */
    private static UsageSpan span(BudgetScope scope, BudgetWindow.Interval window, long earlierSeconds) {
        return new UsageSpan(
                scope.filter(),
                scope.key(),
                window.start().getEpochSecond() - earlierSeconds,
                window.end().getEpochSecond() - earlierSeconds);
    }
}
