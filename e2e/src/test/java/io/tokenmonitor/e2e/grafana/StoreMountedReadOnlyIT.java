package io.tokenmonitor.e2e.grafana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tokenmonitor.e2e.harness.ExporterProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grafana's datasource on the store as docker-compose.yml gives it: the exporter's directory bind-mounted
 * read-only, read by uid 472 (Grafana's) with {@code file:…?mode=ro}, with the sqlite3 CLI standing in
 * for the plugin (the same SQLite; the plugin refuses ATTACH on top of this). {@code mode=ro} covers the
 * main database only: on a writable directory an {@code ATTACH} of the store opens it read-write, and
 * any Viewer's SQL could delete the request log. On the read-only mount the same statements are refused,
 * while the store still reads under the exporter's writes.
 */
class StoreMountedReadOnlyIT {
    private static final List<String> GRAFANA = List.of("setpriv", "--reuid=472", "--regid=0", "--clear-groups");
    /** The Grafana chart's uid and gid 472, with the exporter's fsGroup as supplementary group. */
    private static final List<String> KUBE_GRAFANA = List.of("setpriv", "--reuid=472", "--regid=472", "--groups=10001");

    private static final List<String> KUBE_GRAFANA_WITHOUT_GROUP =
            List.of("setpriv", "--reuid=472", "--regid=472", "--clear-groups");

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsRootMountSetprivAndSqlite3() throws Exception {
        assumeTrue(run(List.of("id", "-u")).output().equals("0"), "bind-mounts and runs as uid 472: needs root");
        assumeTrue(onPath("setpriv") && onPath("mount"), "needs setpriv and mount (util-linux)");
        assumeTrue(onPath("sqlite3"), "needs the sqlite3 CLI as Grafana's reader (apt-get install sqlite3)");
    }

    @Test
    void givenReadOnlyMount_whenAQueryAttachesTheStoreOrANewFile_thenSqliteRefusesAndTheStoreStillReads()
            throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = tmp.resolve("exporter");
        Path mount = Files.createDirectory(tmp.resolve("grafana-view"));
        try (ExporterProcess exporter = ExporterProcess.startDemo(data, 200)) {
            Path store = exporter.storePath();
            awaitRows(store);
            // what uid 472 (group 0) could do on a writable, group-writable directory, as compose had it
            must(List.of("chmod", "-R", "g+w", store.getParent().toString()));
            Files.setPosixFilePermissions(store.getParent(), PosixFilePermissions.fromString("rwxrwxr-x"));
            assertThat(asGrafana(store, "ATTACH '" + store + "' AS w; CREATE TABLE w.harm (x);"))
                    .as("on the writable directory mode=ro does not stop an ATTACH from writing the store")
                    .returns(0, Result::exit);

            must(List.of("mount", "--bind", store.getParent().toString(), mount.toString()));
            try {
                must(List.of("mount", "-o", "remount,bind,ro", mount.toString()));
                Path view = mount.resolve(store.getFileName());
                for (int i = 0; i < 20; i++) {
                    Result read = asGrafana(view, "SELECT count(*) FROM logs;");
                    assertThat(read.exit())
                            .as("read " + i + " under the exporter's writes: " + read.output())
                            .isZero();
                    assertThat(Long.parseLong(read.output())).isPositive();
                    Thread.sleep(50);
                }
                Result attachStore = asGrafana(view, "ATTACH '" + view + "' AS w; DELETE FROM w.logs;");
                assertThat(attachStore.exit()).as(attachStore.output()).isNotZero();
                assertThat(attachStore.output()).contains("readonly database");
                Result attachNew =
                        asGrafana(view, "ATTACH '" + mount.resolve("new.db") + "' AS n; CREATE TABLE n.x (a);");
                assertThat(attachNew.exit()).as(attachNew.output()).isNotZero();
                assertThat(mount.resolve("new.db")).doesNotExist();
                assertThat(Long.parseLong(
                                asGrafana(view, "SELECT count(*) FROM logs;").output()))
                        .as("the log is still there")
                        .isPositive();
            } finally {
                must(List.of("umount", mount.toString()));
            }
        }
    }

    /**
     * Kubernetes (deploy/kubernetes/grafana-store): the exporter's claim as the kubelet leaves it with the
     * exporter's {@code fsGroup: 10001} (group 10001, setgid, group rwx; a volume whose root the driver
     * created without bits for others stays so), mounted read-only in kube-prometheus-stack's Grafana pod,
     * uid 472 gid 472 with {@code supplementalGroups: [10001]}. The group alone lets Grafana in: without it
     * the same reader is refused, so the values snippet must keep it.
     */
    @Test
    void
            givenTheClaimAsFsGroupLeavesIt_whenGrafanaReadsThroughAReadOnlyMountWithTheSupplementaryGroup_thenItReadsAndCannotWrite()
                    throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = Files.createDirectory(tmp.resolve("claim"));
        must(List.of("chown", "10001:10001", data.toString()));
        // the kubelet's chmod for fsGroup: setgid and group rwx, on a root created 0770
        must(List.of("chmod", "2770", data.toString()));
        Path mount = Files.createDirectory(tmp.resolve("grafana-pod"));
        try (ExporterProcess exporter = ExporterProcess.startDemo(data, 200)) {
            Path store = exporter.storePath();
            awaitRows(store);
            must(List.of("mount", "--bind", data.toString(), mount.toString()));
            try {
                must(List.of("mount", "-o", "remount,bind,ro", mount.toString()));
                Path view = mount.resolve(store.getFileName());
                long first = 0;
                for (int i = 0; i < 20; i++) {
                    Result read = asKubeGrafana(KUBE_GRAFANA, view, "SELECT count(*) FROM logs;");
                    assertThat(read.exit())
                            .as("read " + i + " under the exporter's writes: " + read.output())
                            .isZero();
                    long rows = Long.parseLong(read.output());
                    first = i == 0 ? rows : first;
                    assertThat(rows).isPositive();
                    Thread.sleep(100);
                }
                assertThat(Long.parseLong(asKubeGrafana(KUBE_GRAFANA, view, "SELECT count(*) FROM logs;")
                                .output()))
                        .as("the reader sees the exporter's new rows through the read-only mount")
                        .isGreaterThan(first);

                Result noGroup = asKubeGrafana(KUBE_GRAFANA_WITHOUT_GROUP, view, "SELECT count(*) FROM logs;");
                assertThat(noGroup.exit())
                        .as("without supplementalGroups [10001]: " + noGroup.output())
                        .isNotZero();
                assertThat(noGroup.output()).contains("unable to open database file");

                Result attachStore =
                        asKubeGrafana(KUBE_GRAFANA, view, "ATTACH '" + view + "' AS w; DELETE FROM w.logs;");
                assertThat(attachStore.exit()).as(attachStore.output()).isNotZero();
                assertThat(attachStore.output()).contains("readonly database");
                Result attachNew = asKubeGrafana(
                        KUBE_GRAFANA, view, "ATTACH '" + mount.resolve("new.db") + "' AS n; CREATE TABLE n.x (a);");
                assertThat(attachNew.exit()).as(attachNew.output()).isNotZero();
                assertThat(mount.resolve("new.db")).doesNotExist();
            } finally {
                must(List.of("umount", mount.toString()));
            }
        }
    }

    private static Result asKubeGrafana(List<String> user, Path store, String sql) throws Exception {
        List<String> command = new ArrayList<>(user);
        command.addAll(List.of("sqlite3", "file:" + store + "?mode=ro", sql));
        return run(command);
    }

    private static void awaitRows(Path store) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(store)) {
                Result r = run(List.of("sqlite3", "file:" + store + "?mode=ro", "SELECT count(*) FROM logs;"));
                if (r.exit() == 0 && !r.output().isEmpty() && Long.parseLong(r.output()) > 0) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no rows in " + store + " after 60 s");
    }

    private static Result asGrafana(Path store, String sql) throws Exception {
        List<String> command = new ArrayList<>(GRAFANA);
        command.addAll(List.of("sqlite3", "file:" + store + "?mode=ro", sql));
        return run(command);
    }

    private record Result(int exit, String output) {}

    private static boolean onPath(String program) throws Exception {
        return !run(List.of("sh", "-c", "command -v " + program + " || true"))
                .output()
                .isEmpty();
    }

    private static void must(List<String> command) throws Exception {
        Result r = run(command);
        assertThat(r.exit()).as(command + ": " + r.output()).isZero();
    }

    /** Runs {@code command} to its end (at most 60 s): exit code and output, trimmed. */
    private static Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(command + " ends").isTrue();
        return new Result(p.exitValue(), out);
    }
}
