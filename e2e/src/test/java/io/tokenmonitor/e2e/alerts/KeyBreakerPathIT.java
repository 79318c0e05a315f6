package io.tokenmonitor.e2e.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.testing.GatewayDatabase;
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
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key breaker's whole path (issue 15) with the real programs — MariaDB gateway → exporter jar → Prometheus with
 * the repository's rules → Alertmanager with the repository's routing → bridge jar with the breaker on → the gateway's
 * {@code tokens} → the fake Telegram. A usage rule scoped to one API key ({@code token_id} 1, 100 tokens in 1h, its
 * traffic 1500) with {@code action: disable_token}, created through the exporter's API: its budget alert
 * TokenMonitorBudgetExceeded carries {@code token_id} and {@code action}, the bridge's breaker sets that key's
 * {@code tokens.status} to 2 (the user's other key stays enabled), and the message names the key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KeyBreakerPathIT {
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration QUIET_PERIOD = Duration.ofSeconds(6);

    private static final String ACCESS_PASSWORD = "e2e-console-password-4712";
    private static final String BRIDGE_TOKEN = "e2e-keys-bridge-token-0123456789";
    private static final String TELEGRAM_TOKEN = "123456789:AAE2eKeysBotTokenForTokenMonitor";
    private static final String TELEGRAM_CHAT = "-1001234567892";

    static final long CHANNEL = 1;
    /** GatewayDatabase writes every log row with token_id 1 and user_id 1, token_name "e2e-token". */
    static final long KEY = 1;

    static final long OTHER_KEY = 2;
    static final String KEY_NAME = "e2e-token";

    /** New API's tokens and users as GORM creates them on MySQL/MariaDB (model/token.go, model/user.go). */
    private static final List<String> ACCOUNT_TABLES = List.of(
            "CREATE TABLE `tokens` (`id` bigint AUTO_INCREMENT,`user_id` bigint,`key` varchar(128),"
                    + "`status` bigint DEFAULT 1,`name` varchar(191),`created_time` bigint,`accessed_time` bigint,"
                    + "`expired_time` bigint DEFAULT -1,`remain_quota` bigint DEFAULT 0,`unlimited_quota` boolean,"
                    + "`model_limits_enabled` boolean,`model_limits` text,`allow_ips` varchar(191) DEFAULT '',"
                    + "`used_quota` bigint DEFAULT 0,`group` varchar(191) DEFAULT '',`deleted_at` datetime(3) NULL,"
                    + "PRIMARY KEY (`id`),INDEX `idx_tokens_user_id` (`user_id`),UNIQUE INDEX `idx_tokens_key` (`key`),"
                    + "INDEX `idx_tokens_name` (`name`),INDEX `idx_tokens_deleted_at` (`deleted_at`))"
                    + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
            "CREATE TABLE `users` (`id` bigint AUTO_INCREMENT,`username` varchar(191) UNIQUE,`password` longtext NOT NULL,"
                    + "`display_name` varchar(191),`role` int DEFAULT 1,`status` int DEFAULT 1,`email` varchar(191),"
                    + "`access_token` char(32),`quota` int DEFAULT 0,`used_quota` int DEFAULT 0,"
                    + "`request_count` int DEFAULT 0,`group` varchar(64) DEFAULT 'default',`deleted_at` datetime(3) NULL,"
                    + "`setting` text,`created_at` bigint,`last_login_at` bigint DEFAULT 0,PRIMARY KEY (`id`))"
                    + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");

    GatewayDatabase gateway;
    FakeChatPlatform telegram;
    ExporterProcess exporter;
    BridgeProcess bridge;
    AlertmanagerProcess alertmanager;
    PrometheusProcess prometheus;
    PrometheusApi api;
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void startEverything(@TempDir Path dir) throws IOException, SQLException {
        gateway = GatewayDatabase.create(Dialect.MYSQL, GatewayDatabase.Flavor.NEW_API, dir);
        gateway.addChannel(CHANNEL, "e2e-keys-alpha", List.of("gpt-4o"));
        gateway.execute(ACCOUNT_TABLES.toArray(String[]::new));
        gateway.execute(
                "INSERT INTO users (id, username, password, role, status, quota, `group`) VALUES (1, 'e2e', 'hash', 1, 1,"
                        + " 5000000, 'default')",
                "INSERT INTO tokens (id, user_id, `key`, status, name, remain_quota, unlimited_quota, `group`) VALUES"
                        + " (" + KEY + ", 1, 'sk-e2e-secret-1', 1, '" + KEY_NAME + "', 5000000, false, 'default')",
                "INSERT INTO tokens (id, user_id, `key`, status, name, remain_quota, unlimited_quota, `group`) VALUES"
                        + " (" + OTHER_KEY + ", 1, 'sk-e2e-secret-2', 1, 'e2e-laptop', 5000000, false, 'default')");
        telegram = FakeChatPlatform.telegram(TELEGRAM_TOKEN, TELEGRAM_CHAT);

        // No CONFIG_FILE: the rule of this test comes through the API.
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
                        "BRIDGE_TOKEN",
                        BRIDGE_TOKEN,
                        "TELEGRAM_BOT_TOKEN",
                        TELEGRAM_TOKEN,
                        "TELEGRAM_CHAT_ID",
                        TELEGRAM_CHAT,
                        "TELEGRAM_API_URL",
                        telegram.baseUrl(),
                        "SQL_DSN",
                        gateway.sqlDsn(),
                        "CONFIG_FILE",
                        bridgeConfig.toString()));
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

        // key 1: 10 × 150 tokens = 1500 > 100
        gateway.addConsumeLogs(CHANNEL, "gpt-4o", 10, 100, 50, Instant.now().getEpochSecond());
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
    void givenAKeyOverItsBudgetWithDisableToken_thenTheKeyIsDisabledInTokensAndTheMessageNamesIt() throws Exception {
        HttpResponse<String> created = send("POST", "/api/v1/rules", """
                {"name": "e2e-key-usage", "kind": "usage", "token_id": %d, "window": "1h",
                 "limit": {"tokens": 100}, "action": "disable_token", "notify": ["telegram"], "severity": "critical"}
                """.formatted(KEY));
        assertThat(created.statusCode())
                .as("POST /api/v1/rules → " + created.body())
                .isEqualTo(201);

        await("key " + KEY + " at status 2 in the gateway's tokens", () -> tokenStatus(KEY) == 2);
        Predicate<Message> firing = m -> m.mentions("TokenMonitorBudgetExceeded", "budget=e2e-key-usage");
        await(
                "the budget alert of e2e-key-usage at telegram",
                () -> !telegram.messages(firing).isEmpty());
        pause(QUIET_PERIOD);

        List<Message> got = telegram.messages(firing);
        assertThat(got).as("firing messages of e2e-key-usage").hasSize(1);
        assertThat(got.get(0).text())
                .contains("token_id=" + KEY)
                // the breaker's sentence: what it did to which key, how soon the gateway notices, how to undo it
                .contains("令牌 #" + KEY + "「" + KEY_NAME + "」", "status 1 → 2", "SYNC_FREQUENCY")
                .contains("UPDATE tokens SET status = 1 WHERE id = " + KEY);
        assertThat(tokenStatus(OTHER_KEY)).as("the user's other key").isEqualTo(1);
        assertThat(userStatus(1)).as("the key's user").isEqualTo(1);
        assertThat(telegram.rejected()).as("telegram rejections").isEmpty();
    }

    // ---------------------------------------------------------------------------------------------

    private int tokenStatus(long id) {
        return status("tokens", id);
    }

    private int userStatus(long id) {
        return status("users", id);
    }

    private int status(String table, long id) {
        try (Connection c = gateway.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT status FROM " + table + " WHERE id = " + id)) {
            return rs.next() ? rs.getInt(1) : -1;
        } catch (SQLException e) {
            throw new IllegalStateException("reading " + table + " " + id, e);
        }
    }

    private HttpResponse<String> send(String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(exporter.url(path))
                .timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .header("Authorization", basic("admin", ACCESS_PASSWORD))
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
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
                .append("\n--- budgets: used ")
                .append(values("newapi_budget_used"))
                .append(" limit ")
                .append(values("newapi_budget_limit"))
                .append("\n--- tokens: key ")
                .append(tokenStatus(KEY))
                .append(", other ")
                .append(tokenStatus(OTHER_KEY))
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
