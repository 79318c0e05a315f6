package io.tokenmonitor.exporter;

import io.tokenmonitor.common.testing.PackageRules;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The exporter's packages follow the data: rows come from {@code source}, {@code sync} classifies and commits them
 * to {@code store}, and {@code metrics} publishes what the store and the watchers hold. The values that flow live
 * in {@code model}, which uses nothing. {@code rule} evaluates budgets and every other rule kind from the store and
 * the channel state; {@code http} serves {@code metrics} and the rules' API ({@code rule}). {@code Exporter} (the root package) wires them.
 */
class PackageStructureTest {
    @Test
    void eachPackageUsesOnlyWhatIsUpstreamOfIt() {
        PackageRules.of("io.tokenmonitor.exporter")
                .assertUsesOnly(Map.ofEntries(
                        Map.entry("model", Set.of()),
                        Map.entry("source", Set.of("model")),
                        Map.entry("store", Set.of("model")),
                        Map.entry("sync", Set.of("model", "source", "store")),
                        Map.entry("channel", Set.of("model", "source", "store")),
                        Map.entry("account", Set.of("model", "source", "store")),
                        Map.entry("budget", Set.of("model", "store")),
                        Map.entry("rule", Set.of("model", "store", "budget", "channel")),
                        Map.entry(
                                "metrics",
                                Set.of("model", "source", "sync", "store", "budget", "channel", "account", "rule")),
                        Map.entry("history", Set.of("model", "store", "metrics")),
                        Map.entry("http", Set.of("model", "metrics", "rule")),
                        Map.entry("config", Set.of("model", "source")),
                        Map.entry("demo", Set.of())));
    }
}
