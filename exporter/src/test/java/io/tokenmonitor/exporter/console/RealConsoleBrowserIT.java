package io.tokenmonitor.exporter.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.exporter.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The console page in a real Chromium on the real exporter: the budget saved with the form is evaluated and
 * published on /metrics as newapi_budget_limit, and switched off it is gone.
 */
class RealConsoleBrowserIT {
    private static final Duration EFFECT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private RealExporter exporter;
    private ChromeDriver driver;

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (exporter != null) {
            exporter.close();
        }
    }

    @Test
    void givenTheRealExporter_whenABudgetIsSavedAndSwitchedOff_thenItsLimitAppearsOnMetricsAndGoes() throws Exception {
        Chromium.assumeInstalled();
        exporter = RealExporter.start(dir);
        assertThat(Await.until(() -> exporter.publishesLimit("from-file"), ok -> ok, Duration.ofSeconds(60)))
                .as("the file budget on /metrics")
                .isTrue();
        driver = Chromium.start(Files.createTempDirectory(dir, "chromium"), "en-US", "admin", RealExporter.PASSWORD);
        ConsolePageFlow.createPreviewSaveSwitchOffDelete(
                driver,
                exporter.consoleUrl(),
                "daily-tokens",
                name -> await(() -> exporter.publishesLimit(name), true),
                name -> await(() -> exporter.publishesLimit(name), false));
        assertThat(exporter.publishesLimit("from-file")).isTrue();
        assertThat(ConsolePageFlow.unexpected(Chromium.severeLogs(driver))).isEmpty();
    }

    @Test
    void givenTheRealExporterAndAChineseBrowser_whenOpened_thenChineseText() throws Exception {
        Chromium.assumeInstalled();
        exporter = RealExporter.start(dir);
        driver = Chromium.start(Files.createTempDirectory(dir, "chromium"), "zh-CN", "admin", RealExporter.PASSWORD);
        ConsolePageFlow.chinese(driver, exporter.consoleUrl());
        assertThat(Chromium.severeLogs(driver)).isEmpty();
    }

    /**
     * Issue 15: what the form sends for the spend_anomaly kind and the key, user and group scopes is accepted by the
     * exporter's own rule parser, kept, and read back into the form.
     */
    @Test
    void givenTheRealExporter_whenSpendAnomalyAndKeyUserGroupRulesAreSaved_thenTheParserAcceptsAndReturnsThem()
            throws Exception {
        Chromium.assumeInstalled();
        exporter = RealExporter.start(dir);
        driver = Chromium.start(Files.createTempDirectory(dir, "chromium"), "en-US", "admin", RealExporter.PASSWORD);
        String url = exporter.consoleUrl();
        ConsolePageFlow.saveSpendAnomalyPerKey(driver, url, "keys-spend");
        ConsolePageFlow.editSpendAnomalyPerKey(driver, url, "keys-spend");
        ConsolePageFlow.saveScoped(driver, url, "key-7", "token_id", "7", "disable_token");
        ConsolePageFlow.saveScoped(driver, url, "ci-key", "token", "ci-pipeline", "disable_token");
        ConsolePageFlow.saveScoped(driver, url, "user-42", "user_id", "42", "disable_user");
        ConsolePageFlow.saveScoped(driver, url, "bob", "username", "bob", "notify");
        ConsolePageFlow.saveScoped(driver, url, "vip-group", "group", "vip", "notify");
        assertThat(Chromium.severeLogs(driver)).isEmpty();
    }

    /** Waits for /metrics to show (or no longer show) the budget's limit; fails when it does not in time. */
    private static void await(java.util.concurrent.Callable<Boolean> probe, boolean wanted) {
        boolean last;
        try {
            last = Await.until(probe, v -> v == wanted, EFFECT);
        } catch (Exception e) {
            throw new AssertionError("scraping /metrics failed", e);
        }
        assertThat(last)
                .as("newapi_budget_limit of the console budget " + (wanted ? "appeared" : "went") + " within " + EFFECT)
                .isEqualTo(wanted);
    }
}
