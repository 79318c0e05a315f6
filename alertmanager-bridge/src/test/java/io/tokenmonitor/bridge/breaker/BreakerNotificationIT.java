package io.tokenmonitor.bridge.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.bridge.Bridge;
import io.tokenmonitor.bridge.testing.AccountTables;
import io.tokenmonitor.bridge.testing.FakePlatform;
import io.tokenmonitor.bridge.testing.TestConfigs;
import io.tokenmonitor.bridge.testing.Webhooks;
import io.tokenmonitor.common.gateway.GatewayDsn;
import io.tokenmonitor.common.testing.GatewayDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alertmanager → bridge → breaker → gateway DB → notification saying what the breaker did. */
class BreakerNotificationIT {
    @TempDir
    Path dir;

    @Test
    void givenDisableChannelAlert_whenPosted_thenChannelDisabledAndMessageSaysSo() throws Exception {
        try (FakePlatform telegram = new FakePlatform(FakePlatform.TELEGRAM_OK);
                GatewayDatabase gateway =
                        GatewayDatabase.create(GatewayDsn.Dialect.SQLITE, GatewayDatabase.Flavor.NEW_API, dir)) {
            gateway.addChannel(5, 1, "default", "gpt-4o");
            Bridge bridge = Bridge.start(
                    TestConfigs.telegramAt(
                            telegram, dir, Map.of("SQL_DSN", gateway.sqlDsn(), "BREAKER_ALERT_NAMES", "Test")),
                    Clock.systemUTC(),
                    new PrometheusRegistry(),
                    "test");
            try {
                post(
                        bridge,
                        Webhooks.body(
                                "bb01",
                                "firing",
                                "2026-11-30T01:00:00Z",
                                Map.of("action", "disable_channel", "channel_id", "5")));
                awaitMessages(telegram, 1);
            } finally {
                bridge.close();
            }
            assertThat(gateway.status(5)).isEqualTo(2);
            assertThat(gateway.abilitiesEnabled(5)).containsExactly(false);
            assertThat(telegram.accepted()).hasSize(1);
            assertThat(telegram.accepted().get(0).body()).contains("熔断：已禁用渠道 #5（status 1 → 2），其 abilities 已停用");
        }
    }

    /** A made-up alert name (here: Webhooks' "Test", on no list by default) is notified, and the channel stays. */
    @Test
    void givenAlertNameNotOnTheBreakerList_whenPosted_thenNotifiedWithTheRefusalAndChannelUntouched() throws Exception {
        Refusal refusal = refusedForChannel5(Map.of(), Map.of());
        assertThat(refusal.metrics()).contains("newapi_bridge_breaker_actions_total{result=\"not_allowed\"} 1.0");
        assertThat(refusal.message()).contains("熔断：已拒绝").contains("breaker.alert_names");
    }

    /**
     * A fleet: this bridge's breaker acts on gateway a (BREAKER_GATEWAY); an alert of gateway b asking to disable
     * channel 5 is notified with the refusal, and gateway a's channel 5 stays on.
     */
    @Test
    void givenBreakerOfGatewayA_whenGatewayBsAlertAsksForChannel5_thenNotifiedWithTheRefusalAndChannelUntouched()
            throws Exception {
        Refusal refusal = refusedForChannel5(
                Map.of("BREAKER_ALERT_NAMES", "Test", "BREAKER_GATEWAY", "a"), Map.of("gateway", "b"));
        assertThat(refusal.metrics()).contains("newapi_bridge_breaker_actions_total{result=\"other_gateway\"} 1.0");
        assertThat(refusal.message()).contains("熔断：已拒绝，未禁用渠道 #5").contains("breaker.gateway");
    }

    private record Refusal(String metrics, String message) {}

    /**
     * Posts a firing alert asking to disable channel 5 (with {@code labels} added) to a bridge with {@code env} beside
     * SQL_DSN, checks that channel 5 stayed on and one message went out; the bridge's metrics and that message.
     */
    private Refusal refusedForChannel5(Map<String, String> env, Map<String, String> labels) throws Exception {
        try (FakePlatform telegram = new FakePlatform(FakePlatform.TELEGRAM_OK);
                GatewayDatabase gateway =
                        GatewayDatabase.create(GatewayDsn.Dialect.SQLITE, GatewayDatabase.Flavor.NEW_API, dir)) {
            gateway.addChannel(5, 1, "default", "gpt-4o");
            Map<String, String> settings = new HashMap<>(env);
            settings.put("SQL_DSN", gateway.sqlDsn());
            Map<String, String> alert = new HashMap<>(labels);
            alert.put("action", "disable_channel");
            alert.put("channel_id", "5");
            Bridge bridge = Bridge.start(
                    TestConfigs.telegramAt(telegram, dir, settings),
                    Clock.systemUTC(),
                    new PrometheusRegistry(),
                    "test");
            String metrics;
            try {
                post(bridge, Webhooks.body("bb02", "firing", "2026-11-30T01:00:00Z", alert));
                awaitMessages(telegram, 1);
                metrics = metrics(bridge);
            } finally {
                bridge.close();
            }
            assertThat(gateway.status(5)).isEqualTo(1);
            assertThat(gateway.abilitiesEnabled(5)).containsExactly(true);
            assertThat(telegram.accepted()).hasSize(1);
            return new Refusal(metrics, telegram.accepted().get(0).body());
        }
    }

    /**
     * disable_token with token_id: the key is switched off in tokens, and the message names it, says when the gateway
     * notices (Redis) and how to undo it; disable_user without user_id is only notified, saying which label is missing.
     */
    @Test
    void givenDisableTokenAlert_whenPosted_thenKeyDisabledAndMessageNamesItWithTimingAndUndo() throws Exception {
        try (FakePlatform telegram = new FakePlatform(FakePlatform.TELEGRAM_OK);
                GatewayDatabase gateway =
                        GatewayDatabase.create(GatewayDsn.Dialect.SQLITE, GatewayDatabase.Flavor.NEW_API, dir)) {
            AccountTables.create(gateway);
            gateway.execute(
                    "INSERT INTO users (id, username, password, role, status) VALUES (7, 'alice', 'h', 1, 1)",
                    "INSERT INTO tokens (id, user_id, `key`, status, name) VALUES (12, 7, 'sk-secret', 1, 'ci-bot')");
            Bridge bridge = Bridge.start(
                    TestConfigs.telegramAt(
                            telegram, dir, Map.of("SQL_DSN", gateway.sqlDsn(), "BREAKER_ALERT_NAMES", "Test")),
                    Clock.systemUTC(),
                    new PrometheusRegistry(),
                    "test");
            try {
                post(
                        bridge,
                        Webhooks.body(
                                "bb03",
                                "firing",
                                "2026-11-30T01:00:00Z",
                                Map.of("action", "disable_token", "token_id", "12")));
                post(
                        bridge,
                        Webhooks.body(
                                "bb04",
                                "firing",
                                "2026-11-30T01:00:00Z",
                                Map.of("action", "disable_user", "token_id", "12")));
                awaitMessages(telegram, 2);
            } finally {
                bridge.close();
            }
            assertThat(gateway.execute("UPDATE tokens SET name = name WHERE id = 12 AND status = 2"))
                    .as("key 12 at status 2")
                    .isEqualTo(1);
            assertThat(gateway.execute("UPDATE users SET status = status WHERE id = 7 AND status = 1"))
                    .as("user 7 untouched")
                    .isEqualTo(1);
            assertThat(telegram.accepted()).hasSize(2);
            String all = telegram.accepted().get(0).body()
                    + telegram.accepted().get(1).body();
            assertThat(all)
                    .contains("熔断：已禁用令牌 #12「ci-bot」（status 1 → 2）")
                    .contains("REDIS_CONN_STRING", "SYNC_FREQUENCY", "60", "600")
                    .contains("/api/v1/tokens/12/enable")
                    .contains("UPDATE tokens SET status = 1 WHERE id = 12 AND status = 2")
                    .contains("熔断未执行：告警没有 user_id 标签");
        }
    }

    private static void post(Bridge bridge, String body) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.port() + "/alerts"))
                                .header("Authorization", "Bearer " + TestConfigs.TOKEN)
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
    }

    /** Waits up to 15 s for the fake platform to have accepted {@code count} messages. */
    private static void awaitMessages(FakePlatform telegram, int count) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(15);
        while (telegram.accepted().size() < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
    }

    private static String metrics(Bridge bridge) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.port() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
