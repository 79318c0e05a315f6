package io.tokenmonitor.exporter.http;

import io.tokenmonitor.exporter.rule.RuleBook;

/** Opens the package's {@link FakeRuleBook} to the console's browser tests. */
public final class FakeRuleBooks {
    private FakeRuleBooks() {}

    /** An in-memory rule book with one file rule (a usage budget of 10 USD a day) named {@code name}. */
    public static RuleBook withFileRule(String name) {
        return new FakeRuleBook().withFileRule(name);
    }
}
