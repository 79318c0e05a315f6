package io.tokenmonitor.exporter.budget;

import io.tokenmonitor.exporter.store.AccountKey;
import io.tokenmonitor.exporter.store.AccountUser;
import io.tokenmonitor.exporter.store.Store;
import java.util.List;

/**
 * Resolves a key or user scope through the store's copies of the gateway's {@code tokens} and {@code users} (as
 * last read), at every evaluation: a name becomes its id, an id gets its name for the labels. Other scopes pass.
 */
public final class AccountScopes {

    private final Store store;

    public AccountScopes(Store store) {
        this.store = store;
    }

    /**
     * A scope that can be summed, or why not.
     *
     * @param scope the resolved scope; null when {@code problem} is set
     * @param problem why a name cannot be used (no such key or user, or more than one); empty otherwise
     */
    public record Resolution(BudgetScope scope, String problem) {

        public boolean resolved() {
            return problem.isEmpty();
        }
    }

    public Resolution resolve(BudgetScope scope) {
        if (scope instanceof BudgetScope.Token t) {
            String name = store.token(t.tokenId()).map(AccountKey::name).orElse("");
            return new Resolution(new BudgetScope.Token(t.tokenId(), name), "");
        }
        if (scope instanceof BudgetScope.User u) {
            String name = store.user(u.userId()).map(AccountUser::username).orElse("");
            return new Resolution(new BudgetScope.User(u.userId(), name), "");
        }
        if (scope instanceof BudgetScope.TokenNamed named) {
            List<BudgetScope> found = store.tokensNamed(named.tokenName()).stream()
                    .map(k -> (BudgetScope) new BudgetScope.Token(k.id(), k.name()))
                    .toList();
            return byName(found, "key", "token", named.tokenName(), "token_id");
        }
        if (scope instanceof BudgetScope.UserNamed named) {
            List<BudgetScope> found = store.usersNamed(named.username()).stream()
                    .map(u -> (BudgetScope) new BudgetScope.User(u.id(), u.username()))
                    .toList();
            return byName(found, "user", "username", named.username(), "user_id");
        }
        return new Resolution(scope, "");
    }

    private static Resolution byName(List<BudgetScope> found, String what, String field, String name, String idField) {
        if (found.size() == 1) {
            return new Resolution(found.get(0), "");
        }
        if (found.isEmpty()) {
            return new Resolution(
                    null,
                    field + " \"" + name + "\" is unknown: no " + what
                            + " of that name in the gateway's copy the store holds (deleted, renamed, or not read"
                            + " yet); the rule publishes nothing");
        }
        return new Resolution(
                null,
                field + " \"" + name + "\" is ambiguous: more than one " + what + " has that name; use " + idField
                        + " instead; the rule publishes nothing");
    }
}
