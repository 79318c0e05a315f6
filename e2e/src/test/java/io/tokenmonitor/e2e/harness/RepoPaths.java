package io.tokenmonitor.e2e.harness;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository and the built programs are (system properties set by the e2e pom). */
public final class RepoPaths {
    private RepoPaths() {}

    /** The repository root ({@code repo.root}, else the parent of the working directory). */
    public static Path root() {
        String configured = System.getProperty("repo.root");
        Path root = (configured != null ? Path.of(configured) : Path.of(".."))
                .toAbsolutePath()
                .normalize();
        if (!Files.isRegularFile(root.resolve("pom.xml")) || !Files.isDirectory(root.resolve("grafana"))) {
            throw new IllegalStateException("repo.root: " + root + " is not the Token Monitor repository");
        }
        return root;
    }

    /** The shaded exporter jar built by the reactor. */
    public static Path exporterJar() {
        return existing(
                System.getProperty(
                        "exporter.jar",
                        root().resolve("exporter/target/token-monitor-exporter.jar")
                                .toString()),
                "exporter.jar",
                "run the build from the repository root (mvn -pl e2e -am verify) so the exporter is packaged first");
    }

    /** The bridge jar (for tests that run the alert path). */
    public static Path bridgeJar() {
        return existing(
                System.getProperty(
                        "bridge.jar",
                        root().resolve("alertmanager-bridge/target/token-monitor-bridge.jar")
                                .toString()),
                "bridge.jar",
                "package the alertmanager-bridge module first");
    }

    public static Path prometheusBinary() {
        return existing(
                System.getProperty("prometheus.binary", "/usr/bin/prometheus"),
                "prometheus.binary",
                "install it (apt-get install -y prometheus) or set -Dprometheus.binary");
    }

    public static Path alertmanagerBinary() {
        return existing(
                System.getProperty("alertmanager.binary", "/usr/bin/prometheus-alertmanager"),
                "alertmanager.binary",
                "install it (apt-get install -y prometheus-alertmanager) or set -Dalertmanager.binary");
    }

    public static Path promtoolBinary() {
        return existing(
                System.getProperty("promtool.binary", "/usr/bin/promtool"),
                "promtool.binary",
                "install it (apt-get install -y prometheus) or set -Dpromtool.binary");
    }

    private static Path existing(String path, String property, String hint) {
        Path p = Path.of(path).toAbsolutePath().normalize();
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(property + ": " + p + " does not exist; " + hint);
        }
        return p;
    }
}
