package io.tokenmonitor.bridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.bridge.Bridge;
import io.tokenmonitor.bridge.testing.FakePlatform;
import io.tokenmonitor.bridge.testing.TestConfigs;
import io.tokenmonitor.bridge.testing.Webhooks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertIntakeTest {
    @TempDir
    Path dir;

    private final FakePlatform telegram = new FakePlatform(FakePlatform.TELEGRAM_OK);
    private final HttpClient http = HttpClient.newHttpClient();
    private Bridge bridge;

    @BeforeEach
    void start() {
        bridge = Bridge.start(
                TestConfigs.telegramAt(telegram, dir, Map.of()), Clock.systemUTC(), new PrometheusRegistry(), "test");
    }

    @AfterEach
    void stop() {
        bridge.close();
        telegram.close();
    }

    private HttpResponse<String> post(String authorization, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + bridge.port() + "/alerts"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String body) throws Exception {
        return post("Bearer " + TestConfigs.TOKEN, body.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String firing(String fingerprint) {
        return Webhooks.body(fingerprint, "firing", "2026-11-30T01:00:00Z", Map.of());
    }

    @Test
    void givenNoOrWrongCredentials_whenAlertPosted_thenResponds401() throws Exception {
        assertThat(post(null, firing("a1").getBytes()).statusCode()).isEqualTo(401);
        assertThat(post("Bearer wrong", firing("a1").getBytes()).statusCode()).isEqualTo(401);
        String badBasic = "Basic " + Base64.getEncoder().encodeToString("am:nope".getBytes());
        assertThat(post(badBasic, firing("a1").getBytes()).statusCode()).isEqualTo(401);
    }

    @Test
    void givenBearerOrBasic_whenAlertPosted_thenAcceptedAndDelivered() throws Exception {
        assertThat(post(firing("a2")).statusCode()).isEqualTo(200);
        String basic = "Basic " + Base64.getEncoder().encodeToString("am:pw".getBytes());
        assertThat(post(basic, firing("a3").getBytes()).statusCode()).isEqualTo(200);
        Instant deadline = Instant.now().plusSeconds(10);
        while (telegram.accepted().size() < 2 && Instant.now().isBefore(deadline)) {
            Thread.sleep(50); // real time here: the worker thread and the real rate limit (1/s) are under test
        }
        assertThat(telegram.accepted()).hasSize(2);
        assertThat(telegram.accepted().get(0).body()).contains("budget exceeded for &lt;gpt-4o&gt; &amp; co");
    }

    @Test
    void givenBodyOver1MiB_whenPosted_thenResponds413() throws Exception {
        byte[] big = new byte[(int) AlertIntake.MAX_BODY_BYTES + 10];
        java.util.Arrays.fill(big, (byte) ' ');
        assertThat(post("Bearer " + TestConfigs.TOKEN, big).statusCode()).isEqualTo(413);
    }

    @Test
    void givenMalformedJson_whenPosted_thenResponds400WithOneLineReason() throws Exception {
        HttpResponse<String> response = post("{\"alerts\": [");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body())
                .startsWith("not an Alertmanager v4 webhook: ")
                .hasLineCount(1);
        HttpResponse<String> missing = post("{\"version\":\"4\"}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).isEqualTo("not an Alertmanager v4 webhook: missing field \"alerts\"\n");
    }

    @Test
    void givenOutboxCannotCommit_whenAlertPosted_thenResponds503() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("bridge.db"))) {
            c.createStatement().execute("DROP TABLE outbox");
        }
        assertThat(post(firing("a4")).statusCode()).isEqualTo(503);
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void givenTraffic_whenScraped_thenContractMetricNamesAreExposed() throws Exception {
        post(firing("a5"));
        post(firing("a5"));
        String metrics = get("/metrics").body();
        assertThat(metrics)
                .contains("newapi_bridge_alerts_received_total{status=\"firing\"} 2.0")
                .contains("newapi_bridge_notifications_suppressed_total{reason=\"duplicate\"} 1.0")
                .contains("newapi_bridge_notifications_sent_total{result=\"sent\",target=\"telegram\"}")
                .contains("newapi_bridge_outbox_pending{target=\"telegram\"}")
                .contains("newapi_bridge_outbox_oldest_pending_age_seconds{target=\"telegram\"}")
                .contains("newapi_bridge_dead_letters_total{target=\"telegram\"} 0.0")
                .contains("newapi_bridge_breaker_actions_total{result=\"rate_limited\"} 0.0")
                .contains("newapi_bridge_build_info{version=\"test\"} 1");
        assertThat(get("/alerts").statusCode()).isEqualTo(405);
        assertThat(Duration.ofSeconds(1)).isPositive();
    }
}
