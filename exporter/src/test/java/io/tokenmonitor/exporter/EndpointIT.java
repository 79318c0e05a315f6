package io.tokenmonitor.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmonitor.exporter.config.ExporterConfig;
import io.tokenmonitor.exporter.http.SelfSigned;
import io.tokenmonitor.exporter.testing.Await;
import io.tokenmonitor.exporter.testing.MetricsScrape;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;

/** The exporter's HTTP endpoint: promtool finds nothing in a real scrape; TLS and basic auth in the exporter-toolkit format. */
class EndpointIT {

    @TempDir
    Path dir;

    @Test
    void givenDemoWithBudgetsAndChannels_whenScraped_thenPromtoolCheckMetricsReportsNothing() throws Exception {
        Path config = Files.writeString(dir.resolve("budgets.yml"), """
                timezone: Asia/Shanghai
                budgets:
                  - {name: daily, model: gpt-4o, window: calendar_day, limit: {tokens: 5000000}, notify: [telegram, feishu]}
                  - {name: hourly, channel_id: 1, window: 1h, limit: {usd: 2}, action: disable_channel, cooldown: 30m}
                """);
        try (Exporter exporter = Exporter.start(
                demoConfig(Map.of("CONFIG_FILE", config.toString(), "OPTIONAL_LABELS", "group,token_name,username")),
                true)) {
            MetricsScrape scrape = Await.until(
                    () -> MetricsScrape.of(exporter.port()),
                    s -> s.text().contains("newapi_budget_used{") && s.text().contains("newapi_usage_requests_total{"),
                    Duration.ofSeconds(60));
            assertThat(scrape.text())
                    .contains(
                            "newapi_group_usage_requests_total{group=\"default\"}",
                            "newapi_token_usage_tokens_total{",
                            "newapi_user_usage_quota_total{username=\"alice\"}");

            HttpResponse<byte[]> asPrometheusAsks = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporter.port() + "/metrics"))
                                    .header(
                                            "Accept",
                                            "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
                                    .header("Accept-Encoding", "gzip")
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
            assertThat(asPrometheusAsks.headers().firstValue("Content-Encoding"))
                    .contains("gzip");
            String openMetrics = new String(
                    new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(asPrometheusAsks.body()))
                            .readAllBytes(),
                    StandardCharsets.UTF_8);
            assertThat(openMetrics)
                    .contains("# TYPE newapi_usage_requests counter\n", "newapi_up ")
                    .endsWith("# EOF\n");

            Process promtool = new ProcessBuilder("promtool", "check", "metrics")
                    .redirectErrorStream(true)
                    .start();
            promtool.getOutputStream().write(scrape.text().getBytes(StandardCharsets.UTF_8));
            promtool.getOutputStream().close();
            String findings = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(promtool.waitFor()).as(findings).isZero();
            assertThat(findings).isEmpty();
        }
    }

    @Test
    void givenHistogramSettings_whenScraped_thenTheDurationHistogramHasTheShapeAsked() throws Exception {
        try (Exporter standard = Exporter.start(demoConfig(Map.of()), true);
                Exporter old = Exporter.start(
                        demoConfig(Map.of("HISTOGRAM_STREAM", "true", "HISTOGRAM_BUCKETS", "fine")), true)) {
            String byDefault = durationLines(standard);
            String asBefore = durationLines(old);

            assertThat(byDefault).contains("le=\"120.0\"").doesNotContain("stream=", "le=\"600.0\"", "le=\"90.0\"");
            assertThat(asBefore).contains("stream=\"true\"", "le=\"600.0\"", "le=\"90.0\"");
        }
    }

    /** The request-duration bucket lines of a scrape, once the demo has streamed and non-streamed requests. */
    private static String durationLines(Exporter exporter) throws Exception {
        MetricsScrape scrape = Await.until(
                () -> MetricsScrape.of(exporter.port()),
                s -> s.text().contains("newapi_usage_request_duration_seconds_bucket{"),
                Duration.ofSeconds(60));
        return scrape.text()
                .lines()
                .filter(line -> line.startsWith("newapi_usage_request_duration_seconds_bucket{"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    @Test
    void givenWebConfigWithTlsAndBasicAuth_whenScraped_thenOnlyAuthenticatedHttpsGetsMetrics() throws Exception {
        SelfSigned tls = SelfSigned.create(dir, "endpoint");
        String hash = BCrypt.hashpw("s3cret", BCrypt.gensalt(10))
                .replaceFirst("^\\$2a\\$", "\\$2y\\$"); // as htpasswd -B writes it
        Path web = Files.writeString(dir.resolve("web.yml"), """
                tls_server_config:
                  cert_file: %s
                  key_file: %s
                basic_auth_users:
                  prometheus: '%s'
                http_server_config:
                  headers:
                    X-Content-Type-Options: nosniff
                """.formatted(
                        tls.cert().getFileName(), tls.key().getFileName(), hash));
        try (Exporter exporter = Exporter.start(demoConfig(Map.of("WEB_CONFIG_FILE", web.toString())), true)) {
            HttpClient https =
                    HttpClient.newBuilder().sslContext(trusting(tls.cert())).build();
            String base = "https://127.0.0.1:" + exporter.port();

            HttpResponse<String> anonymous =
                    https.send(get(base + "/metrics", null), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> wrong =
                    https.send(get(base + "/metrics", "prometheus:nope"), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> right =
                    https.send(get(base + "/metrics", "prometheus:s3cret"), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> health =
                    https.send(get(base + "/healthz", null), HttpResponse.BodyHandlers.ofString());

            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(right.statusCode()).isEqualTo(200);
            assertThat(right.body()).contains("newapi_up");
            assertThat(right.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> HttpClient.newHttpClient()
                            .send(
                                    get("http://127.0.0.1:" + exporter.port() + "/metrics", null),
                                    HttpResponse.BodyHandlers.ofString()))
                    .as("plain HTTP is not served")
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    private ExporterConfig demoConfig(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("LISTEN_ADDRESS", "127.0.0.1:0");
        env.put("STORE_PATH", dir.resolve("store-" + System.nanoTime() + ".db").toString());
        env.put("DEMO_PATH", dir.resolve("demo-gateway.db").toString());
        env.put("DEMO_ROWS_PER_SECOND", "50");
        return ExporterConfig.fromEnvironment(env, true);
    }

    private static HttpRequest get(String url, String credentials) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (credentials != null) {
            builder.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return builder.build();
    }

    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            trusted.setCertificateEntry(
                    "exporter", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
