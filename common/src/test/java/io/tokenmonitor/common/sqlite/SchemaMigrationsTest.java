package io.tokenmonitor.common.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmonitor.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaMigrationsTest {
    private static final SqliteOptions EXPORTER = new SqliteOptions(
            SqliteOptions.Synchronous.NORMAL, Duration.ofSeconds(10), OptionalInt.of(64 * 1024), false);
    private static final SqliteOptions BRIDGE =
            new SqliteOptions(SqliteOptions.Synchronous.FULL, Duration.ofSeconds(10), OptionalInt.empty(), true);
    private static final List<String> EXPORTER_SCRIPTS = List.of(
            "exporter/V001__init.sql", "exporter/V002__optional_dimensions.sql", "exporter/V003__gateway_options.sql");

    @TempDir
    Path dir;

    private SchemaMigrations exporterMigrations(List<String> scripts) {
        return new SchemaMigrations(
                SchemaMigrationsTest.class,
                scripts,
                "exporter",
                "run a newer exporter or point STORE_PATH at a new file");
    }

    private static int version(Handle h) {
        return h.createQuery("PRAGMA user_version").mapTo(Integer.class).one();
    }

    private static List<String> tables(Handle h) {
        return h.createQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .mapTo(String.class)
                .list();
    }

    @Test
    void givenNewStore_whenMigrated_thenEveryScriptRanAndTheVersionIsTheLast() {
        Jdbi jdbi = Jdbi.create(SqliteDatabase.dataSource("STORE_PATH", dir.resolve("sub/dir/store.db"), EXPORTER));
        assertThat(exporterMigrations(EXPORTER_SCRIPTS).apply(jdbi, "store.db")).isEqualTo(3);
        try (Handle h = jdbi.open()) {
            assertThat(version(h)).isEqualTo(3);
            assertThat(tables(h))
                    .contains("logs", "usage_minute", "sync_position", "dimension_totals", "gateway_options");
            assertThat(h.createQuery("SELECT quota_per_unit FROM gateway_options")
                            .mapTo(Double.class)
                            .one())
                    .isEqualTo(500000.0);
            assertThat(h.createQuery("PRAGMA journal_mode").mapTo(String.class).one())
                    .isEqualTo("wal");
            assertThat(h.createQuery("PRAGMA synchronous").mapTo(Integer.class).one())
                    .isEqualTo(1); // NORMAL
            assertThat(h.createQuery("PRAGMA cache_size").mapTo(Integer.class).one())
                    .isEqualTo(-64 * 1024);
            assertThat(h.createQuery("PRAGMA busy_timeout").mapTo(Integer.class).one())
                    .isEqualTo(10_000);
        }
        assertThat(Files.exists(dir.resolve("sub/dir/store.db"))).isTrue();
    }

    @Test
    void givenStoreAtAnOlderVersion_whenMigrated_thenOnlyTheNewScriptsRun() {
        Jdbi jdbi = Jdbi.create(SqliteDatabase.dataSource("STORE_PATH", dir.resolve("store.db"), EXPORTER));
        exporterMigrations(EXPORTER_SCRIPTS.subList(0, 1)).apply(jdbi, "store.db");
        jdbi.useHandle(h -> h.execute("INSERT INTO ingest_totals (log_type, rows) VALUES ('consume', 7)"));
        assertThat(exporterMigrations(EXPORTER_SCRIPTS).apply(jdbi, "store.db")).isEqualTo(3);
        assertThat(exporterMigrations(EXPORTER_SCRIPTS).apply(jdbi, "store.db")).isEqualTo(3); // nothing left to run
        try (Handle h = jdbi.open()) {
            assertThat(h.createQuery("SELECT rows FROM ingest_totals")
                            .mapTo(Integer.class)
                            .one())
                    .isEqualTo(7);
            assertThat(h.createQuery("SELECT COUNT(*) FROM gateway_options")
                            .mapTo(Integer.class)
                            .one())
                    .isEqualTo(1);
        }
    }

    @Test
    void givenBridgeScripts_whenMigratedWithTheBridgesPragmas_thenItsTablesExist() {
        Jdbi jdbi = Jdbi.create(SqliteDatabase.dataSource("STATE_PATH", dir.resolve("bridge.db"), BRIDGE));
        SchemaMigrations bridge = new SchemaMigrations(
                SchemaMigrationsTest.class,
                List.of("bridge/V001__init.sql"),
                "bridge",
                "run the newer bridge or point STATE_PATH at another file");
        assertThat(bridge.latestVersion()).isEqualTo(1);
        assertThat(bridge.apply(jdbi, "bridge.db")).isEqualTo(1);
        try (Handle h = jdbi.open()) {
            assertThat(tables(h)).contains("outbox", "intake_seen", "breaker_audit");
            assertThat(h.createQuery("PRAGMA synchronous").mapTo(Integer.class).one())
                    .isEqualTo(2); // FULL
        }
    }

    @Test
    void givenStoreFromNewerProgram_whenMigrated_thenRefusedNamingTheStoreAndWhatToDo() {
        Jdbi jdbi = Jdbi.create(SqliteDatabase.dataSource("STORE_PATH", dir.resolve("store.db"), EXPORTER));
        jdbi.useHandle(h -> h.execute("PRAGMA user_version = 99"));
        assertThatIllegalStateException()
                .isThrownBy(() -> exporterMigrations(EXPORTER_SCRIPTS).apply(jdbi, "data/store.db"))
                .withMessage(
                        "data/store.db: schema version 99 is newer than this exporter knows (3); run a newer exporter or point"
                                + " STORE_PATH at a new file");
    }

    @Test
    void givenScriptFailingHalfway_whenMigrated_thenItsTransactionIsUndoneAndTheVersionStays() {
        Jdbi jdbi = Jdbi.create(SqliteDatabase.dataSource("STORE_PATH", dir.resolve("store.db"), EXPORTER));
        SchemaMigrations broken = exporterMigrations(List.of("broken/V001__ok.sql", "broken/V002__fails_halfway.sql"));
        assertThatIllegalStateException()
                .isThrownBy(() -> broken.apply(jdbi, "store.db"))
                .withMessageStartingWith("store.db: migration broken/V002__fails_halfway.sql failed: ");
        try (Handle h = jdbi.open()) {
            assertThat(version(h)).isEqualTo(1);
            assertThat(tables(h)).containsExactly("a");
        }
    }

    @Test
    void givenMissingScript_whenMigrated_thenRefusedNamingIt() {
        Jdbi jdbi = Jdbi.create(SqliteDatabase.dataSource("STORE_PATH", dir.resolve("store.db"), EXPORTER));
        assertThatIllegalStateException()
                .isThrownBy(
                        () -> exporterMigrations(List.of("V404__absent.sql")).apply(jdbi, "store.db"))
                .withMessage("migration V404__absent.sql is missing from the jar");
    }

    @Test
    void givenUncreatableDirectory_whenOpened_thenRefusedNamingTheSetting() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "");
        assertThatThrownBy(() -> SqliteDatabase.dataSource("STORE_PATH", file.resolve("store.db"), EXPORTER))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("STORE_PATH: cannot create the directory " + file);
    }
}
