package io.tokenmonitor.bridge.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    @TempDir
    Path dir;

    @Test
    void givenNewFile_whenOpened_thenMigratedInWalMode() {
        try (StateStore store = StateStore.open(dir.resolve("sub/bridge.db"))) {
            int version = store.read(h ->
                    h.createQuery("PRAGMA user_version").mapTo(Integer.class).one());
            String journal = store.read(h ->
                    h.createQuery("PRAGMA journal_mode").mapTo(String.class).one());
            assertThat(version).isEqualTo(StateStore.SCHEMA.latestVersion());
            assertThat(journal).isEqualTo("wal");
        }
    }

    @Test
    void givenStoreFromNewerBridge_whenOpened_thenRefused() throws Exception {
        Path file = dir.resolve("bridge.db");
        StateStore.open(file).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            c.createStatement().execute("PRAGMA user_version = 99");
        }
        assertThatIllegalStateException()
                .isThrownBy(() -> StateStore.open(file))
                .withMessageContaining("schema version 99 is newer than this bridge knows");
    }
}
