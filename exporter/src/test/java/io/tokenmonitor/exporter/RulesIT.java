package io.tokenmonitor.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmonitor.exporter.config.ExporterConfig;
import io.tokenmonitor.exporter.rule.RuleStatus;
import io.tokenmonitor.exporter.testing.Await;
import io.tokenmonitor.exporter.testing.MetricsScrape;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules through a started exporter (demo gateway): the file's rules and a console rule made through
 * {@link Exporter#rules()} on /metrics, a change effective at once, promtool content; and the console
 * rule still there after a restart on the same store.
 */
class RulesIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void givenFileAndConsoleRules_whenTheExporterRuns_thenTheyArePublishedAndSurviveARestart() throws Exception {
        Path config = Files.writeString(dir.resolve("rules.yml"), """
                budgets:
                  - {name: daily, window: calendar_day, limit: {tokens: 5000000}}
                rules:
                  - {name: errors, kind: error_ratio, window: 5m, above: 0.5, min_requests: 1}
                  - {name: down, kind: channel_down}
                """);
        Path store = dir.resolve("store.db");
        Map<String, String> env = new HashMap<>();
        env.put("CONFIG_FILE", config.toString());
        env.put("LISTEN_ADDRESS", "127.0.0.1:0");
        env.put("STORE_PATH", store.toString());
        env.put("DEMO_PATH", dir.resolve("demo-gateway.db").toString());
        env.put("DEMO_ROWS_PER_SECOND", "50");
        env.put("BUDGET_INTERVAL", "1h"); // a console change must not wait for the next interval
        ExporterConfig settings = ExporterConfig.fromEnvironment(env, true);

        try (Exporter exporter = Exporter.start(settings, true)) {
            MetricsScrape scrape = Await.until(
                    () -> MetricsScrape.of(exporter.port()),
                    s -> s.text().contains("newapi_rule_value{") && s.text().contains("newapi_budget_used{"),
                    Duration.ofSeconds(60));
            assertThat(scrape.text()).contains("rule=\"down\"", "kind=\"channel_down\"");

            RuleStatus created = exporter.rules()
                    .create(
                            JSON.readTree("{\"name\":\"console-usage\",\"kind\":\"usage\",\"window\":\"1h\","
                                    + "\"limit\":{\"requests\":1000000}}"),
                            "admin");
            assertThat(created.current()).isNotNull();
            String afterCreate = MetricsScrape.of(exporter.port()).text();
            assertThat(afterCreate).as("effective at once").contains("budget=\"console-usage\"");

            exporter.rules()
                    .replace(
                            "console-usage",
                            JSON.readTree("{\"kind\":\"usage\",\"window\":\"1h\",\"limit\":{\"requests\":1000000},"
                                    + "\"enabled\":false}"),
                            created.version(),
                            "admin");
            assertThat(MetricsScrape.of(exporter.port()).text())
                    .as("disabled: gone at once")
                    .doesNotContain("budget=\"console-usage\"");

            Process promtool = new ProcessBuilder("promtool", "check", "metrics")
                    .redirectErrorStream(true)
                    .start();
            promtool.getOutputStream().write(afterCreate.getBytes(StandardCharsets.UTF_8));
            promtool.getOutputStream().close();
            String report = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            promtool.waitFor();
            assertThat(report).as("promtool check metrics").doesNotContain("newapi_rule", "newapi_budget");
        }

        try (Exporter again = Exporter.start(settings, true)) {
            RuleStatus kept = again.rules().get("console-usage").orElseThrow();
            assertThat(kept.version()).isEqualTo(2);
            assertThat(kept.enabled()).isFalse();
            assertThat(again.rules().audit(java.util.Optional.of("console-usage"), 10))
                    .hasSize(2);
        }
    }
}
