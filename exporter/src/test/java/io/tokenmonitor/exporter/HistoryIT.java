package io.tokenmonitor.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.testing.GatewayDatabase;
import io.tokenmonitor.common.testing.GatewayDatabase.Flavor;
import io.tokenmonitor.common.testing.TestLog;
import io.tokenmonitor.common.testing.Usage;
import io.tokenmonitor.exporter.config.ExporterConfig;
import io.tokenmonitor.exporter.history.HistoryExport;
import io.tokenmonitor.exporter.store.Store;
import io.tokenmonitor.exporter.testing.Await;
import io.tokenmonitor.exporter.testing.MetricsScrape;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's history, exported as OpenMetrics, turned into blocks by the real promtool and read
 * by a real Prometheus: the increase over a past day equals the source's count for that day.
 */
class HistoryIT {

    private static final Pattern VALUE = Pattern.compile("\"value\":\\[[0-9.]+,\"([0-9.eE+-]+)\"]");

    @TempDir
    Path dir;

    @Test
    void givenFiveDaysOfHistory_whenExportedAndLoadedByPromtool_thenPrometheusShowsThePastDayExactly()
            throws Exception {
        long now = Instant.now().getEpochSecond();
        long dayStart = Math.floorDiv(now, 86_400) * 86_400 - 3 * 86_400;
        long dayEnd = dayStart + 86_400;
        Path store = dir.resolve("store.db");
        try (GatewayDatabase db = GatewayDatabase.create(Dialect.SQLITE, Flavor.NEW_API, dir)) {
            db.insert(TestLog.traffic(new Random(8), 20_000, now - 5 * 86_400, now - 4 * 3_600, 3, 4));
            Map<String, String> env = new HashMap<>(
                    Map.of("SQL_DSN", db.sqlDsn(), "LISTEN_ADDRESS", "127.0.0.1:0", "STORE_PATH", store.toString()));
            Map<String, Usage> expectedNow = db.usageByGroupBy(0);
            try (Exporter exporter = Exporter.start(ExporterConfig.fromEnvironment(env, false), false)) {
                Await.until(
                        () -> MetricsScrape.of(exporter.port()).usage(), expectedNow::equals, Duration.ofSeconds(60));
            }
            long expectedRequests = count(
                    db,
                    "SELECT COUNT(*) FROM logs WHERE type = 2 AND token_name <> '模型测试' AND NOT "
                            + "(prompt_tokens = 0 AND completion_tokens = 0 AND other LIKE '%\"task_id\"%') AND created_at >= "
                            + dayStart
                            + " AND created_at < " + dayEnd);
            long expectedTokens = count(
                    db,
                    "SELECT SUM(prompt_tokens) FROM logs WHERE type = 2 AND token_name <> '模型测试' AND created_at >= "
                            + dayStart + " AND created_at < " + dayEnd);

            Path openMetrics = dir.resolve("history.om");
            try (Store opened = Store.open(store);
                    Writer out = Files.newBufferedWriter(openMetrics)) {
                HistoryExport.write(
                        opened,
                        Instant.ofEpochSecond(now - 6 * 86_400),
                        Instant.ofEpochSecond(now - 3 * 3_600),
                        Duration.ofMinutes(5),
                        out);
            }
            Path data = Files.createDirectories(dir.resolve("tsdb"));
            run("promtool", "tsdb", "create-blocks-from", "openmetrics", openMetrics.toString(), data.toString());

            int port = freePort();
            Path config = Files.writeString(dir.resolve("prometheus.yml"), "global: {scrape_interval: 1m}\n");
            Process prometheus = new ProcessBuilder(
                            "prometheus",
                            "--config.file=" + config,
                            "--storage.tsdb.path=" + data,
                            "--storage.tsdb.retention.time=30d",
                            "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
            try {
                String requests = "sum(newapi_usage_requests_total)";
                double atEnd =
                        Await.until(() -> query(port, requests, dayEnd), v -> !Double.isNaN(v), Duration.ofSeconds(60));
                double increase = atEnd - query(port, requests, dayStart);
                assertThat(increase).isEqualTo(expectedRequests);
                String input = "sum(newapi_usage_tokens_total{token_type=\"input\"})";
                assertThat(query(port, input, dayEnd) - query(port, input, dayStart))
                        .isEqualTo(expectedTokens);
            } finally {
                prometheus.destroy();
                prometheus.waitFor();
            }
        }
    }

    private static double query(int port, String promql, long time) throws Exception {
        String url = "http://127.0.0.1:" + port + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&time=" + time;
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = VALUE.matcher(response.body());
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static long count(GatewayDatabase db, String sql) throws Exception {
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + "\n" + output).isZero();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
