package io.tokenmonitor.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tokenmonitor.exporter.testing.Await;
import io.tokenmonitor.exporter.testing.ExporterProcess;
import io.tokenmonitor.exporter.testing.MetricsScrape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store shared with Grafana as docker-compose.yml shares it: the exporter as uid 10001 gid 0 in
 * a directory it owns with mode 0775 (exporter/Dockerfile's /data), Grafana's SQLite datasource as
 * uid 472 gid 0 opening the store with {@code file:…?mode=ro}. After a clean stop of the exporter
 * (SQLite then removes -wal and -shm) the reader creates them as its own user; the restarted
 * exporter must still write.
 */
class StoreSharedWithGrafanaIT {
    private static final List<String> EXPORTER = List.of("setpriv", "--reuid=10001", "--regid=0", "--clear-groups");
    private static final List<String> GRAFANA = List.of("setpriv", "--reuid=472", "--regid=0", "--clear-groups");

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsRootSetprivAndSqlite3() throws Exception {
        assumeTrue(run(List.of("id", "-u")).equals("0"), "runs programs as uids 10001 and 472: needs root");
        assumeTrue(onPath("setpriv"), "needs setpriv (util-linux) to run programs as other uids");
        assumeTrue(onPath("sqlite3"), "needs the sqlite3 CLI as the read-only reader (apt-get install sqlite3)");
    }

    @Test
    void givenGrafanaReadTheStoreWhileTheExporterWasStopped_whenTheExporterRestarts_thenItStillWrites()
            throws Exception {
        Path data = sharedDirectory();
        Map<String, String> env = Map.of(
                "STORE_PATH",
                data.resolve("token-monitor.db").toString(),
                "DEMO_PATH",
                data.resolve("demo-gateway.db").toString(),
                "DEMO_ROWS_PER_SECOND",
                "20");
        Path log = data.resolve("exporter.log");

        ExporterProcess first = ExporterProcess.start(EXPORTER, env, log, List.of("-Xmx128m"), List.of("--demo"));
        double synced = Await.until(() -> rows(first), n -> n > 0, Duration.ofSeconds(60));
        assertThat(synced).as("rows synced by the first run").isPositive();
        assertThat(first.stop())
                .as("the JVM's exit code after SIGTERM and its shutdown hooks")
                .isEqualTo(143);
        assertThat(data.resolve("token-monitor.db-wal"))
                .as("removed at the last close")
                .doesNotExist();

        String count = run(concat(
                GRAFANA,
                "sqlite3",
                "file:" + data.resolve("token-monitor.db") + "?mode=ro",
                "SELECT count(*) FROM logs"));
        assertThat(Long.parseLong(count)).as("rows Grafana reads").isPositive();
        assertThat(Files.getOwner(data.resolve("token-monitor.db-shm")).getName())
                .as("the reader created -shm as its own user")
                .isIn("472", userName(472));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("token-monitor.db-shm"))))
                .as("-shm has the store's mode, group-writable")
                .isEqualTo("rw-rw-r--");

        ExporterProcess second = ExporterProcess.start(EXPORTER, env, log, List.of("-Xmx128m"), List.of("--demo"));
        try {
            double before = Await.until(() -> rows(second), n -> n > 0, Duration.ofSeconds(60));
            double after = Await.until(() -> rows(second), n -> n > before + 20, Duration.ofSeconds(30));
            assertThat(after).as("rows keep syncing after the restart").isGreaterThan(before + 20);
        } finally {
            second.stop();
        }
        assertThat(Files.readString(log)).doesNotContainIgnoringCase("readonly database");
    }

    @Test
    void givenAReaderFileTheExporterCannotWrite_whenItStarts_thenItStopsNamingTheFileAndTheFix() throws Exception {
        Path data = sharedDirectory();
        Path store = data.resolve("token-monitor.db");
        Map<String, String> env = Map.of(
                "STORE_PATH",
                store.toString(),
                "DEMO_PATH",
                data.resolve("demo-gateway.db").toString(),
                "DEMO_ROWS_PER_SECOND",
                "20");
        Path log = data.resolve("exporter.log");
        ExporterProcess first = ExporterProcess.start(EXPORTER, env, log, List.of("-Xmx128m"), List.of("--demo"));
        Await.until(() -> rows(first), n -> n > 0, Duration.ofSeconds(60));
        first.stop();
        // A store from before this fix (0644); the reader's -shm copies that mode.
        Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rw-r--r--"));
        run(concat(GRAFANA, "sqlite3", "file:" + store + "?mode=ro", "SELECT count(*) FROM logs"));
        Path shm = data.resolve("token-monitor.db-shm");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shm)))
                .isEqualTo("rw-r--r--");

        ExporterProcess second = ExporterProcess.start(EXPORTER, env, log, List.of("-Xmx128m"), List.of("--demo"));
        try {
            assertThat(second.awaitExit(Duration.ofSeconds(60)))
                    .as("exit code of a start it cannot write")
                    .isEqualTo(2);
        } finally {
            second.close();
        }
        assertThat(Files.readString(log))
                .contains(shm + " (owner ")
                .contains("rw-r--r--")
                .contains("chmod g+w " + data.resolve("token-monitor.db-wal") + " " + shm);
    }

    /** A directory as exporter/Dockerfile makes /data: owned by 10001:0, mode 0775. */
    private Path sharedDirectory() throws Exception {
        Files.setPosixFilePermissions(
                tmp, PosixFilePermissions.fromString("rwxr-xr-x")); // for the other uids to get in
        Path data = Files.createDirectory(tmp.resolve("data"));
        run(List.of("chown", "10001:0", data.toString()));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxr-x"));
        return data;
    }

    private static double rows(ExporterProcess exporter) throws IOException, InterruptedException {
        return MetricsScrape.of(exporter.port()).samples().stream()
                .filter(s -> s.name().equals("newapi_ingest_rows_total"))
                .mapToDouble(MetricsScrape.Sample::value)
                .sum();
    }

    private static String userName(int uid) throws Exception {
        return run(List.of("sh", "-c", "getent passwd " + uid + " | cut -d: -f1 || true"));
    }

    private static boolean onPath(String program) throws Exception {
        return !run(List.of("sh", "-c", "command -v " + program + " || true")).isEmpty();
    }

    private static List<String> concat(List<String> prefix, String... rest) {
        List<String> out = new ArrayList<>(prefix);
        out.addAll(List.of(rest));
        return out;
    }

    /** Runs {@code command} to its end; its output, trimmed; fails on a non-zero exit. */
    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(command + " ends").isTrue();
        assertThat(p.exitValue()).as(command + ": " + out).isZero();
        return out;
    }
}
