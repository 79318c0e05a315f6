package io.tokenmonitor.exporter.console;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Debian's Chromium, headless, driven by its chromedriver (Selenium downloads nothing), logged in by Basic auth. */
final class Chromium {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {}

    static void assumeInstalled() {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "browser tests skipped: install Debian's chromium and chromium-driver (/usr/bin/chromium,"
                        + " /usr/bin/chromedriver)");
    }

    /** A fresh browser in {@code language} that sends {@code user:password} with every request, fetch() included. */
    static ChromeDriver start(Path profile, String language, String user, String password) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--user-data-dir=" + profile,
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
        // As the browser's login prompt would: Basic auth on every request of the page.
        d.executeCdpCommand("Network.enable", Map.of());
        d.executeCdpCommand(
                "Network.setExtraHTTPHeaders",
                Map.of(
                        "headers",
                        Map.of(
                                "Authorization",
                                "Basic "
                                        + Base64.getEncoder()
                                                .encodeToString(
                                                        (user + ":" + password).getBytes(StandardCharsets.UTF_8)))));
        return d;
    }

    static WebDriverWait await(ChromeDriver d) {
        return new WebDriverWait(d, Duration.ofSeconds(20));
    }

    /** The browser console's warnings and errors (a failed request, a script error). */
    static List<String> severeLogs(ChromeDriver d) {
        return d.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }
}
