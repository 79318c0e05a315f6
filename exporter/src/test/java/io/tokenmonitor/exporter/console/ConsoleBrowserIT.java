package io.tokenmonitor.exporter.console;

import static org.assertj.core.api.Assertions.assertThat;

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
    @TempDir
    Path dir;

    private ExporterHttpServer server;
    private ChromeDriver driver;

    @BeforeEach
    void start() throws Exception {
        Chromium.assumeInstalled();
        RuleBook rules = FakeRuleBooks.withFileRule("from-file");
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

    @Test
    void givenChineseBrowser_whenOpened_thenChineseTextSwitchableAndRemembered() throws Exception {
        driver = Chromium.start(Files.createTempDirectory(dir, "chromium"), "zh-CN", "admin", "pw");
        ConsolePageFlow.chinese(driver, url());
        assertThat(Chromium.severeLogs(driver)).isEmpty();
    }
}
