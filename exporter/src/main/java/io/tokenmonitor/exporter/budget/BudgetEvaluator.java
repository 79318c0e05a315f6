package io.tokenmonitor.exporter.budget;

import io.tokenmonitor.exporter.store.UsageQueries;
import io.tokenmonitor.exporter.store.UsageSum;
import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Works out every budget's exact usage from the store's rollups. */
public final class BudgetEvaluator {

    private final Jdbi store;

    public BudgetEvaluator(Jdbi store) {
        this.store = store;
    }

    /**
     * Usage of each budget at {@code now}.
     *
     * @param quotaPerUnit the gateway's quota per USD, for budgets in USD
     */
    public List<BudgetUsage> evaluate(BudgetConfig config, Instant now, double quotaPerUnit) {
        return store.withHandle(handle -> {
            List<BudgetUsage> result = new ArrayList<>(config.budgets().size());
            for (Budget budget : config.budgets()) {
                BudgetWindow.Interval window = budget.window().at(now, config.zone());
                UsageSum sum = UsageQueries.between(handle, budget.scope().filter(), budget.scope().key(), window.start().getEpochSecond(), window.end().getEpochSecond());
                double used = switch (budget.limit().unit()) {
                    case TOKENS -> sum.tokens();
                    case REQUESTS -> sum.requests();
                    case USD -> sum.netQuota() / quotaPerUnit;
                };
                // Rolling and calendar windows always have one in force; a custom one is over once its end has passed.
                boolean inForce = !(budget.window() instanceof BudgetWindow.Fixed) || window.end().isAfter(now);
                result.add(new BudgetUsage(budget, used, window.start(), window.end(), inForce));
            }
            return result;
        });
    }
}
