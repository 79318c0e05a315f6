package io.tokenmonitor.exporter.budget;

import io.tokenmonitor.exporter.store.UsageQueries;

/**
 * Which traffic a budget counts: one channel, one model, one API key, one user, one group, or all of it. A key or
 * user given by name ({@link TokenNamed}, {@link UserNamed}) is resolved to its id at each evaluation
 * ({@link AccountScopes}); only a resolved scope has a {@link #key()}.
 */
public sealed interface BudgetScope {

    /** The value of the {@code scope} label. */
    String label();

    /** The rollup rows this scope sums. */
    UsageQueries.Filter filter();

    /** The channel id or model the filter matches; null for all traffic. */
    String key();

    record Channel(String channelId) implements BudgetScope {
        @Override
        public String label() {
            return "channel";
        }

        @Override
        public UsageQueries.Filter filter() {
            return UsageQueries.Filter.CHANNEL;
        }

        @Override
        public String key() {
            return channelId;
        }
    }

    record Model(String model) implements BudgetScope {
        @Override
        public String label() {
            return "model";
        }

        @Override
        public UsageQueries.Filter filter() {
            return UsageQueries.Filter.MODEL;
        }

        @Override
        public String key() {
            return model;
        }
    }

    record All() implements BudgetScope {
        @Override
        public String label() {
            return "all";
        }

        @Override
        public UsageQueries.Filter filter() {
            return UsageQueries.Filter.ALL;
        }

        @Override
        public String key() {
            return null;
        }
    }

    /** One API key by id; {@code tokenName} as the store's copy of {@code tokens} has it, "" when unknown. */
    record Token(long tokenId, String tokenName) implements BudgetScope {
        @Override
        public String label() {
            return "token";
        }

        @Override
        public UsageQueries.Filter filter() {
            return UsageQueries.Filter.TOKEN;
        }

        @Override
        public String key() {
            return Long.toString(tokenId);
        }
    }

    /** One API key by name, as the rule gave it: resolved through the store's copy of {@code tokens}. */
    record TokenNamed(String tokenName) implements BudgetScope {
        @Override
        public String label() {
            return "token";
        }

        @Override
        public UsageQueries.Filter filter() {
            return UsageQueries.Filter.TOKEN;
        }

        @Override
        public String key() {
            throw new IllegalStateException("key \"" + tokenName + "\" is not resolved to an id");
        }
    }

    /** One user by id; {@code username} as the store's copy of {@code users} has it, "" when unknown. */
    record User(long userId, String username) implements BudgetScope {
        @Override
        public String label() {
            return "user";
        }

        @Override
        public UsageQueries.Filter filter() {
            return UsageQueries.Filter.USER;
        }

        @Override
        public String key() {
            return Long.toString(userId);
        }
    }

    /** One user by name, as the rule gave it: resolved through the store's copy of {@code users}. */
    record UserNamed(String username) implements BudgetScope {
        @Override
        public String label() {
            return "user";
        }

        @Override
        public UsageQueries.Filter filter() {
            return UsageQueries.Filter.USER;
        }

        @Override
        public String key() {
            throw new IllegalStateException("user \"" + username + "\" is not resolved to an id");
        }
    }

    /** One group ({@code logs.group}: the group the gateway billed the request in). */
    record Group(String group) implements BudgetScope {
        @Override
        public String label() {
            return "group";
        }

        @Override
        public UsageQueries.Filter filter() {
            return UsageQueries.Filter.GROUP;
        }

        @Override
        public String key() {
            return group;
        }
    }
}
