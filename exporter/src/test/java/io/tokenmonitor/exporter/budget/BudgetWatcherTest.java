package io.tokenmonitor.exporter.budget;

import static org.assertj.core.api.Assertions.assertThat;

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

class BudgetWatcherTest {

    @TempDir
    Path dir;

    @Test
    void givenConfigFileChanges_whenGoodThenBad_thenTheGoodOneIsLoadedAndTheBadOneRejected() throws Exception {
        Path file =
                Files.writeString(dir.resolve("budgets.yml"), "budgets: [{name: a, window: 1h, limit: {tokens: 1}}]\n");
        try (Store store = Store.open(dir.resolve("store.db"));
                BudgetWatcher watcher = new BudgetWatcher(
                        file,
                        BudgetWatcher.read(file),
                        new BudgetEvaluator(store),
                        () -> 500_000,
                        () -> true,
                        Duration.ofSeconds(15),
                        Clock.systemUTC())) {
            watcher.start();
            assertThat(Await.until(() -> watcher.usage().size(), n -> n == 1, Duration.ofSeconds(10)))
                    .isEqualTo(1);

            write(
                    file,
                    "budgets: [{name: a, window: 1h, limit: {tokens: 1}}, {name: b, window: 6h, limit: {usd: 1}}]\n",
                    1);
            assertThat(Await.until(() -> watcher.usage().size(), n -> n == 2, Duration.ofSeconds(10)))
                    .isEqualTo(2);
            assertThat(watcher.lastReloadOk()).isTrue();

            write(file, "budgets: [{name: a, window: fortnight, limit: {tokens: 1}}]\n", 2);
            assertThat(Await.until(watcher::lastReloadOk, ok -> !ok, Duration.ofSeconds(10)))
                    .isFalse();
            assertThat(watcher.usage()).extracting(u -> u.budget().name()).containsExactly("a", "b");
        }
    }

    /** Writes and moves the modification time on, so a change within the same second is still seen. */
    private static void write(Path file, String text, int generation) throws Exception {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(generation)));
    }
}
