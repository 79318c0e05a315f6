package io.tokenmonitor.bridge.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The console API against a running bridge (its real HTTP server, outbox workers and breaker), a fake Telegram and a
 * real MariaDB gateway database with New API's schema.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASIC =
            "Basic " + Base64.getEncoder().encodeToString("am:pw".getBytes(StandardCharsets.UTF_8));
    private static final FakePlatform.Answer CHAT_NOT_FOUND = new FakePlatform.Answer(
            400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: chat not found\"}");

    private final HttpClient http = HttpClient.newHttpClient();
    private Path dir;
    private FakePlatform telegram;
    private GatewayDatabase gateway;
    private Bridge bridge;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("console-api");
        telegram = new FakePlatform(FakePlatform.TELEGRAM_OK);
        gateway = GatewayDatabase.create(GatewayDsn.Dialect.MYSQL, GatewayDatabase.Flavor.NEW_API, dir);
        gateway.addChannel(5, 1, "default", "gpt-4o");
        gateway.addChannel(6, 2, "default", "gpt-4o"); // disabled by hand, not by the breaker
        AccountTables.create(gateway);
        gateway.execute(
                "INSERT INTO users (id, username, password, role, status) VALUES (7, 'alice', 'h', 1, 1)",
                "INSERT INTO tokens (id, user_id, `key`, status, name) VALUES (12, 7, 'sk-secret', 1, 'ci-bot')");
        bridge = Bridge.start(
                TestConfigs.telegramAt(
                        telegram, dir, Map.of("SQL_DSN", gateway.sqlDsn(), "BREAKER_ALERT_NAMES", "Test")),
                Clock.systemUTC(),
                new PrometheusRegistry(),
                "test");
    }

    @AfterAll
    void stop() throws Exception {
        bridge.close();
        gateway.close();
        telegram.close();
    }

    private HttpResponse<String> call(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.port() + path));
        List<String> h = new ArrayList<>(List.of(headers));
        if (!h.contains("Authorization")) {
            h.addAll(List.of("Authorization", BASIC));
        }
        if (method.equals("POST") && !h.contains("Content-Type")) {
            h.addAll(List.of("Content-Type", "application/json"));
        }
        for (int i = 0; i < h.size(); i += 2) {
            if (!h.get(i + 1).isEmpty()) {
                b.header(h.get(i), h.get(i + 1));
            }
        }
        b.method(
                method,
                method.equals("POST")
                        ? HttpRequest.BodyPublishers.ofString("{}")
                        : HttpRequest.BodyPublishers.noBody());
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(c -> assertThat(c).startsWith("application/json"));
        return JSON.readTree(response.body());
    }

    private JsonNode awaitDone(long id) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        JsonNode d;
        do {
            Thread.sleep(100);
            d = json(call("GET", "/api/v1/deliveries/" + id), 200);
        } while (d.path("state").asText().equals("pending") && Instant.now().isBefore(deadline));
        return d;
    }

    private long testMessage() throws Exception {
        JsonNode queued = json(call("POST", "/api/v1/targets/telegram/test"), 202);
        assertThat(queued.path("target").asText()).isEqualTo("telegram");
        return queued.path("delivery").asLong();
    }

    @Test
    void givenNoCredentials_whenAnyEndpoint_then401() throws Exception {
        for (String path : List.of(
                "/api/v1/targets",
                "/api/v1/deliveries",
                "/api/v1/breaker/actions",
                "/api/v1/held",
                "/api/v1/audit",
                "/console/")) {
            assertThat(call("GET", path, "Authorization", "").statusCode())
                    .as(path)
                    .isEqualTo(401);
        }
        HttpResponse<String> wrong = call(
                "POST",
                "/api/v1/targets/telegram/test",
                "Authorization",
                "Basic " + Base64.getEncoder().encodeToString("am:wrong".getBytes(StandardCharsets.UTF_8)));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
    }

    @Test
    void givenCrossOriginOrNonJsonWrite_whenPosted_thenRefusedAndNothingQueued() throws Exception {
        int before = telegram.all().size();
        assertThat(call("POST", "/api/v1/targets/telegram/test", "Origin", "http://evil.example")
                        .statusCode())
                .isEqualTo(403);
        assertThat(call("POST", "/api/v1/targets/telegram/test", "Sec-Fetch-Site", "cross-site")
                        .statusCode())
                .isEqualTo(403);
        assertThat(call("POST", "/api/v1/targets/telegram/test", "Content-Type", "text/plain")
                        .statusCode())
                .isEqualTo(415);
        assertThat(call("POST", "/api/v1/targets/telegram/test", "Content-Type", "application/x-www-form-urlencoded")
                        .statusCode())
                .isEqualTo(415);
        Thread.sleep(300);
        assertThat(telegram.all()).hasSize(before);
        JsonNode audit = json(call("GET", "/api/v1/audit?limit=500"), 200);
        assertThat(audit.path("audit").findValuesAsText("detail")).noneMatch(d -> d.contains("evil"));
    }

    @Test
    void givenBadValues_whenRequested_then400NamingTheField() throws Exception {
        assertThat(json(call("GET", "/api/v1/deliveries?state=lost"), 400)
                        .path("field")
                        .asText())
                .isEqualTo("state");
        assertThat(json(call("GET", "/api/v1/deliveries?limit=0"), 400)
                        .path("field")
                        .asText())
                .isEqualTo("limit");
        assertThat(json(call("GET", "/api/v1/breaker/actions?offset=-1"), 400)
                        .path("field")
                        .asText())
                .isEqualTo("offset");
        assertThat(json(call("POST", "/api/v1/deliveries/abc/retry"), 400)
                        .path("field")
                        .asText())
                .isEqualTo("id");
        assertThat(json(call("POST", "/api/v1/channels/0x2/enable"), 400)
                        .path("field")
                        .asText())
                .isEqualTo("id");
    }

    @Test
    void givenUnknownIds_whenActedOn_then404() throws Exception {
        json(call("POST", "/api/v1/deliveries/999999/retry"), 404);
        json(call("POST", "/api/v1/deliveries/999999/discard"), 404);
        json(call("GET", "/api/v1/deliveries/999999"), 404);
        json(call("POST", "/api/v1/targets/nowhere/test"), 404);
        json(call("GET", "/api/v1/nothing"), 404);
        json(call("POST", "/api/v1/channels/4242/enable"), 409); // no breaker entry: not ours to enable
    }

    @Test
    void givenTargets_whenListed_thenConfiguredWithRatesAndCountsAndNoSecret() throws Exception {
        HttpResponse<String> response = call("GET", "/api/v1/targets");
        JsonNode body = json(response, 200);
        JsonNode tg = body.path("targets").get(0);
        assertThat(tg.path("name").asText()).isEqualTo("telegram");
        assertThat(tg.path("platform").asText()).isEqualTo("telegram");
        assertThat(tg.path("configured").asBoolean()).isTrue();
        assertThat(tg.path("sendRate").findValuesAsText("per")).containsExactly("1s", "1m");
        assertThat(tg.has("pending")).isTrue();
        assertThat(tg.has("dead")).isTrue();
        assertThat(body.path("targets").findValuesAsText("name")).contains("feishu", "wecom");
        assertThat(response.body()).doesNotContain("1:T").doesNotContain("pw");
    }

    @Test
    void givenTestButton_whenPosted_thenTheMessageArrivesAndTheDeliveryIsSentAndAudited() throws Exception {
        int before = telegram.accepted().size();
        long id = testMessage();
        JsonNode delivery = awaitDone(id);
        assertThat(delivery.path("state").asText()).isEqualTo("sent");
        assertThat(delivery.path("target").asText()).isEqualTo("telegram");
        assertThat(telegram.accepted().size()).isGreaterThan(before);
        assertThat(telegram.accepted().get(telegram.accepted().size() - 1).body())
                .contains("TokenMonitorBridgeTest");
        JsonNode sent = json(call("GET", "/api/v1/deliveries?state=sent"), 200);
        assertThat(sent.path("deliveries").findValuesAsText("id")).contains(Long.toString(id));
        JsonNode audit = json(call("GET", "/api/v1/audit"), 200).path("audit");
        assertThat(audit).anySatisfy(a -> {
            assertThat(a.path("action").asText()).isEqualTo("test");
            assertThat(a.path("user").asText()).isEqualTo("am");
            assertThat(a.path("client").asText()).isEqualTo("127.0.0.1");
            assertThat(a.path("detail").asText()).isEqualTo("delivery " + id);
            assertThat(a.path("at").asText()).isNotEmpty();
        });
    }

    @Test
    void givenDeadLetter_whenRetried_thenDeliveredAndANonDeadOneIs409() throws Exception {
        telegram.answer(CHAT_NOT_FOUND);
        long id;
        try {
            id = testMessage();
            JsonNode dead = awaitDone(id);
            assertThat(dead.path("state").asText()).isEqualTo("dead");
            assertThat(dead.path("lastError").asText()).contains("chat not found");
            JsonNode listed = json(call("GET", "/api/v1/deliveries?state=dead"), 200);
            assertThat(listed.path("deliveries").findValuesAsText("id")).contains(Long.toString(id));
        } finally {
            telegram.answer(FakePlatform.TELEGRAM_OK);
        }
        int before = telegram.accepted().size();
        json(call("POST", "/api/v1/deliveries/" + id + "/retry"), 200);
        assertThat(awaitDone(id).path("state").asText()).isEqualTo("sent");
        assertThat(telegram.accepted().size()).isEqualTo(before + 1);
        assertThat(json(call("POST", "/api/v1/deliveries/" + id + "/retry"), 409)
                        .path("error")
                        .asText())
                .contains("not dead");
        json(call("POST", "/api/v1/deliveries/" + id + "/discard"), 409);
        JsonNode audit = json(call("GET", "/api/v1/audit"), 200).path("audit");
        assertThat(audit).anySatisfy(a -> {
            assertThat(a.path("action").asText()).isEqualTo("retry");
            assertThat(a.path("subject").asText()).isEqualTo("delivery " + id);
        });
    }

    @Test
    void givenDeadLetter_whenDiscarded_thenGoneAndAudited() throws Exception {
        telegram.answer(CHAT_NOT_FOUND);
        long id;
        try {
            id = testMessage();
            assertThat(awaitDone(id).path("state").asText()).isEqualTo("dead");
        } finally {
            telegram.answer(FakePlatform.TELEGRAM_OK);
        }
        assertThat(json(call("POST", "/api/v1/deliveries/" + id + "/discard"), 200)
                        .path("state")
                        .asText())
                .isEqualTo("discarded");
        json(call("GET", "/api/v1/deliveries/" + id), 404);
        JsonNode audit = json(call("GET", "/api/v1/audit"), 200).path("audit");
        assertThat(audit).anySatisfy(a -> {
            assertThat(a.path("action").asText()).isEqualTo("discard");
            assertThat(a.path("subject").asText()).isEqualTo("delivery " + id);
        });
    }

    @Test
    void givenBreakerDisabledChannel_whenEnabled_thenOnlyThatOneIsReEnabledAndAudited() throws Exception {
        HttpResponse<String> alert = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.port() + "/alerts"))
                        .header("Authorization", "Bearer " + TestConfigs.TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(Webhooks.body(
                                "cc05",
                                "firing",
                                "2026-11-30T01:00:00Z",
                                Map.of("action", "disable_channel", "channel_id", "5"))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(alert.statusCode()).isEqualTo(200);
        Instant deadline = Instant.now().plusSeconds(20);
        while (gateway.status(5) != 2 && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(gateway.status(5)).isEqualTo(2);

        JsonNode actions = json(call("GET", "/api/v1/breaker/actions"), 200);
        assertThat(actions.path("dryRun").asBoolean()).isFalse();
        assertThat(actions.path("breaker").asBoolean()).isTrue();
        JsonNode first = actions.path("actions").get(0);
        assertThat(first.path("channelId").asLong()).isEqualTo(5);
        assertThat(first.path("result").asText()).isEqualTo("disabled");
        assertThat(first.path("canEnable").asBoolean()).isTrue();
        assertThat(json(call("GET", "/api/v1/breaker/actions?limit=1&offset=1"), 200)
                        .path("actions")
                        .size())
                .isLessThanOrEqualTo(1);

        JsonNode refused = json(call("POST", "/api/v1/channels/6/enable"), 409);
        assertThat(refused.path("result").asText()).isEqualTo("refused");
        assertThat(refused.path("dryRun").asBoolean()).isFalse();
        assertThat(gateway.status(6)).isEqualTo(2);

        JsonNode enabled =
                json(call("POST", "/api/v1/channels/5/enable", "Origin", "http://127.0.0.1:" + bridge.port()), 200);
        assertThat(enabled.path("result").asText()).isEqualTo("enabled");
        assertThat(enabled.path("dryRun").asBoolean()).isFalse();
        assertThat(gateway.status(5)).isEqualTo(1);
        assertThat(gateway.abilitiesEnabled(5)).containsOnly(true);
        json(call("POST", "/api/v1/channels/5/enable"), 409); // no longer the breaker's to enable

        JsonNode newest = json(call("GET", "/api/v1/breaker/actions"), 200).path("actions");
        assertThat(newest.get(0).path("action").asText()).isEqualTo("enable");
        assertThat(newest.findValues("canEnable")).noneMatch(JsonNode::asBoolean);
        JsonNode audit = json(call("GET", "/api/v1/audit"), 200).path("audit");
        assertThat(audit).anySatisfy(a -> {
            assertThat(a.path("action").asText()).isEqualTo("enable");
            assertThat(a.path("subject").asText()).isEqualTo("channel 5");
            assertThat(a.path("result").asText()).isEqualTo("enabled");
        });
        assertThat(audit).anySatisfy(a -> {
            assertThat(a.path("subject").asText()).isEqualTo("channel 6");
            assertThat(a.path("result").asText()).isEqualTo("refused");
        });
    }

    @Test
    void givenBreakerDisabledKey_whenEnabledThroughTheApi_thenOnlyThatKeyIsReEnabledAndAudited() throws Exception {
        HttpResponse<String> alert = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.port() + "/alerts"))
                        .header("Authorization", "Bearer " + TestConfigs.TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(Webhooks.body(
                                "cc12",
                                "firing",
                                "2026-11-30T01:00:00Z",
                                Map.of("action", "disable_token", "token_id", "12"))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(alert.statusCode()).isEqualTo(200);
        Instant deadline = Instant.now().plusSeconds(20);
        while (tokenStatus(12) != 2 && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(tokenStatus(12)).isEqualTo(2);
        // Its message too, so that no other test counting messages sees it arrive.
        while (telegram.all().stream().noneMatch(r -> r.body().contains("ci-bot"))
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }

        JsonNode actions = json(call("GET", "/api/v1/breaker/actions"), 200).path("actions");
        JsonNode mine = null;
        for (JsonNode a : actions) {
            if (a.path("target").asText().equals("token")) {
                mine = a;
                break;
            }
        }
        assertThat(mine).as("the key's row in " + actions).isNotNull();
        assertThat(mine.path("targetId").asLong()).isEqualTo(12);
        assertThat(mine.has("channelId")).isFalse();
        assertThat(mine.path("result").asText()).isEqualTo("disabled");
        assertThat(mine.path("canEnable").asBoolean()).isTrue();

        assertThat(json(call("POST", "/api/v1/tokens/x12/enable"), 400)
                        .path("field")
                        .asText())
                .isEqualTo("id");
        JsonNode refused = json(call("POST", "/api/v1/users/7/enable"), 409);
        assertThat(refused.path("result").asText())
                .as("user 7 was not disabled by the breaker")
                .isEqualTo("refused");

        JsonNode enabled = json(call("POST", "/api/v1/tokens/12/enable"), 200);
        assertThat(enabled.path("result").asText()).isEqualTo("enabled");
        assertThat(enabled.path("target").asText()).isEqualTo("token");
        assertThat(enabled.path("name").asText()).isEqualTo("ci-bot");
        assertThat(tokenStatus(12)).isEqualTo(1);
        json(call("POST", "/api/v1/tokens/12/enable"), 409); // no longer the breaker's to enable

        JsonNode audit = json(call("GET", "/api/v1/audit"), 200).path("audit");
        assertThat(audit).anySatisfy(a -> {
            assertThat(a.path("subject").asText()).isEqualTo("token 12");
            assertThat(a.path("result").asText()).isEqualTo("enabled");
        });
    }

    private int tokenStatus(long id) throws Exception {
        try (var c = gateway.connect();
                var st = c.createStatement();
                var rs = st.executeQuery("SELECT status FROM tokens WHERE id = " + id)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void givenAlertOutsideItsWindowAndOneNotified_whenHeldListed_thenWaitingUntilTheWindowAndCooldownUntil()
            throws Exception {
        int hour = Instant.now().atZone(ZoneOffset.UTC).getHour();
        String window = String.format("%02d:00-%02d:00", (hour + 3) % 24, (hour + 4) % 24);
        for (Map.Entry<String, Map<String, String>> alert : Map.of(
                        "dd01", Map.of("active", window, "tz", "UTC"), "dd02", Map.<String, String>of())
                .entrySet()) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.port() + "/alerts"))
                            .header("Authorization", "Bearer " + TestConfigs.TOKEN)
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    Webhooks.body(alert.getKey(), "firing", "2026-11-30T02:00:00Z", alert.getValue())))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        }
        JsonNode held = json(call("GET", "/api/v1/held"), 200);
        JsonNode deferred = held.path("deferred").get(0);
        assertThat(deferred.path("alertKey").asText()).isEqualTo("dd01");
        assertThat(deferred.path("active").asText()).isEqualTo(window);
        Instant until = Instant.parse(deferred.path("until").asText());
        assertThat(until.atZone(ZoneOffset.UTC).getHour()).isEqualTo((hour + 3) % 24);
        assertThat(until.atZone(ZoneOffset.UTC).getMinute()).isZero();
        assertThat(until).isAfter(Instant.now());
        assertThat(held.path("cooldowns")).anySatisfy(c -> {
            assertThat(c.path("alertKey").asText()).isEqualTo("dd02");
            assertThat(c.path("target").asText()).isEqualTo("telegram");
            assertThat(Instant.parse(c.path("until").asText()))
                    .isEqualTo(Instant.parse(c.path("lastFiring").asText()).plusSeconds(3600));
        });
    }
}
