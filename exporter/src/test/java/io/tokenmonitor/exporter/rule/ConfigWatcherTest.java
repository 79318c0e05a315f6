package io.tokenmonitor.exporter.rule;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.exporter.channel.ChannelState;
import io.tokenmonitor.exporter.store.Store;
import io.tokenmonitor.exporter.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigWatcherTest {

    @TempDir
    Path dir;

    @Test
    void givenConfigFileChanges_whenGoodThenBad_thenTheGoodOneIsLoadedAndTheBadOneRejected() throws Exception {
        Path file =
                Files.writeString(dir.resolve("budgets.yml"), "budgets: [{name: a, window: 1h, limit: {tokens: 1}}]\n");
        try (Store store = Store.open(dir.resolve("store.db"))) {
            RuleRegistry registry = registry(store, file);
            try (ConfigWatcher watcher = new ConfigWatcher(file, registry, Duration.ofSeconds(15), Clock.systemUTC())) {
                watcher.start();
                assertThat(Await.until(() -> registry.outcomes().size(), n -> n == 1, Duration.ofSeconds(10)))
                        .isEqualTo(1);

                write(
                        file,
                        "budgets: [{name: a, window: 1h, limit: {tokens: 1}}]\n"
                                + "rules: [{name: b, kind: error_ratio, window: 5m, above: 0.5}]\n",
                        1);
                assertThat(Await.until(() -> registry.outcomes().size(), n -> n == 2, Duration.ofSeconds(10)))
                        .isEqualTo(2);
                assertThat(watcher.lastReloadOk()).isTrue();

                write(file, "budgets: [{name: a, window: fortnight, limit: {tokens: 1}}]\n", 2);
                assertThat(Await.until(watcher::lastReloadOk, ok -> !ok, Duration.ofSeconds(10)))
                        .isFalse();
                assertThat(registry.outcomes()).extracting(o -> o.rule().name()).containsExactly("a", "b");
            }
        }
    }

    /**
     * A console rule owns its name: a file that brings the same name is rejected as a bad file is,
     * and the file's previous rules stay in force.
     */
    @Test
    void givenAConsoleRule_whenTheFileBringsItsName_thenTheReloadIsRejectedAndTheOldFileRulesStay() throws Exception {
        Path file =
                Files.writeString(dir.resolve("budgets.yml"), "budgets: [{name: a, window: 1h, limit: {tokens: 1}}]\n");
        try (Store store = Store.open(dir.resolve("store.db"))) {
            RuleRegistry registry = registry(store, file);
            registry.create(
                    new com.fasterxml.jackson.databind.ObjectMapper()
                            .readTree("{\"name\":\"x\",\"kind\":\"spike\",\"window\":\"1h\",\"above\":3}"),
                    "admin");
            try (ConfigWatcher watcher = new ConfigWatcher(file, registry, Duration.ofSeconds(15), Clock.systemUTC())) {
                write(file, "budgets: [{name: x, window: 1h, limit: {tokens: 1}}]\n", 1);
                watcher.reload();

                assertThat(watcher.lastReloadOk()).isFalse();
                assertThat(registry.get("a").orElseThrow().source()).isEqualTo("file");
                assertThat(registry.get("x").orElseThrow().source()).isEqualTo("console");
            }
        }
    }

    private static RuleRegistry registry(Store store, Path file) {
        return new RuleRegistry(
                store,
                new RuleEvaluator(store, () -> 500_000, () -> ChannelState.notLoaded(500_000)),
                RulesFile.read(file),
                () -> true,
                Clock.systemUTC());
    }

    /** Writes and moves the modification time on, so a change within the same second is still seen. */
    private static void write(Path file, String text, int generation) throws Exception {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(generation)));
    }
}
