package io.tokenmonitor.exporter.console;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.exporter.Exporter;
import io.tokenmonitor.exporter.config.ExporterConfig;
import io.tokenmonitor.exporter.http.ExporterHttpServer;
import io.tokenmonitor.exporter.http.WebConfig;
import io.tokenmonitor.exporter.metrics.UsageExposition;
import io.tokenmonitor.exporter.model.UsageTotals;
import io.tokenmonitor.exporter.testing.MetricsScrape;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The real exporter in demo mode (its own gateway, store and budget evaluation), with a config file holding the
 * usage budget {@code from-file}, and the console served on its real {@code RuleBook}.
 *
 * <p>The console gets a server of its own here, on the exporter's rule book, so that the test does not depend on
 * how Exporter wires the console into its listener; {@code /metrics} is the exporter's.
 */
final class RealExporter implements AutoCloseable {
    static final String PASSWORD = "real-pw";

    private final Exporter exporter;
    private final ExporterHttpServer console;

    private RealExporter(Exporter exporter, ExporterHttpServer console) {
        this.exporter = exporter;
        this.console = console;
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
        ExporterConfig settings = ExporterConfig.fromEnvironment(env, true);
        Exporter exporter = Exporter.start(settings, true);
        try {
            ExporterHttpServer console = ExporterHttpServer.start(
                    new InetSocketAddress("127.0.0.1", 0),
                    new PrometheusRegistry(),
                    new UsageExposition(() -> UsageTotals.EMPTY, () -> true),
                    () -> true,
                    WebConfig.NONE,
                    exporter.rules(),
                    settings.accessPassword());
            return new RealExporter(exporter, console);
        } catch (Exception | Error e) {
            exporter.close();
            throw e;
        }
    }

    String consoleUrl() {
        return "http://127.0.0.1:" + console.port() + "/console/";
    }

    int consolePort() {
        return console.port();
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
        console.close();
        exporter.close();
    }
}
