package io.tokenmonitor.exporter.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.common.config.Secret;
import io.tokenmonitor.common.web.ConsoleLogin;
import io.tokenmonitor.exporter.http.ExporterHttpServer;
import io.tokenmonitor.exporter.http.FakeRuleBooks;
import io.tokenmonitor.exporter.http.WebConfig;
import io.tokenmonitor.exporter.metrics.UsageExposition;
import io.tokenmonitor.exporter.model.UsageTotals;
import io.tokenmonitor.exporter.rule.RuleBook;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;

/** The console page in a real Chromium against an in-memory rule book that keeps the contract. */
class ConsoleBrowserIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private ExporterHttpServer server;
    private ChromeDriver driver;
    private RuleBook rules;

    @BeforeEach
    void start() throws Exception {
        Chromium.assumeInstalled();
        rules = FakeRuleBooks.withFileRule("from-file");
        server = ExporterHttpServer.start(
                new InetSocketAddress("127.0.0.1", 0),
                new PrometheusRegistry(),
                new UsageExposition(() -> UsageTotals.EMPTY, () -> true),
                () -> true,
                WebConfig.NONE,
                rules,
                Optional.of(
                        new ConsoleLogin(ConsoleLogin.ACCESS_USER, new Secret("pw"), ConsoleLogin.ACCESS_PASSWORD)));
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    private String url() {
        return "http://127.0.0.1:" + server.port() + "/console/";
    }

    @Test
    void givenLoggedIn_whenABudgetIsCreatedPreviewedSavedSwitchedOffAndDeleted_thenEachStepShowsWithoutErrors()
            throws Exception {
        driver = Chromium.start(Files.createTempDirectory(dir, "chromium"), "en-US", "admin", "pw");
        ConsolePageFlow.createPreviewSaveSwitchOffDelete(driver, url(), "daily-tokens", name -> {}, name -> {});
        assertThat(ConsolePageFlow.unexpected(Chromium.severeLogs(driver))).isEmpty();
    }

    /**
     * Issue 15: the form's key, user and group scopes and the spend_anomaly kind send the rule grammar's keys
     * (docs/alert-labels.md), numbers as numbers, defaults left out; an edit fills the form back from them.
     */
    @Test
    void givenSpendAnomalyAndKeyScopes_whenFilledInAndSaved_thenTheRuleIsSentInTheGrammarAndEditedBack()
            throws Exception {
        driver = Chromium.start(Files.createTempDirectory(dir, "chromium"), "en-US", "admin", "pw");
        String url = url();
        ConsolePageFlow.saveSpendAnomalyPerKey(driver, url, "keys-spend");
        assertThat(spec("keys-spend"))
                .isEqualTo(JSON.readTree("{\"name\":\"keys-spend\",\"kind\":\"spend_anomaly\",\"per\":\"token\","
                        + "\"window\":\"1h\",\"above\":4,\"weeks\":3,\"min_usd\":5.5,\"action\":\"disable_token\","
                        + "\"enabled\":true}"));
        ConsolePageFlow.editSpendAnomalyPerKey(driver, url, "keys-spend");

        ConsolePageFlow.saveScoped(driver, url, "ci-key", "token", "ci-pipeline", "disable_token");
        assertThat(spec("ci-key").path("token").asText()).isEqualTo("ci-pipeline");
        assertThat(spec("ci-key").path("action").asText()).isEqualTo("disable_token");
        ConsolePageFlow.saveScoped(driver, url, "user-42", "user_id", "42", "disable_user");
        assertThat(spec("user-42").path("user_id").isInt())
                .as("user_id a number")
                .isTrue();
        assertThat(spec("user-42").path("user_id").asInt()).isEqualTo(42);
        ConsolePageFlow.saveScoped(driver, url, "key-7", "token_id", "7", "notify");
        assertThat(spec("key-7").path("token_id").asInt()).isEqualTo(7);
        assertThat(spec("key-7").has("action"))
                .as("notify is the default: left out")
                .isFalse();
        ConsolePageFlow.saveScoped(driver, url, "vip-group", "group", "vip", "notify");
        assertThat(spec("vip-group").path("group").asText()).isEqualTo("vip");
        ConsolePageFlow.saveScoped(driver, url, "bob", "username", "bob", "notify");
        assertThat(spec("bob").path("username").asText()).isEqualTo("bob");
        assertThat(Chromium.severeLogs(driver)).isEmpty();
    }

    @Test
    void givenChineseBrowser_whenTheSpendAnomalyFormIsOpened_thenItsChoicesAreInChinese() throws Exception {
        driver = Chromium.start(Files.createTempDirectory(dir, "chromium"), "zh-CN", "admin", "pw");
        ConsolePageFlow.chineseSpendAnomaly(driver, url());
        assertThat(Chromium.severeLogs(driver)).isEmpty();
    }

    private JsonNode spec(String name) {
        JsonNode spec = rules.get(name).orElseThrow().spec();
        return spec;
    }

    @Test
    void givenChineseBrowser_whenOpened_thenChineseTextSwitchableAndRemembered() throws Exception {
        driver = Chromium.start(Files.createTempDirectory(dir, "chromium"), "zh-CN", "admin", "pw");
        ConsolePageFlow.chinese(driver, url());
        assertThat(Chromium.severeLogs(driver)).isEmpty();
    }
}
