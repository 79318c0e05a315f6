package io.tokenmonitor.exporter.console;

import io.tokenmonitor.exporter.Exporter;
import io.tokenmonitor.exporter.config.ExporterConfig;
import io.tokenmonitor.exporter.testing.MetricsScrape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The real exporter in demo mode (its own gateway, store and budget evaluation), with a config file holding the
 * usage budget {@code from-file} and {@code ACCESS_PASSWORD} set: the console and {@code /api/v1} are served on the
 * exporter's own listener, beside {@code /metrics}.
 */
final class RealExporter implements AutoCloseable {
    static final String PASSWORD = "real-pw";

    private final Exporter exporter;

    private RealExporter(Exporter exporter) {
        this.exporter = exporter;
    }

    /** Starts (or, on the same {@code dir}, restarts: same store, same demo gateway) the exporter. */
    static RealExporter start(Path dir) throws Exception {
        Path config = dir.resolve("rules.yml");
        if (!Files.exists(config)) {
            Files.writeString(config, """
                    timezone: UTC
                    budgets:
                      - {name: from-file, window: 24h, limit: {usd: 10}}
                    """);
        }
        Map<String, String> env = Map.of(
                "LISTEN_ADDRESS",
                "127.0.0.1:0",
                "STORE_PATH",
                dir.resolve("store.db").toString(),
                "DEMO_PATH",
                dir.resolve("demo-gateway.db").toString(),
                "CONFIG_FILE",
                config.toString(),
                "BUDGET_INTERVAL",
                "1s",
                "ACCESS_PASSWORD",
                PASSWORD);
        return new RealExporter(Exporter.start(ExporterConfig.fromEnvironment(env, true), true));
    }

    String consoleUrl() {
        return "http://127.0.0.1:" + exporter.port() + "/console/";
    }

    int consolePort() {
        return exporter.port();
    }

    MetricsScrape metrics() throws Exception {
        return MetricsScrape.of(exporter.port());
    }

    /** Whether /metrics has {@code newapi_budget_limit{budget="<budget>"}}. */
    boolean publishesLimit(String budget) throws Exception {
        return metrics().samples().stream()
                .anyMatch(s -> s.name().equals("newapi_budget_limit")
                        && budget.equals(s.labels().get("budget")));
    }

    @Override
    public void close() {
        exporter.close();
    }
}
