package io.tokenmonitor.bridge;

import io.tokenmonitor.common.testing.PackageRules;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The bridge's packages follow an alert: {@code intake} reads the webhook, {@code policy} decides, {@code outbox}
 * keeps the message until {@code notify} has delivered it. The {@code breaker} stands aside: it takes a channel id
 * and an alert key and knows nothing of policy or messages. {@code console} shows people what the others hold
 * (the outbox, the breaker's audit, deferred alerts and cooldowns) and acts through them; nothing depends on it.
 * {@code digest} stands aside too: on a schedule it reads Prometheus and the state and queues a message in the
 * outbox. {@code state} and {@code metrics} are at the bottom;
 * {@code config} builds each owner's settings; {@code Bridge} (the root package) wires them.
 */
class PackageStructureTest {
    @Test
    void eachPackageUsesOnlyWhatIsDownstreamOfIt() {
        PackageRules.of("io.tokenmonitor.bridge")
                .assertUsesOnly(Map.ofEntries(
                        Map.entry("state", Set.of()),
                        Map.entry("metrics", Set.of()),
                        Map.entry("notify", Set.of()),
                        Map.entry("outbox", Set.of("notify", "metrics", "state")),
                        Map.entry("breaker", Set.of("state")),
                        Map.entry("policy", Set.of("breaker", "outbox", "notify", "metrics", "state")),
                        Map.entry("intake", Set.of("policy", "metrics", "state")),
                        Map.entry("digest", Set.of("outbox", "notify", "state")),
                        Map.entry("http", Set.of()),
                        Map.entry("console", Set.of("policy", "breaker", "outbox", "notify", "state")),
                        Map.entry("config", Set.of("intake", "policy", "outbox", "notify", "breaker", "digest"))));
    }
}
