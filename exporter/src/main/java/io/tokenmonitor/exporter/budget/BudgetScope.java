package io.tokenmonitor.exporter.budget;

import io.tokenmonitor.exporter.store.UsageQueries;

/** Which traffic a budget counts: one channel, one model, or all of it. */
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
}
