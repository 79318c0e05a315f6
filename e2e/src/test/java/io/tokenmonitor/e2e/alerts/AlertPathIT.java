package io.tokenmonitor.e2e.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.testing.GatewayDatabase;
import io.tokenmonitor.e2e.harness.AlertmanagerProcess;
import io.tokenmonitor.e2e.harness.BridgeProcess;
import io.tokenmonitor.e2e.harness.ConfigDiff;
import io.tokenmonitor.e2e.harness.ExporterProcess;
import io.tokenmonitor.e2e.harness.FakeChatPlatform;
import io.tokenmonitor.e2e.harness.FakeChatPlatform.Message;
import io.tokenmonitor.e2e.harness.PrometheusApi;
import io.tokenmonitor.e2e.harness.PrometheusProcess;
import io.tokenmonitor.e2e.harness.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * The whole alert path with the real programs (issue 5, items 5 and 6): New API's tables in a
 * MariaDB database → the exporter jar (budgets) → Prometheus with the repository's rules →
 * Alertmanager with the repository's routing → the bridge jar → local stand-ins for Telegram,
 * Feishu and WeCom, and the bridge's breaker writing back to the same MariaDB database.
 *
 * <p>Three budgets are configured at start and traffic exceeding each is inserted at once, so the
 * cases run side by side:
 * <ul>
 *   <li>{@code e2e-channel}: channel 1, a custom window of a few minutes, {@code action: disable_channel},
 *       {@code notify: [telegram, feishu]} — fires, is announced once per target with what the breaker did, the
 *       breaker disables channel 1 in MariaDB, and after the window has passed the resolved message arrives.</li>
 *   <li>{@code e2e-inactive}: channel 2, {@code action: disable_channel}, an {@code active} window that is closed
 *       now (in UTC, the bridge's configured zone) — fires in Prometheus and reaches the bridge, but nobody is told
 *       and channel 2 stays enabled.</li>
 *   <li>{@code e2e-cooldown}: channel 3, {@code action: notify}, {@code notify: [telegram, wecom]}, {@code cooldown: 1h}
 *       — fires and is announced, resolves (its limit is raised in the exporter's config file) and the resolved
 *       message goes out, then fires again (limit lowered back): the same alert (same labels, same fingerprint) with a
 *       new start time, so not a duplicate Alertmanager re-sends, and inside the cooldown: it is not delivered.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class AlertPathIT {
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(90);
    /** After a delivery, how long to keep watching for a second message that must not come. */
    private static final Duration QUIET_PERIOD = Duration.ofSeconds(6);

    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

    private static final String BRIDGE_TOKEN = "e2e-bridge-token-0123456789";
    private static final String TELEGRAM_TOKEN = "123456789:AAE2eTestBotTokenForTokenMonitor";
    private static final String TELEGRAM_CHAT = "-1001234567890";
    private static final String FEISHU_HOOK = "8c7f4d1e-e2e0-4b6a-9d1f-token-monitor";
    private static final String FEISHU_SECRET = "e2eFeishuSigningSecret";
    private static final String WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";

    static final long CHANNEL_BREAKER = 1;
    static final long CHANNEL_INACTIVE = 2;
    static final long CHANNEL_COOLDOWN = 3;
    static final long TOKENS_LIMIT = 1000;
    /** 10 requests × (100 + 50) tokens = 1500 ≥ 1000 on each channel. */
    static final int REQUESTS = 10;

    Path dir;

    GatewayDatabase gateway;
    FakeChatPlatform telegram;
    FakeChatPlatform feishu;
    FakeChatPlatform wecom;
    ExporterProcess exporter;
    BridgeProcess bridge;
    AlertmanagerProcess alertmanager;
    PrometheusProcess prometheus;
    PrometheusApi api;
    Path budgetsFile;
    String customFrom;
    String customTo;
    String closedActiveWindow;
    Instant started;
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void startEverything(@TempDir Path tempDir) throws IOException, SQLException {
        dir = tempDir;
        started = Instant.now();
        gateway = GatewayDatabase.create(Dialect.MYSQL, GatewayDatabase.Flavor.NEW_API, tempDir);
        gateway.addChannel(CHANNEL_BREAKER, "e2e-alpha", List.of("gpt-4o", "gpt-4o-mini"));
        gateway.addChannel(CHANNEL_INACTIVE, "e2e-beta", List.of("gpt-4o", "gpt-4o-mini"));
        gateway.addChannel(CHANNEL_COOLDOWN, "e2e-gamma", List.of("gpt-4o"));

        telegram = FakeChatPlatform.telegram(TELEGRAM_TOKEN, TELEGRAM_CHAT);
        feishu = FakeChatPlatform.feishu(FEISHU_HOOK, FEISHU_SECRET);
        wecom = FakeChatPlatform.wecom(WECOM_KEY);

        // The custom window: from ten minutes ago to the end of the minute two minutes from now (`to` is inclusive to
        // the minute), in UTC, the exporter's configured zone. It ends 2–3 minutes after the start.
        LocalDateTime nowUtc = LocalDateTime.ofInstant(started, ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
        customFrom = MINUTE.format(nowUtc.minusMinutes(10));
        customTo = MINUTE.format(nowUtc.plusMinutes(2));
        // An active window that opens in three hours and lasts one: closed for the whole test (UTC, the bridge's zone).
        closedActiveWindow = HH_MM.format(nowUtc.plusHours(3)) + "-" + HH_MM.format(nowUtc.plusHours(4));

        Path exporterDir = dir.resolve("exporter");
        Files.createDirectories(exporterDir);
        budgetsFile = exporterDir.resolve("budgets.yml");
        writeBudgets(TOKENS_LIMIT);
        exporter = ExporterProcess.start(
                exporterDir,
                List.of(),
                Map.of(
                        "SQL_DSN", gateway.sqlDsn(),
                        "CONFIG_FILE", budgetsFile.toString(),
                        "BUDGET_INTERVAL", "1s"));

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
                        "FEISHU_WEBHOOK", feishu.webhookUrl(),
                        "FEISHU_SECRET", FEISHU_SECRET,
                        "WECOM_WEBHOOK", wecom.webhookUrl(),
                        "SQL_DSN", gateway.sqlDsn(),
                        "CONFIG_FILE", bridgeConfig.toString()));

        alertmanager = AlertmanagerProcess.start(
                dir.resolve("alertmanager"),
                bridge.url("/alerts"),
                BRIDGE_TOKEN,
                new AlertmanagerProcess.Timers("1s", "1s", null));
        prometheus = PrometheusProcess.start(
                dir.resolve("prometheus"),
                Map.of(
                        "token-monitor-exporter",
                        exporter.target(),
                        "token-monitor-bridge",
                        bridge.target(),
                        "alertmanager",
                        alertmanager.target()),
                alertmanager.target(),
                INTERVAL);
        api = prometheus.api();

        long now = Instant.now().getEpochSecond();
        for (long channel : List.of(CHANNEL_BREAKER, CHANNEL_INACTIVE, CHANNEL_COOLDOWN)) {
            gateway.addConsumeLogs(channel, "gpt-4o", REQUESTS, 100, 50, now);
        }
    }

    @AfterAll
    void stopEverything() {
        for (AutoCloseable c :
                new AutoCloseable[] {prometheus, alertmanager, bridge, exporter, telegram, feishu, wecom, gateway}) {
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
    void configs_areTheRepositoryFiles_withOnlyAddressesIntervalsAndPathsChanged() {
        Path repo = RepoPaths.root();
        List<String> promChanges =
                ConfigDiff.changedPaths(repo.resolve("prometheus/prometheus.yml"), prometheus.configFile());
        assertThat(promChanges)
                .allSatisfy(path -> assertThat(path)
                        .matches("/global/(scrape|evaluation)_interval"
                                + "|/rule_files/0"
                                + "|/alerting/alertmanagers/\\d+/static_configs/\\d+/targets/\\d+"
                                + "|/scrape_configs/\\d+/static_configs/\\d+/targets/\\d+"));
        assertThat(promChanges).contains("/global/scrape_interval", "/global/evaluation_interval");

        List<String> amChanges =
                ConfigDiff.changedPaths(repo.resolve("prometheus/alertmanager.yml"), alertmanager.configFile());
        assertThat(amChanges)
                .allSatisfy(path -> assertThat(path)
                        .matches("/route/group_(wait|interval)"
                                + "|/receivers/\\d+/webhook_configs/\\d+/url"
                                + "|/receivers/\\d+/webhook_configs/\\d+/http_config/authorization/credentials_file"));
        assertThat(amChanges).contains("/route/group_wait", "/route/group_interval");

        // The rules really are the repository's: the budget rule is loaded and has no `for`.
        assertThat(api.ruleGroups()).contains("token-monitor.budgets");
    }

    @Test
    @Order(2)
    void exceededChannelBudget_isAnnouncedOncePerTarget_andTheBreakerDisablesTheChannel() throws SQLException {
        Predicate<Message> firing = m -> m.mentions("budget=e2e-channel") && !isResolved(m);
        awaitMessages(List.of(telegram, feishu), firing, "the firing message of budget e2e-channel");
        pause(QUIET_PERIOD);

        for (FakeChatPlatform target : List.of(telegram, feishu)) {
            List<Message> got = target.messages(firing);
            assertThat(got)
                    .as("%s: firing messages for e2e-channel", target.name())
                    .hasSize(1);
            Message m = got.get(0);
            assertThat(m.text())
                    .as(target.name())
                    .contains("TokenMonitorBudgetExceeded", "budget=e2e-channel", "channel_id=1");
            // The breaker's outcome, in either language: "… channel #1 (status 1 → 2) …" / "… 渠道 #1（status 1 → 2）…".
            assertThat(m.text())
                    .as("%s: says the breaker disabled the channel", target.name())
                    .contains("#1", "status 1 → 2");
        }
        assertThat(wecom.messages(m -> m.mentions("e2e-channel")))
                .as("wecom is not in notify: [telegram, feishu]")
                .isEmpty();
        assertThat(feishu.rejected()).as("feishu rejections (signature …)").isEmpty();
        assertThat(telegram.rejected()).as("telegram rejections").isEmpty();

        assertThat(gateway.channelStatus(CHANNEL_BREAKER))
                .as("channels.status of channel 1")
                .isEqualTo(2);
        assertThat(gateway.abilitiesEnabled(CHANNEL_BREAKER))
                .as("abilities.enabled of channel 1")
                .isNotEmpty()
                .containsOnly(false);
        assertThat(gateway.channelStatus(CHANNEL_COOLDOWN))
                .as("channel 3 (action notify) is untouched")
                .isEqualTo(1);
        assertThat(gateway.abilitiesEnabled(CHANNEL_COOLDOWN)).containsOnly(true);
        assertThat(metric(bridge.url("/metrics"), "newapi_bridge_breaker_actions_total", "result", "disabled"))
                .isEqualTo(1.0);
    }

    @Test
    @Order(3)
    void alertOutsideItsActiveWindow_isNotDelivered_andTripsNoBreaker() throws SQLException {
        await(
                "TokenMonitorBudgetExceeded for e2e-inactive firing in Prometheus",
                DELIVERY_TIMEOUT,
                () -> !api.query(
                                "ALERTS{alertname=\"TokenMonitorBudgetExceeded\",budget=\"e2e-inactive\",alertstate=\"firing\"}",
                                Instant.now())
                        .isEmpty());
        List<JsonNode> amAlerts = alertmanager.alerts().stream()
                .filter(a ->
                        "e2e-inactive".equals(a.path("labels").path("budget").asText()))
                .toList();
        assertThat(amAlerts).as("Alertmanager holds the alert").hasSize(1);
        assertThat(amAlerts.get(0).path("labels").path("active").asText()).isEqualTo(closedActiveWindow);
        assertThat(amAlerts.get(0).path("labels").path("action").asText()).isEqualTo("disable_channel");
        // The bridge received it and held it back: counted as suppressed for its window.
        await(
                "the bridge suppressing e2e-inactive for its active window",
                DELIVERY_TIMEOUT,
                () -> metric(
                                bridge.url("/metrics"),
                                "newapi_bridge_notifications_suppressed_total",
                                "reason",
                                "inactive_window")
                        >= 1);
        pause(QUIET_PERIOD);

        for (FakeChatPlatform target : List.of(telegram, feishu, wecom)) {
            assertThat(target.messages(m -> m.mentions("e2e-inactive")))
                    .as("%s: messages about e2e-inactive", target.name())
                    .isEmpty();
        }
        assertThat(gateway.channelStatus(CHANNEL_INACTIVE))
                .as("channels.status of channel 2")
                .isEqualTo(1);
        assertThat(gateway.abilitiesEnabled(CHANNEL_INACTIVE))
                .as("abilities.enabled of channel 2")
                .isNotEmpty()
                .containsOnly(true);
    }

    @Test
    @Order(4)
    void secondFiringInsideTheCooldown_isNotDelivered() throws IOException {
        Predicate<Message> about = m -> m.mentions("budget=e2e-cooldown");
        Predicate<Message> firing = about.and(m -> !isResolved(m));
        Predicate<Message> resolved = about.and(AlertPathIT::isResolved);
        List<FakeChatPlatform> told = List.of(telegram, wecom);

        // 1. Fires and is announced to the targets in notify: [telegram, wecom].
        awaitMessages(told, firing, "the first firing message of e2e-cooldown");
        String firstStart = amStartsAt("e2e-cooldown");
        assertThat(firstStart).isNotNull();

        // 2. Resolves: the limit is raised (the labels, hence the alert's identity, stay the same).
        writeBudgets(1_000_000);
        awaitMessages(told, resolved, "the resolved message of e2e-cooldown");
        double cooldownBefore =
                metric(bridge.url("/metrics"), "newapi_bridge_notifications_suppressed_total", "reason", "cooldown");
        double duplicatesBefore =
                metric(bridge.url("/metrics"), "newapi_bridge_notifications_suppressed_total", "reason", "duplicate");

        // 3. Fires again: Alertmanager sends it (a new alert with a new start), the bridge drops it for the cooldown.
        writeBudgets(TOKENS_LIMIT);
        await("Alertmanager holding the second firing of e2e-cooldown", DELIVERY_TIMEOUT, () -> {
            String s = amStartsAt("e2e-cooldown");
            return s != null && !s.equals(firstStart);
        });
        await(
                "the bridge suppressing the second firing for the cooldown (one per target)",
                DELIVERY_TIMEOUT,
                () -> metric(
                                bridge.url("/metrics"),
                                "newapi_bridge_notifications_suppressed_total",
                                "reason",
                                "cooldown")
                        >= cooldownBefore + 2);
        pause(QUIET_PERIOD);

        for (FakeChatPlatform target : told) {
            assertThat(target.messages(firing))
                    .as("%s: firing messages of e2e-cooldown", target.name())
                    .hasSize(1);
            assertThat(target.messages(resolved))
                    .as("%s: resolved messages of e2e-cooldown", target.name())
                    .hasSize(1);
        }
        assertThat(feishu.messages(about))
                .as("feishu is not in notify: [telegram, wecom]")
                .isEmpty();
        assertThat(wecom.rejected()).as("wecom rejections").isEmpty();
        assertThat(metric(
                        bridge.url("/metrics"), "newapi_bridge_notifications_suppressed_total", "reason", "duplicate"))
                .as("the second firing was not taken for a duplicate")
                .isEqualTo(duplicatesBefore);
    }

    @Test
    @Order(5)
    void scrapesOfExporterAndBridge_passPromtoolCheckMetrics() {
        for (URI url : List.of(exporter.url("/metrics"), bridge.url("/metrics"))) {
            String body = get(url, "text/plain;version=0.0.4");
            assertThat(body).as(url.toString()).contains("# TYPE");
            assertThat(promtoolCheckMetrics(body))
                    .as("promtool check metrics on %s", url)
                    .isEmpty();
        }
    }

    @Test
    @Order(6)
    void afterTheCustomWindowHasPassed_theResolvedMessageGoesToEachTargetThatWasTold() {
        List<PrometheusApi.Series> end =
                api.query("newapi_budget_window_end_timestamp_seconds{budget=\"e2e-channel\"}", Instant.now());
        assertThat(end).as("window end of e2e-channel").hasSize(1);
        Instant windowEnd = Instant.ofEpochSecond(end.get(0).values().get(0).longValue());
        assertThat(windowEnd)
                .as("window end (to %s is inclusive to the minute)", customTo)
                .isEqualTo(LocalDateTime.parse(customTo, MINUTE).plusMinutes(1).toInstant(ZoneOffset.UTC));
        Duration wait = Duration.between(Instant.now(), windowEnd);
        if (!wait.isNegative()) {
            pause(wait);
        }

        Predicate<Message> resolved = m -> m.mentions("budget=e2e-channel") && isResolved(m);
        boolean arrived = within(
                DELIVERY_TIMEOUT,
                () -> telegram.messages(resolved).size() > 0
                        && feishu.messages(resolved).size() > 0);
        if (!arrived) {
            fail(
                    "no resolved message of e2e-channel at telegram/feishu within " + DELIVERY_TIMEOUT
                            + " after its custom window ended at "
                            + windowEnd + ". Now: newapi_budget_used="
                            + values("newapi_budget_used{budget=\"e2e-channel\"}")
                            + " newapi_budget_limit=" + values("newapi_budget_limit{budget=\"e2e-channel\"}")
                            + " newapi_budget_window_end_timestamp_seconds="
                            + values("newapi_budget_window_end_timestamp_seconds{budget=\"e2e-channel\"}")
                            + " ALERTS=" + values("ALERTS{budget=\"e2e-channel\"}")
                            + ". If used is still >= limit, the exporter keeps publishing the ended custom window's usage"
                            + " (exporter BudgetWindow.Fixed.at returns the same interval after its end), so TokenMonitorBudgetExceeded never resolves.");
        }
        pause(QUIET_PERIOD);
        for (FakeChatPlatform target : List.of(telegram, feishu)) {
            assertThat(target.messages(resolved))
                    .as("%s: resolved messages of e2e-channel", target.name())
                    .hasSize(1);
        }
        assertThat(wecom.messages(m -> m.mentions("e2e-channel")))
                .as("wecom was never told")
                .isEmpty();
        assertThat(Duration.between(started, Instant.now()))
                .as("the whole test")
                .isLessThan(Duration.ofMinutes(6));
    }

    // ---------------------------------------------------------------------------------------------

    private void writeBudgets(long cooldownLimit) throws IOException {
        String yaml = """
                timezone: UTC
                budgets:
                  - name: e2e-channel
                    channel_id: %d
                    window: {from: "%s", to: "%s"}
                    limit: {tokens: %d}
                    action: disable_channel
                    notify: [telegram, feishu]
                    severity: critical
                  - name: e2e-inactive
                    channel_id: %d
                    window: 1h
                    limit: {tokens: %d}
                    action: disable_channel
                    notify: [telegram, feishu]
                    active: "%s"
                  - name: e2e-cooldown
                    channel_id: %d
                    window: 1h
                    limit: {tokens: %d}
                    action: notify
                    notify: [telegram, wecom]
                    cooldown: 1h
                """.formatted(
                        CHANNEL_BREAKER,
                        customFrom,
                        customTo,
                        TOKENS_LIMIT,
                        CHANNEL_INACTIVE,
                        TOKENS_LIMIT,
                        closedActiveWindow,
                        CHANNEL_COOLDOWN,
                        cooldownLimit);
        // Written whole and moved into place, so the exporter's reload never sees half a file.
        Path tmp = budgetsFile.resolveSibling("budgets.yml.tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, budgetsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static boolean isResolved(Message m) {
        return m.text().contains("✅");
    }

    /** startsAt of the alert Alertmanager holds for {@code budget}, or null. */
    private String amStartsAt(String budget) {
        return alertmanager.alerts().stream()
                .filter(a -> budget.equals(a.path("labels").path("budget").asText()))
                .filter(a -> "active".equals(a.path("status").path("state").asText()))
                .map(a -> a.path("startsAt").asText())
                .findFirst()
                .orElse(null);
    }

    private void awaitMessages(List<FakeChatPlatform> targets, Predicate<Message> what, String description) {
        await(
                description + " at "
                        + targets.stream().map(FakeChatPlatform::name).toList(),
                DELIVERY_TIMEOUT,
                () -> targets.stream().allMatch(t -> !t.messages(what).isEmpty()));
    }

    private void await(String what, Duration timeout, BooleanSupplier condition) {
        if (!within(timeout, condition)) {
            fail("no " + what + " within " + timeout + diagnostics());
        }
    }

    /** Polls {@code condition} until it holds (true) or {@code timeout} passes (false); fails at once if the bridge died. */
    private boolean within(Duration timeout, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!bridge.isAlive()) {
                fail("the bridge exited:\n" + bridge.logTail());
            }
            if (condition.getAsBoolean()) {
                return true;
            }
            pause(Duration.ofMillis(500));
        }
        return condition.getAsBoolean();
    }

    private String diagnostics() {
        StringBuilder out = new StringBuilder("\n--- ALERTS: ")
                .append(values("ALERTS"))
                .append("\n--- budgets: used ")
                .append(values("newapi_budget_used"))
                .append(" limit ")
                .append(values("newapi_budget_limit"));
        for (FakeChatPlatform p : List.of(telegram, feishu, wecom)) {
            out.append("\n--- ")
                    .append(p.name())
                    .append(": ")
                    .append(p.messages().size())
                    .append(" messages, rejected ")
                    .append(p.rejected());
            p.messages().forEach(m -> out.append("\n    ").append(m.text().replace("\n", " | ")));
        }
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

    /** The value of one series in a text-format scrape ({@code name{label="value"}}), 0 when absent. */
    private double metric(URI url, String name, String label, String value) {
        String body = get(url, "text/plain;version=0.0.4");
        Pattern line = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\}\\s+(\\S+)");
        Matcher m = line.matcher(body);
        double sum = 0;
        while (m.find()) {
            if (m.group(1).contains(label + "=\"" + value + "\"")) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    private String get(URI url, String accept) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(url)
                            .header("Accept", accept)
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(url.toString()).isEqualTo(200);
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** promtool check metrics on a scrape body: its findings (empty when clean), or the failure. */
    private static String promtoolCheckMetrics(String body) {
        try {
            Process p = new ProcessBuilder(RepoPaths.promtoolBinary().toString(), "check", "metrics")
                    .redirectErrorStream(true)
                    .start();
            try (var in = p.getOutputStream()) {
                in.write(body.getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "promtool did not finish";
            }
            return p.exitValue() == 0 ? output : "exit " + p.exitValue() + ": " + output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
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
