package io.tokenmonitor.exporter.rule;

import io.tokenmonitor.exporter.budget.BudgetEvaluator;
import io.tokenmonitor.exporter.budget.BudgetScope;
import io.tokenmonitor.exporter.budget.BudgetUsage;
import io.tokenmonitor.exporter.budget.BudgetWindow;
import io.tokenmonitor.exporter.channel.ChannelState;
import io.tokenmonitor.exporter.model.Channel;
import io.tokenmonitor.exporter.store.LatencySample;
import io.tokenmonitor.exporter.store.Store;
import io.tokenmonitor.exporter.store.UsageSpan;
import io.tokenmonitor.exporter.store.UsageSum;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/** Works out every rule's value from the store (and, for channel_down, the gateway's channels as last read). */
public final class RuleEvaluator {

    /** The gateway's status of an enabled channel (2 manually, 3 auto-disabled). */
    private static final int ENABLED = 1;

    private final Store store;
    private final BudgetEvaluator budgets;
    private final DoubleSupplier quotaPerUnit;
    private final Supplier<ChannelState> channels;

    public RuleEvaluator(Store store, DoubleSupplier quotaPerUnit, Supplier<ChannelState> channels) {
        this.store = store;
        this.budgets = new BudgetEvaluator(store);
        this.quotaPerUnit = quotaPerUnit;
        this.channels = channels;
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
        return switch (rule.kind()) {
            case USAGE ->
                usage(
                        rule,
                        budgets.evaluate(List.of(rule.budget()), zone, now, quotaPerUnit.getAsDouble())
                                .get(0));
            case ERROR_RATIO -> errorRatio(rule, rule.window().at(now, zone));
            case LATENCY -> latency(rule, rule.window().at(now, zone));
            case SPIKE -> spike(rule, rule.window().at(now, zone));
            case CHANNEL_DOWN -> channelDown(rule);
        };
    }

    private static RuleOutcome usage(Rule rule, BudgetUsage usage) {
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

    private RuleOutcome errorRatio(Rule rule, BudgetWindow.Interval window) {
        UsageSum sum = store.usageSums(List.of(span(rule.scope(), window, 0))).get(0);
        long attempts = sum.requests() + sum.errors();
        Double value = attempts == 0 ? null : (double) sum.errors() / attempts;
        return ratioLike(rule, value, "ratio", attempts, "attempts", window);
    }

    private RuleOutcome latency(Rule rule, BudgetWindow.Interval window) {
        BudgetScope scope = rule.scope();
        // The current second included: raw rows carry whole seconds.
        LatencySample sample = store.latency(
                rule.metric(),
                scope.filter(),
                scope.key(),
                window.start().getEpochSecond(),
                window.end().getEpochSecond() + 1);
        Double value = sample.count() == 0 ? null : sample.p95();
        return ratioLike(rule, value, "seconds", sample.count(), "requests with a latency", window);
    }

    private RuleOutcome spike(Rule rule, BudgetWindow.Interval window) {
        long earlier = rule.compareTo().getSeconds();
        List<UsageSum> sums =
                store.usageSums(List.of(span(rule.scope(), window, 0), span(rule.scope(), window, earlier)));
        long now = sums.get(0).requests();
        long before = sums.get(1).requests();
        Double value = now == 0 ? null : (double) now / Math.max(1, before);
        return ratioLike(rule, value, "factor", now, "requests", window);
    }

    /** error_ratio, latency and spike: armed with min_requests in the window, firing above the threshold. */
    private static RuleOutcome ratioLike(
            Rule rule, Double value, String unit, long requests, String counted, BudgetWindow.Interval window) {
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
        return new RuleOutcome(rule, evaluation, null, List.of());
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
