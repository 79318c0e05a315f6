package io.tokenmonitor.bridge.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.bridge.Bridge;
import io.tokenmonitor.bridge.testing.FakePlatform;
import io.tokenmonitor.bridge.testing.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console page in a real Chromium (Debian's, driven by its chromedriver; Selenium downloads nothing): log in,
 * see the targets, send a test, retry a dead letter, the Chinese page, and no JavaScript error on the way.
 */
class ConsoleBrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final FakePlatform.Answer CHAT_NOT_FOUND = new FakePlatform.Answer(
            400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: chat not found\"}");

    @TempDir
    Path dir;

    private FakePlatform telegram;
    private Bridge bridge;
    private ChromeDriver driver;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "browser tests skipped: install Debian's chromium and chromium-driver (/usr/bin/chromium,"
                        + " /usr/bin/chromedriver), as .ci/run does");
        telegram = new FakePlatform(FakePlatform.TELEGRAM_OK);
        bridge = Bridge.start(
                TestConfigs.telegramAt(telegram, dir, Map.of()), Clock.systemUTC(), new PrometheusRegistry(), "test");
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (telegram != null) {
            telegram.close();
        }
    }

    private ChromeDriver browser(String language) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chromium"),
                "--lang=" + language);
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", language));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver d = new ChromeDriver(service, options);
        // Basic auth for every request of the page, its fetch() calls included, as the browser's prompt would.
        d.executeCdpCommand("Network.enable", Map.of());
        d.executeCdpCommand(
                "Network.setExtraHTTPHeaders",
                Map.of(
                        "headers",
                        Map.of(
                                "Authorization",
                                "Basic "
                                        + Base64.getEncoder()
                                                .encodeToString("am:pw".getBytes(StandardCharsets.UTF_8)))));
        driver = d;
        return d;
    }

    private String url(String hash) {
        return "http://127.0.0.1:" + bridge.port() + "/console/" + hash;
    }

    private static WebDriverWait await(ChromeDriver d) {
        return new WebDriverWait(d, Duration.ofSeconds(20));
    }

    private static List<String> severeLogs(ChromeDriver d) {
        return d.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }

    @Test
    void givenLoggedIn_whenTestPressedAndDeadLetterRetried_thenOutcomesShownWithoutErrors() throws Exception {
        ChromeDriver d = browser("en-US");
        d.get(url("#targets"));
        WebElement test = await(d).until(x -> x.findElement(By.cssSelector("button.test[data-target=telegram]")));
        assertThat(d.findElement(By.id("targets")).getText())
                .contains("telegram")
                .contains("1/1s");

        test.click();
        By outcome = By.cssSelector("td.outcome[data-target=telegram]");
        await(d).until(x -> x.findElement(outcome).getText().startsWith("delivered"));
        assertThat(telegram.accepted()).anySatisfy(r -> assertThat(r.body()).contains("TokenMonitorBridgeTest"));

        telegram.answer(CHAT_NOT_FOUND);
        d.findElement(By.cssSelector("button.test[data-target=telegram]")).click();
        await(d).until(x -> x.findElement(outcome).getText().startsWith("not delivered"));
        assertThat(d.findElement(outcome).getText()).contains("chat not found");
        telegram.answer(FakePlatform.TELEGRAM_OK);
        int before = telegram.accepted().size();

        d.findElement(By.cssSelector("nav a[data-page=deliveries]")).click();
        WebElement retry = await(d).until(x -> x.findElement(By.cssSelector("tr[data-state=dead] button.retry")));
        String id = retry.getAttribute("data-id");
        retry.click();
        await(d).until(x -> telegram.accepted().size() > before);
        d.findElement(By.id("reload-deliveries")).click();
        await(d).until(x -> "sent"
                .equals(x.findElement(By.cssSelector("tr[data-id='" + id + "']"))
                        .getAttribute("data-state")));

        d.findElement(By.cssSelector("nav a[data-page=audit]")).click();
        await(d).until(x -> x.findElement(By.id("audit")).getText().contains("retry"));
        assertThat(d.findElement(By.id("audit")).getText()).contains("am").contains("delivery " + id);
        d.findElement(By.cssSelector("nav a[data-page=breaker]")).click();
        await(d).until(x -> x.findElement(By.id("breaker-mode")).getText().contains("off"));
        d.findElement(By.cssSelector("nav a[data-page=held]")).click();
        await(d).until(x -> !x.findElement(By.id("cooldown-note")).getText().isEmpty());

        assertThat(severeLogs(d)).isEmpty();
    }

    @Test
    void givenChineseBrowser_whenOpened_thenChineseTextAndSwitchableAndRemembered() throws Exception {
        ChromeDriver d = browser("zh-CN");
        d.get(url(""));
        await(d).until(x -> x.findElement(By.cssSelector("button.test[data-target=telegram]")));
        assertThat(d.findElement(By.tagName("h1")).getText()).isEqualTo("Token Monitor 告警桥");
        assertThat(d.findElement(By.cssSelector("nav")).getText())
                .contains("通知目标")
                .contains("投递记录");
        assertThat(d.findElement(By.cssSelector("button.test")).getText()).isEqualTo("发送测试");
        assertThat(d.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("zh-CN");

        d.findElement(By.id("lang")).click();
        await(d).until(x -> x.findElement(By.tagName("h1")).getText().equals("Token Monitor bridge"));
        d.navigate().refresh();
        await(d).until(x -> x.findElement(By.cssSelector("button.test[data-target=telegram]")));
        assertThat(d.findElement(By.tagName("h1")).getText()).isEqualTo("Token Monitor bridge");

        assertThat(severeLogs(d)).isEmpty();
    }
}
