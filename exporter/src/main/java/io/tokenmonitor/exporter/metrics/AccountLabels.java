package io.tokenmonitor.exporter.metrics;

import io.prometheus.metrics.model.snapshots.Labels;
import io.tokenmonitor.common.alert.PolicyLabel;
import io.tokenmonitor.exporter.budget.BudgetScope;
import io.tokenmonitor.exporter.store.AccountKey;
import io.tokenmonitor.exporter.store.AccountUser;

/**
 * The labels of a key, user or group scope on newapi_budget_* and newapi_rule_*: {@code token_id} and
 * {@code token_name}, {@code user_id} and {@code username}, or {@code group}. {@code token_id} and {@code user_id}
 * are the policy labels the bridge's key and user breaker act on.
 */
final class AccountLabels {

    private AccountLabels() {}

    /** {@code labels} with the scope's; unchanged for the other scopes. */
    static Labels of(Labels labels, BudgetScope scope) {
        if (scope instanceof BudgetScope.Token token) {
            return labels.add(PolicyLabel.TOKEN_ID.label(), Long.toString(token.tokenId()))
                    .add("token_name", token.tokenName());
        }
        if (scope instanceof BudgetScope.User user) {
            return labels.add(PolicyLabel.USER_ID.label(), Long.toString(user.userId()))
                    .add("username", user.username());
        }
        if (scope instanceof BudgetScope.Group group) {
            return labels.add("group", group.group());
        }
        return labels;
    }

    /** A key's labels with its user and group (spend_anomaly per key). */
    static Labels of(Labels labels, AccountKey key) {
        return labels.add(PolicyLabel.TOKEN_ID.label(), Long.toString(key.id()))
                .add("token_name", key.name())
                .add(PolicyLabel.USER_ID.label(), Long.toString(key.userId()))
                .add("username", key.username())
                .add("group", key.group());
    }

    /** A user's labels with its group (spend_anomaly per user). */
    static Labels of(Labels labels, AccountUser user) {
        return labels.add(PolicyLabel.USER_ID.label(), Long.toString(user.id()))
                .add("username", user.username())
                .add("group", user.group());
    }
}
