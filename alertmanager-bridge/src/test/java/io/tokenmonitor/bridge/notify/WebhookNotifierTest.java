package io.tokenmonitor.bridge.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.tokenmonitor.common.config.Secret;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookNotifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "whsec-0123456789abcdef";

    /** One request as the receiver saw it. */
    record Received(String body, Map<String, List<String>> headers) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile int status = 204;
    private volatile String retryAfter;
    private volatile String answer = "";
    private final HttpServer server;

    WebhookNotifierTest() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(body, Map.copyOf(exchange.getRequestHeaders())));
            if (retryAfter != null) {
                exchange.getResponseHeaders().add("Retry-After", retryAfter);
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private WebhookNotifier notifier(TargetConfig.WebhookFormat format, String secret, Map<String, Secret> headers) {
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/T000/B000/XXXXXXXXXXXXXXXXXXXX";
        return new WebhookNotifier(
                new TargetConfig.Webhook(
                        "hook",
                        new Secret(url),
                        format,
                        Optional.ofNullable(secret).map(Secret::new),
                        headers),
                new JsonPost(JsonPost.defaultClient(), Duration.ofSeconds(5)),
                JSON,
                Clock.systemUTC());
    }

    @Test
    void givenASecret_whenSent_thenTheReceiverVerifiesTheSignatureAsTheReadmeSays() throws Exception {
        WebhookNotifier n =
                notifier(TargetConfig.WebhookFormat.JSON, SECRET, Map.of("Authorization", new Secret("Bearer abc123")));
        assertThat(n.send(n.render(Notifications.firing("critical", "over by 20%"))
                        .get(0)))
                .isEqualTo(new Delivery.Sent());
        Received r = received.get(0);
        // The receiver's side, as documented: HMAC-SHA256(secret, timestamp + "." + raw body), hex, "sha256=".
        String timestamp = r.header("X-TokenMonitor-Timestamp");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "sha256="
                + HexFormat.of().formatHex(mac.doFinal((timestamp + "." + r.body()).getBytes(StandardCharsets.UTF_8)));
        assertThat(MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8),
                        r.header("X-TokenMonitor-Signature").getBytes(StandardCharsets.UTF_8)))
                .isTrue();
        assertThat(Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp)))
                .isLessThan(300);
        assertThat(r.header("Authorization")).isEqualTo("Bearer abc123");

        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("status").asText()).isEqualTo("firing");
        assertThat(body.path("text").asText()).contains("BudgetExceeded").contains("over by 20%");
        JsonNode alert = body.path("alerts").get(0);
        assertThat(alert.at("/labels/model").asText()).isEqualTo("gpt-4o<mini>");
        assertThat(alert.at("/annotations/summary").asText()).isEqualTo("Budget <gpt-4o> & co over limit");
        assertThat(alert.at("/annotations/description").asText()).isEqualTo("over by 20%");
        assertThat(alert.path("startsAt").asText()).isEqualTo("2026-11-30T02:00:00Z");
        assertThat(alert.at("/links/0/kind").asText()).isEqualTo("dashboard");
    }

    @Test
    void givenAGroupMessage_whenSent_thenEveryAlertOfTheGroupIsInTheAlertsArray() throws Exception {
        WebhookNotifier n = notifier(TargetConfig.WebhookFormat.JSON, null, Map.of());
        Notification group = Notification.group(
                Map.of("alertname", "TokenMonitorBudgetExceeded"),
                List.of(
                        new Notification.Entry(
                                Notification.Kind.FIRING,
                                "TokenMonitorBudgetExceeded",
                                "critical",
                                "daily over",
                                Map.of("budget", "daily")),
                        new Notification.Entry(
                                Notification.Kind.RESOLVED,
                                "TokenMonitorBudgetExceeded",
                                "warning",
                                "hourly back under",
                                Map.of("budget", "hourly"))),
                java.time.Instant.parse("2026-11-30T02:00:00Z"),
                java.time.ZoneOffset.UTC,
                Language.EN);
        for (String part : n.render(group)) {
            assertThat(n.send(part)).isEqualTo(new Delivery.Sent());
        }
        JsonNode body = JSON.readTree(received.get(0).body());
        assertThat(body.path("status").asText()).isEqualTo("firing");
        assertThat(body.at("/groupLabels/alertname").asText()).isEqualTo("TokenMonitorBudgetExceeded");
        assertThat(body.path("alerts")).hasSize(2);
        assertThat(body.at("/alerts/0/labels/budget").asText()).isEqualTo("daily");
        assertThat(body.at("/alerts/1/status").asText()).isEqualTo("resolved");
        assertThat(body.at("/alerts/1/annotations/summary").asText()).isEqualTo("hourly back under");
    }

    @Test
    void givenATamperedBody_thenTheSignatureNoLongerMatches() throws Exception {
        WebhookSigner signer = new WebhookSigner(new Secret(SECRET));
        assertThat(signer.sign(1_700_000_000L, "{\"a\":1}")).isNotEqualTo(signer.sign(1_700_000_000L, "{\"a\":2}"));
        assertThat(signer.sign(1_700_000_000L, "{\"a\":1}")).isNotEqualTo(signer.sign(1_700_000_001L, "{\"a\":1}"));
    }

    @Test
    void givenNoSecret_whenSent_thenNoSignatureHeader() {
        WebhookNotifier n = notifier(TargetConfig.WebhookFormat.JSON, null, Map.of());
        n.send("{}");
        assertThat(received.get(0).header("X-TokenMonitor-Signature")).isNull();
    }

    @Test
    void given429WithRetryAfter_whenSent_thenRetriedAfterThatWait() {
        status = 429;
        retryAfter = "17";
        assertThat(notifier(TargetConfig.WebhookFormat.JSON, null, Map.of()).send("{}"))
                .isEqualTo(new Delivery.RetryLater(Duration.ofSeconds(17), "webhook HTTP 429"));
    }

    @Test
    void givenDiscords429Body_whenSent_thenItsRetryAfterIsUsed() {
        status = 429;
        answer = "{\"message\":\"You are being rate limited.\",\"retry_after\":1.5,\"global\":false}";
        Delivery d =
                notifier(TargetConfig.WebhookFormat.DISCORD, null, Map.of()).send("{}");
        assertThat(((Delivery.RetryLater) d).after()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void given5xx_whenSent_thenRetried_andOther4xxIsDead() {
        status = 503;
        assertThat(notifier(TargetConfig.WebhookFormat.JSON, null, Map.of()).send("{}"))
                .isInstanceOf(Delivery.RetryLater.class);
        status = 404;
        answer = "no_service for /hooks/T000/B000/XXXXXXXXXXXXXXXXXXXX";
        Delivery d = notifier(TargetConfig.WebhookFormat.SLACK, null, Map.of()).send("{}");
        assertThat(d).isInstanceOf(Delivery.Rejected.class);
        // Slack's URL is its credential: an echo of it is masked.
        assertThat(((Delivery.Rejected) d).reason())
                .startsWith("slack HTTP 404")
                .doesNotContain("XXXXXXXXXXXXXXXXXXXX");
    }

    @Test
    void givenSlackFormat_whenRendered_thenTextBodiesUnder4000CharsWithSlackEscaping() throws Exception {
        WebhookNotifier n = notifier(TargetConfig.WebhookFormat.SLACK, null, Map.of());
        List<String> parts = n.render(Notifications.firing("critical", "x".repeat(9000)));
        assertThat(parts).hasSizeGreaterThan(1);
        for (String p : parts) {
            JsonNode body = JSON.readTree(p);
            assertThat(body.fieldNames()).toIterable().containsExactly("text");
            assertThat(body.path("text").asText().length()).isLessThanOrEqualTo(4000);
        }
        assertThat(JSON.readTree(parts.get(0)).path("text").asText()).contains("BudgetExceeded");
        assertThat(JSON.readTree(parts.get(parts.size() - 1)).path("text").asText())
                .contains("gpt-4o&lt;mini&gt;");
        assertThat(n.send(parts.get(0))).isEqualTo(new Delivery.Sent());
    }

    @Test
    void givenDiscordFormat_whenRendered_thenContentUnder2000CharsAndNoMentions() throws Exception {
        WebhookNotifier n = notifier(TargetConfig.WebhookFormat.DISCORD, null, Map.of());
        List<String> parts = n.render(Notifications.firing("critical", "@everyone " + "y".repeat(5000)));
        assertThat(parts).hasSizeGreaterThan(2);
        for (String p : parts) {
            JsonNode body = JSON.readTree(p);
            assertThat(body.path("content").asText().length()).isLessThanOrEqualTo(2000);
            assertThat(body.at("/allowed_mentions/parse").isArray()).isTrue();
            assertThat(body.at("/allowed_mentions/parse").size()).isZero();
        }
        assertThat(JSON.readTree(parts.get(0)).path("content").asText()).contains("BudgetExceeded");
    }
}
