package io.tokenmonitor.exporter.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.exporter.channel.ChannelState;
import io.tokenmonitor.exporter.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleRegistryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FILE = "budgets: [{name: daily, window: calendar_day, limit: {tokens: 100}}]\n"
            + "rules: [{name: slow, kind: latency, window: 15m, above: 2}]\n";

    @TempDir
    Path dir;

    @Test
    void givenAConsoleRule_whenCreatedReplacedAndDeleted_thenVersionsCountAndEveryChangeIsAudited() {
        try (Store store = Store.open(dir.resolve("store.db"))) {
            RuleRegistry rules = registry(store, FILE);

            RuleStatus created = rules.create(
                    json("{\"name\":\"errs\",\"kind\":\"error_ratio\",\"window\":\"5m\",\"above\":0.2}"), "alice");
            assertThat(created.source()).isEqualTo("console");
            assertThat(created.version()).isEqualTo(1);
            assertThat(created.enabled()).isTrue();
            assertThat(created.spec().get("above").asDouble()).isEqualTo(0.2);
            assertThat(created.current()).as("evaluated at once").isNotNull();
            assertThat(created.current().threshold()).isEqualTo(0.2);

            RuleStatus replaced = rules.replace(
                    "errs",
                    json("{\"kind\":\"error_ratio\",\"window\":\"5m\",\"above\":0.3,\"enabled\":false}"),
                    1,
                    "bob");
            assertThat(replaced.version()).isEqualTo(2);
            assertThat(replaced.enabled()).isFalse();
            assertThat(replaced.current().threshold())
                    .as("the change is evaluated at once")
                    .isEqualTo(0.3);
            assertThat(replaced.current().armed()).isFalse();

            rules.delete("errs", 2, "carol");
            assertThat(rules.get("errs")).isEmpty();

            List<AuditEntry> audit = rules.audit(Optional.of("errs"), 10);
            assertThat(audit).extracting(AuditEntry::action).containsExactly("delete", "update", "create");
            assertThat(audit).extracting(AuditEntry::actor).containsExactly("carol", "bob", "alice");
            assertThat(audit.get(2).before()).isNull();
            assertThat(audit.get(2).after().get("above").asDouble()).isEqualTo(0.2);
            assertThat(audit.get(1).before().get("above").asDouble()).isEqualTo(0.2);
            assertThat(audit.get(1).after().get("above").asDouble()).isEqualTo(0.3);
            assertThat(audit.get(0).before().get("above").asDouble()).isEqualTo(0.3);
            assertThat(audit.get(0).after()).isNull();
            assertThat(audit.get(0).at()).isNotNull();
        }
    }

    @Test
    void givenFileAndConsoleRules_whenListed_thenFileRulesComeFirstAndAreReadOnly() {
        try (Store store = Store.open(dir.resolve("store.db"))) {
            RuleRegistry rules = registry(store, FILE);
            rules.create(json("{\"name\":\"a-console\",\"kind\":\"spike\",\"window\":\"1h\",\"above\":3}"), "alice");

            assertThat(rules.list()).extracting(RuleStatus::name).containsExactly("daily", "slow", "a-console");
            assertThat(rules.list()).extracting(RuleStatus::source).containsExactly("file", "file", "console");
            assertThat(rules.get("daily").orElseThrow().spec().get("kind").asText())
                    .isEqualTo("usage");
            assertRejected(
                    () -> rules.replace("slow", json("{\"kind\":\"latency\",\"window\":\"5m\",\"above\":1}"), 0, "a"),
                    RuleRejected.Reason.READ_ONLY);
            assertRejected(() -> rules.delete("daily", 0, "a"), RuleRejected.Reason.READ_ONLY);
            assertRejected(
                    () -> rules.create(
                            json("{\"name\":\"slow\",\"kind\":\"spike\",\"window\":\"1h\",\"above\":3}"), "a"),
                    RuleRejected.Reason.CONFLICT);
            assertRejected(
                    () -> rules.create(
                            json("{\"name\":\"a-console\",\"kind\":\"spike\",\"window\":\"1h\",\"above\":3}"), "a"),
                    RuleRejected.Reason.CONFLICT);
            assertRejected(() -> rules.delete("nothing", 1, "a"), RuleRejected.Reason.NOT_FOUND);
            assertRejected(
                    () -> rules.replace("nothing", json("{\"kind\":\"spike\",\"window\":\"1h\",\"above\":3}"), 1, "a"),
                    RuleRejected.Reason.NOT_FOUND);
        }
    }

    @Test
    void givenAStaleVersion_whenReplacedOrDeleted_thenStaleAndNothingChanges() {
        try (Store store = Store.open(dir.resolve("store.db"))) {
            RuleRegistry rules = registry(store, "");
            rules.create(json("{\"name\":\"s\",\"kind\":\"spike\",\"window\":\"1h\",\"above\":3}"), "alice");
            rules.replace("s", json("{\"kind\":\"spike\",\"window\":\"1h\",\"above\":4}"), 1, "alice");

            assertRejected(
                    () -> rules.replace("s", json("{\"kind\":\"spike\",\"window\":\"1h\",\"above\":5}"), 1, "bob"),
                    RuleRejected.Reason.STALE);
            assertRejected(() -> rules.delete("s", 1, "bob"), RuleRejected.Reason.STALE);
            assertThat(rules.get("s").orElseThrow().spec().get("above").asDouble())
                    .isEqualTo(4);
            assertThat(rules.audit(Optional.empty(), 10)).hasSize(2);
        }
    }

    /** A writer that still holds a version of a deleted rule must not change the new rule of the same name. */
    @Test
    void givenARuleDeletedAndCreatedAgain_whenAnOldVersionIsSent_thenStale() {
        try (Store store = Store.open(dir.resolve("store.db"))) {
            RuleRegistry rules = registry(store, "");
            rules.create(json("{\"name\":\"s\",\"kind\":\"spike\",\"window\":\"1h\",\"above\":3}"), "alice");
            rules.delete("s", 1, "alice");
            RuleStatus again =
                    rules.create(json("{\"name\":\"s\",\"kind\":\"spike\",\"window\":\"1h\",\"above\":4}"), "bob");

            assertThat(again.version()).isEqualTo(3);
            assertRejected(
                    () -> rules.replace("s", json("{\"kind\":\"spike\",\"window\":\"1h\",\"above\":9}"), 1, "carol"),
                    RuleRejected.Reason.STALE);
            assertThat(rules.replace("s", json("{\"kind\":\"spike\",\"window\":\"1h\",\"above\":9}"), 3, "carol")
                            .version())
                    .isEqualTo(4);
        }
    }

    @Test
    void givenTwoWritersWithTheSameVersion_whenTheyReplaceAtOnce_thenExactlyOneWinsAndTheOtherIsStale()
            throws Exception {
        try (Store store = Store.open(dir.resolve("store.db"))) {
            RuleRegistry rules = registry(store, "");
            rules.create(json("{\"name\":\"s\",\"kind\":\"spike\",\"window\":\"1h\",\"above\":3}"), "alice");
            for (int round = 0; round < 5; round++) {
                long version = rules.get("s").orElseThrow().version();
                CountDownLatch go = new CountDownLatch(1);
                ExecutorService pool = Executors.newFixedThreadPool(2);
                List<Future<String>> results = new ArrayList<>();
                for (int w = 0; w < 2; w++) {
                    double above = 10 + round * 2 + w;
                    results.add(pool.submit(() -> {
                        go.await();
                        try {
                            rules.replace(
                                    "s",
                                    json("{\"kind\":\"spike\",\"window\":\"1h\",\"above\":" + above + "}"),
                                    version,
                                    "w");
                            return "ok";
                        } catch (RuleRejected e) {
                            return e.reason().name();
                        }
                    }));
                }
                go.countDown();
                List<String> outcomes = new ArrayList<>();
                for (Future<String> f : results) {
                    outcomes.add(f.get());
                }
                pool.shutdown();
                assertThat(outcomes).containsExactlyInAnyOrder("ok", "STALE");
                assertThat(rules.get("s").orElseThrow().version()).isEqualTo(version + 1);
            }
            assertThat(rules.audit(Optional.of("s"), 100)).hasSize(6);
        }
    }

    @Test
    void givenConsoleRules_whenTheStoreIsReopened_thenRulesAndAuditAreStillThere() {
        Path file = dir.resolve("store.db");
        try (Store store = Store.open(file)) {
            RuleRegistry rules = registry(store, "");
            rules.create(json("{\"name\":\"s\",\"kind\":\"spike\",\"window\":\"1h\",\"above\":3}"), "alice");
            rules.replace("s", json("{\"kind\":\"spike\",\"window\":\"1h\",\"above\":4}"), 1, "bob");
        }
        try (Store store = Store.open(file)) {
            RuleRegistry rules = registry(store, "");
            RuleStatus s = rules.get("s").orElseThrow();
            assertThat(s.version()).isEqualTo(2);
            assertThat(s.spec().get("above").asDouble()).isEqualTo(4);
            assertThat(rules.audit(Optional.empty(), 10))
                    .extracting(AuditEntry::actor)
                    .containsExactly("bob", "alice");
        }
    }

    @Test
    void givenAConsoleRule_whenTheExporterStartsWithAFileRuleOfItsName_thenTheStartIsRefused() {
        try (Store store = Store.open(dir.resolve("store.db"))) {
            registry(store, "")
                    .create(json("{\"name\":\"slow\",\"kind\":\"spike\",\"window\":\"1h\",\"above\":3}"), "a");

            assertThatThrownBy(() -> registry(store, FILE))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage(
                            "rules.yml: rule \"slow\" has the name of a console rule; rename it in the file or delete the console rule");
        }
    }

    @Test
    void givenABadSpec_whenCreatedOrPreviewed_thenInvalidNamingTheFieldWithoutAPrefix() {
        try (Store store = Store.open(dir.resolve("store.db"))) {
            RuleRegistry rules = registry(store, "");
            assertThatThrownBy(() -> rules.create(
                            json("{\"name\":\"e\",\"kind\":\"error_ratio\",\"window\":\"5m\",\"above\":\"x\"}"), "a"))
                    .isInstanceOfSatisfying(RuleRejected.class, e -> {
                        assertThat(e.reason()).isEqualTo(RuleRejected.Reason.INVALID);
                        assertThat(e.field()).isEqualTo("above");
                        assertThat(e.getMessage()).isEqualTo("above: \"x\" is not a number");
                    });
            assertRejected(
                    () -> rules.preview(json("{\"kind\":\"latency\",\"window\":\"7d\",\"above\":1}")),
                    RuleRejected.Reason.INVALID);
            assertThat(rules.preview(json("{\"kind\":\"latency\",\"window\":\"5m\",\"above\":1}"))
                            .armed())
                    .as("no request: not armed")
                    .isFalse();
            assertThat(rules.list()).as("a preview saves nothing").isEmpty();
            rules.create(json("{\"name\":\"s\",\"kind\":\"spike\",\"window\":\"1h\",\"above\":3}"), "a");
            assertThatThrownBy(() -> rules.replace(
                            "s", json("{\"name\":\"t\",\"kind\":\"spike\",\"window\":\"1h\",\"above\":3}"), 1, "a"))
                    .isInstanceOfSatisfying(
                            RuleRejected.class, e -> assertThat(e.field()).isEqualTo("name"));
        }
    }

    static RuleRegistry registry(Store store, String yaml) {
        return new RuleRegistry(
                store,
                new RuleEvaluator(store, () -> 500_000, () -> ChannelState.notLoaded(500_000)),
                RulesFile.parse(yaml, "rules.yml"),
                () -> true,
                Clock.systemUTC());
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void assertRejected(Runnable change, RuleRejected.Reason reason) {
        assertThatThrownBy(change::run)
                .isInstanceOfSatisfying(
                        RuleRejected.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
