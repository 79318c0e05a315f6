package io.tokenmonitor.exporter.budget;

import io.tokenmonitor.exporter.store.Store;
import io.tokenmonitor.exporter.store.UsageSpan;
import io.tokenmonitor.exporter.store.UsageSum;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** Works out every budget's exact usage from the store's rollups. */
public final class BudgetEvaluator {

    private final Store store;
    private final AccountScopes accounts;

    public BudgetEvaluator(Store store) {
        this.store = store;
        this.accounts = new AccountScopes(store);
    }

    /**
     * Usage of each budget at {@code now}.
     *
     * @param zone the time zone of calendar windows
     * @param quotaPerUnit the gateway's quota per USD, for budgets in USD
     */
    public List<BudgetUsage> evaluate(List<Budget> budgets, ZoneId zone, Instant now, double quotaPerUnit) {
        List<BudgetWindow.Interval> windows = new ArrayList<>(budgets.size());
        List<UsageSpan> spans = new ArrayList<>(budgets.size());
        List<AccountScopes.Resolution> scopes = new ArrayList<>(budgets.size());
        for (Budget budget : budgets) {
            BudgetWindow.Interval window = budget.window().at(now, zone);
            windows.add(window);
            AccountScopes.Resolution scope = accounts.resolve(budget.scope());
            scopes.add(scope);
            if (scope.resolved()) {
                spans.add(new UsageSpan(
                        scope.scope().filter(),
                        scope.scope().key(),
                        window.start().getEpochSecond(),
                        window.end().getEpochSecond()));
            }
        }
        List<UsageSum> sums = store.usageSums(spans);
        List<BudgetUsage> result = new ArrayList<>(budgets.size());
        int s = 0;
        for (int i = 0; i < budgets.size(); i++) {
            BudgetWindow.Interval window = windows.get(i);
            AccountScopes.Resolution scope = scopes.get(i);
            if (!scope.resolved()) {
                result.add(new BudgetUsage(
                        budgets.get(i), Double.NaN, window.start(), window.end(), false, scope.problem()));
                continue;
            }
            Budget budget = budgets.get(i).withScope(scope.scope());
            UsageSum sum = sums.get(s++);
            double used = switch (budget.limit().unit()) {
                case TOKENS -> sum.tokens();
                case REQUESTS -> sum.requests();
                case USD -> sum.netQuota() / quotaPerUnit;
            };
            // Rolling and calendar windows always have one in force; a custom one is over once its end has passed.
            boolean inForce = !(budget.window() instanceof BudgetWindow.Fixed)
                    || window.end().isAfter(now);
            result.add(new BudgetUsage(budget, used, window.start(), window.end(), inForce));
        }
        return result;
    }
}
