package io.tokenmonitor.e2e.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.testing.GatewayDatabase;
import io.tokenmonitor.common.testing.TestLog;
import io.tokenmonitor.e2e.harness.AlertmanagerProcess;
import io.tokenmonitor.e2e.harness.BridgeProcess;
import io.tokenmonitor.e2e.harness.ExporterProcess;
import io.tokenmonitor.e2e.harness.FakeChatPlatform;
import io.tokenmonitor.e2e.harness.FakeChatPlatform.Message;
import io.tokenmonitor.e2e.harness.PrometheusApi;
import io.tokenmonitor.e2e.harness.PrometheusProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules created in the browser's way (issue 13): through the exporter's API, {@code POST /api/v1/rules}
 * with HTTP Basic for {@code admin} and {@code ACCESS_PASSWORD}, with no config file and no rule-file
 * edit. Each goes the whole alert path with the real programs — MariaDB gateway → exporter jar →
 * Prometheus with the repository's rules → Alertmanager with the repository's routing → bridge jar →
 * the fake Telegram — and the message names the rule.
 *
 * <ul>
 *   <li>{@code e2e-rule-usage}: kind usage, channel 1, 1h, 100 tokens; the traffic has 1500 → the budget
 *       alert TokenMonitorBudgetExceeded with {@code budget=e2e-rule-usage}.</li>
 *   <li>{@code e2e-rule-errors}: kind error_ratio, channel 2, 5m, above 0.2, min_requests 5; 5 requests and
 *       10 failed attempts (10 / 15) → TokenMonitorRuleErrorRatioHigh with {@code rule=e2e-rule-errors}; deleted
 *       through the API, it resolves.</li>
 *   <li>{@code e2e-rule-unarmed}: the same on the same channel but min_requests 1000: it has a value and no
 *       threshold, and nobody is told.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RuleAlertPathIT {
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration QUIET_PERIOD = Duration.ofSeconds(6);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String ACCESS_PASSWORD = "e2e-console-password-4711";
    private static final String BRIDGE_TOKEN = "e2e-rules-bridge-token-0123456789";
    private static final String TELEGRAM_TOKEN = "123456789:AAE2eRulesBotTokenForTokenMonitor";
    private static final String TELEGRAM_CHAT = "-1001234567891";

    static final long CHANNEL_USAGE = 1;
    static final long CHANNEL_ERRORS = 2;

    GatewayDatabase gateway;
    FakeChatPlatform telegram;
    ExporterProcess exporter;
    BridgeProcess bridge;
    AlertmanagerProcess alertmanager;
    PrometheusProcess prometheus;
    PrometheusApi api;
    String errorsRuleEtag;
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void startEverything(@TempDir Path dir) throws IOException, SQLException {
        gateway = GatewayDatabase.create(Dialect.MYSQL, GatewayDatabase.Flavor.NEW_API, dir);
        gateway.addChannel(CHANNEL_USAGE, "e2e-rules-alpha", List.of("gpt-4o"));
        gateway.addChannel(CHANNEL_ERRORS, "e2e-rules-beta", List.of("gpt-4o"));
        telegram = FakeChatPlatform.telegram(TELEGRAM_TOKEN, TELEGRAM_CHAT);

        // No CONFIG_FILE: every rule of this test comes through the API.
        exporter = ExporterProcess.start(
                dir.resolve("exporter"),
                List.of(),
                Map.of("SQL_DSN", gateway.sqlDsn(), "BUDGET_INTERVAL", "1s", "ACCESS_PASSWORD", ACCESS_PASSWORD));

        Path bridgeDir = dir.resolve("bridge");
        Files.createDirectories(bridgeDir);
        Path bridgeConfig = bridgeDir.resolve("bridge.yml");
        Files.writeString(bridgeConfig, "defaults:\n  timezone: UTC\n");
        bridge = BridgeProcess.start(
                bridgeDir,
                Map.of(
                        "BRIDGE_TOKEN", BRIDGE_TOKEN,
                        "TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN,
                        "TELEGRAM_CHAT_ID", TELEGRAM_CHAT,
                        "TELEGRAM_API_URL", telegram.baseUrl(),
                        "CONFIG_FILE", bridgeConfig.toString()));
        alertmanager = AlertmanagerProcess.start(
                dir.resolve("alertmanager"),
                bridge.url("/alerts"),
                BRIDGE_TOKEN,
                new AlertmanagerProcess.Timers("1s", "1s", null));
        prometheus = PrometheusProcess.start(
                dir.resolve("prometheus"),
                Map.of("token-monitor-exporter", exporter.target(), "token-monitor-bridge", bridge.target()),
                alertmanager.target(),
                INTERVAL);
        api = prometheus.api();

        long now = Instant.now().getEpochSecond();
        // channel 1: 10 × 150 tokens = 1500 > 100
        gateway.addConsumeLogs(CHANNEL_USAGE, "gpt-4o", 10, 100, 50, now);
        // channel 2: 5 requests and 10 failed attempts: 10 / 15 = 0.67 > 0.2, 15 attempts ≥ 5 (and < 1000)
        gateway.addConsumeLogs(CHANNEL_ERRORS, "gpt-4o", 5, 100, 50, now);
        List<TestLog> errors = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            errors.add(new TestLog(
                    5,
                    now,
                    CHANNEL_ERRORS,
                    "gpt-4o",
                    "e2e-token",
                    "e2e",
                    0,
                    0,
                    0,
                    1,
                    false,
                    "upstream error",
                    "{\"status_code\":500}"));
        }
        gateway.insert(errors);
    }

    @AfterAll
    void stopEverything() {
        for (AutoCloseable c : new AutoCloseable[] {prometheus, alertmanager, bridge, exporter, telegram, gateway}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("closing " + c + ": " + e);
                }
            }
        }
    }

    @Test
    @Order(1)
    void givenNoOrAWrongPassword_whenARuleIsPosted_thenItIsRefusedAndNothingIsSaved() {
        String spec = "{\"name\":\"e2e-rule-intruder\",\"kind\":\"channel_down\"}";
        assertThat(send("POST", "/api/v1/rules", spec, null, null).statusCode())
                .as("without credentials")
                .isEqualTo(401);
        assertThat(send("POST", "/api/v1/rules", spec, basic("admin", "not-the-password"), null)
                        .statusCode())
                .as("with a wrong password")
                .isEqualTo(401);
        HttpResponse<String> list = send("GET", "/api/v1/rules", null, basic("admin", ACCESS_PASSWORD), null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).doesNotContain("e2e-rule-intruder");
    }

    @Test
    @Order(2)
    void givenAUsageRulePostedThroughTheApi_thenItsBudgetAlertReachesTelegramNamingTheRule() {
        HttpResponse<String> created = post("""
                {"name": "e2e-rule-usage", "kind": "usage", "channel_id": %d, "window": "1h",
                 "limit": {"tokens": 100}, "notify": ["telegram"], "severity": "critical"}
                """.formatted(CHANNEL_USAGE));
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/rules/e2e-rule-usage");
        JsonNode status = json(created.body());
        assertThat(status.path("name").asText()).isEqualTo("e2e-rule-usage");
        assertThat(status.path("source").asText()).isEqualTo("console");
        assertThat(status.path("enabled").asBoolean()).isTrue();

        Predicate<Message> firing = m -> m.mentions("TokenMonitorBudgetExceeded", "budget=e2e-rule-usage");
        await(
                "the budget alert of rule e2e-rule-usage at telegram",
                () -> !telegram.messages(firing).isEmpty());
        pause(QUIET_PERIOD);
        List<Message> got = telegram.messages(firing);
        assertThat(got).as("firing messages of e2e-rule-usage").hasSize(1);
        assertThat(got.get(0).text()).contains("e2e-rule-usage", "channel_id=1");
        assertThat(telegram.rejected()).as("telegram rejections").isEmpty();
    }

    @Test
    @Order(3)
    void givenAnErrorRatioRulePostedThroughTheApi_thenTheGenericRuleAlertReachesTelegramNamingTheRule() {
        HttpResponse<String> created = post("""
                {"name": "e2e-rule-errors", "kind": "error_ratio", "channel_id": %d, "window": "5m",
                 "above": 0.2, "min_requests": 5, "notify": ["telegram"], "severity": "critical"}
                """.formatted(CHANNEL_ERRORS));
        errorsRuleEtag = created.headers().firstValue("ETag").orElse(null);
        assertThat(errorsRuleEtag).as("ETag of the created rule").isNotBlank();
        post("""
                {"name": "e2e-rule-unarmed", "kind": "error_ratio", "channel_id": %d, "window": "5m",
                 "above": 0.2, "min_requests": 1000, "notify": ["telegram"]}
                """.formatted(CHANNEL_ERRORS));

        Predicate<Message> firing =
                m -> m.mentions("TokenMonitorRuleErrorRatioHigh", "rule=e2e-rule-errors") && !AlertPathIT.isResolved(m);
        await(
                "the rule alert of e2e-rule-errors at telegram",
                () -> !telegram.messages(firing).isEmpty());
        pause(QUIET_PERIOD);
        List<Message> got = telegram.messages(firing);
        assertThat(got).as("firing messages of e2e-rule-errors").hasSize(1);
        // the summary of the generic alert: the rule, the scope with the channel's name, value and threshold
        assertThat(got.get(0).text())
                .contains("Rule e2e-rule-errors", "channel 2 (e2e-rules-beta)", "66.67%", "20%", "channel_id=2");

        // The unarmed rule is measured (a value) but has no threshold, so it never fires.
        assertThat(api.query("newapi_rule_value{rule=\"e2e-rule-unarmed\"}", Instant.now()))
                .as("value of e2e-rule-unarmed")
                .isNotEmpty();
        assertThat(api.query("newapi_rule_threshold{rule=\"e2e-rule-unarmed\"}", Instant.now()))
                .as("threshold of e2e-rule-unarmed (not armed: 15 of 1000 attempts)")
                .isEmpty();
        assertThat(api.query("ALERTS{rule=\"e2e-rule-unarmed\"}", Instant.now()))
                .as("alerts of e2e-rule-unarmed")
                .isEmpty();
        assertThat(telegram.messages(m -> m.mentions("e2e-rule-unarmed")))
                .as("messages about e2e-rule-unarmed")
                .isEmpty();
    }

    @Test
    @Order(4)
    void givenTheFiringRuleDeletedThroughTheApi_thenItsAlertResolvesAtTelegram() {
        assertThat(errorsRuleEtag).as("ETag from the previous test").isNotNull();
        HttpResponse<String> deleted =
                send("DELETE", "/api/v1/rules/e2e-rule-errors", null, basic("admin", ACCESS_PASSWORD), errorsRuleEtag);
        assertThat(deleted.statusCode()).as("DELETE " + deleted.body()).isEqualTo(204);

        Predicate<Message> resolved =
                m -> m.mentions("TokenMonitorRuleErrorRatioHigh", "rule=e2e-rule-errors") && AlertPathIT.isResolved(m);
        await(
                "the resolved message of e2e-rule-errors at telegram",
                () -> !telegram.messages(resolved).isEmpty());
        assertThat(api.query("newapi_rule_value{rule=\"e2e-rule-errors\"}", Instant.now()))
                .as("a deleted rule publishes nothing")
                .isEmpty();
    }

    // ---------------------------------------------------------------------------------------------

    /** POST /api/v1/rules as admin; must answer 201. */
    private HttpResponse<String> post(String spec) {
        HttpResponse<String> r = send("POST", "/api/v1/rules", spec, basic("admin", ACCESS_PASSWORD), null);
        assertThat(r.statusCode())
                .as("POST /api/v1/rules " + spec + " → " + r.body())
                .isEqualTo(201);
        return r;
    }

    private HttpResponse<String> send(String method, String path, String body, String authorization, String ifMatch) {
        HttpRequest.Builder b = HttpRequest.newBuilder(exporter.url(path))
                .timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (!method.equals("GET")) {
            // every write, DELETE without a body too, is JSON (CrossSiteWrites), as the console sends it
            b.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (ifMatch != null) {
            b.header("If-Match", ifMatch);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + body, e);
        }
    }

    private void await(String what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(DELIVERY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!bridge.isAlive()) {
                fail("the bridge exited:\n" + bridge.logTail());
            }
            if (condition.getAsBoolean()) {
                return;
            }
            pause(Duration.ofMillis(500));
        }
        if (!condition.getAsBoolean()) {
            fail("no " + what + " within " + DELIVERY_TIMEOUT + diagnostics());
        }
    }

    private String diagnostics() {
        StringBuilder out = new StringBuilder("\n--- ALERTS: ")
                .append(values("ALERTS"))
                .append("\n--- rules: value ")
                .append(values("newapi_rule_value"))
                .append(" threshold ")
                .append(values("newapi_rule_threshold"))
                .append("\n--- budgets: used ")
                .append(values("newapi_budget_used"))
                .append(" limit ")
                .append(values("newapi_budget_limit"))
                .append("\n--- telegram: ")
                .append(telegram.messages().size())
                .append(" messages, rejected ")
                .append(telegram.rejected());
        telegram.messages().forEach(m -> out.append("\n    ").append(m.text().replace("\n", " | ")));
        out.append("\n--- bridge log:\n").append(bridge.logTail());
        out.append("\n--- alertmanager log:\n").append(alertmanager.logTail());
        out.append("\n--- exporter log:\n").append(exporter.logTail());
        return out.toString();
    }

    private String values(String expr) {
        try {
            List<String> out = new ArrayList<>();
            for (PrometheusApi.Series s : api.query(expr, Instant.now())) {
                out.add(s.labels() + "=" + s.values());
            }
            return out.toString();
        } catch (RuntimeException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
