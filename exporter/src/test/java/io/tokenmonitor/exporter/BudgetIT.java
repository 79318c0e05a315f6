package io.tokenmonitor.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.testing.GatewayDatabase;
import io.tokenmonitor.common.testing.GatewayDatabase.Flavor;
import io.tokenmonitor.common.testing.TestLog;
import io.tokenmonitor.exporter.config.ExporterConfig;
import io.tokenmonitor.exporter.testing.Await;
import io.tokenmonitor.exporter.testing.MetricsScrape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every budget window kind against MariaDB and PostgreSQL sources: the exporter's
 * newapi_budget_used must equal the same SUM over the source's logs for the window it reports.
 */
class BudgetIT {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final double QUOTA_PER_UNIT = 500_000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(
            value = Dialect.class,
            names = {"MYSQL", "POSTGRES"})
    void givenEveryWindowKind_whenEvaluated_thenUsedEqualsTheSumOverTheSourceForTheReportedWindow(Dialect dialect)
            throws Exception {
        Random random = new Random(7);
        Instant now = Instant.now();
        long nowSeconds = now.getEpochSecond();
        LocalDate today = now.atZone(SHANGHAI).toLocalDate();
        long midnight = today.atStartOfDay(SHANGHAI).toEpochSecond();
        LocalDate pastDay = today.minusDays(9);
        try (GatewayDatabase db = GatewayDatabase.create(dialect, Flavor.NEW_API, dir)) {
            List<TestLog> rows =
                    new ArrayList<>(TestLog.traffic(random, 30_000, nowSeconds - 40L * 86_400, nowSeconds - 60, 3, 3));
            rows.addAll(List.of( // either side of midnight in Shanghai: only the second is today
                    TestLog.consume(midnight - 30, 1, "model-0", 1_000, 1_000, 9_000),
                    TestLog.consume(midnight + 30, 1, "model-0", 2_000, 2_000, 18_000)));
            db.insert(rows);
            Path config = Files.writeString(
                    dir.resolve("budgets.yml"), """
                    timezone: Asia/Shanghai
                    budgets:
                      - {name: r1h, window: 1h, limit: {tokens: 1000}}
                      - {name: r6h, channel_id: 1, window: 6h, limit: {usd: 1}}
                      - {name: r12h, model: model-1, window: 12h, limit: {requests: 10}}
                      - {name: r24h, window: 24h, limit: {usd: 5}}
                      - {name: r48h, channel_id: 2, window: 48h, limit: {tokens: 100}}
                      - {name: r72h, model: model-2, window: 72h, limit: {usd: 1}}
                      - {name: r7d, window: 7d, limit: {requests: 100}}
                      - {name: r30d, channel_id: 3, window: 30d, limit: {tokens: 1000000}, action: disable_channel}
                      - {name: today, model: model-0, window: calendar_day, limit: {tokens: 100}}
                      - {name: month, window: calendar_month, limit: {usd: 100}}
                      - name: past-range
                        channel_id: 1
                        window: {from: "%s", to: "%s"}
                        limit: {requests: 5}
                    """.formatted(pastDay + "T07:13", pastDay.plusDays(2) + "T19:46"));
            Map<String, String> env = new HashMap<>();
            env.put("SQL_DSN", db.sqlDsn());
            env.put("LISTEN_ADDRESS", "127.0.0.1:0");
            env.put("STORE_PATH", dir.resolve("store.db").toString());
            env.put("CONFIG_FILE", config.toString());
            try (Exporter exporter = Exporter.start(ExporterConfig.fromEnvironment(env, false), false)) {
                MetricsScrape scrape = Await.until(
                        () -> MetricsScrape.of(exporter.port()),
                        s -> s.samples().stream()
                                        .filter(x -> x.name().equals("newapi_budget_used"))
                                        .count()
                                == 11,
                        Duration.ofSeconds(60));

                Map<String, double[]> windows = new HashMap<>();
                for (MetricsScrape.Sample s : scrape.samples()) {
                    if (s.name().startsWith("newapi_budget_window_")) {
                        windows.computeIfAbsent(s.labels().get("budget"), b -> new double[2])[
                                        s.name().contains("start") ? 0 : 1] =
                                s.value();
                    }
                }
                assertThat(windows.get("today")[0])
                        .as("calendar day starts at midnight in Shanghai")
                        .isEqualTo(midnight);
                assertThat(windows.get("past-range")[0])
                        .isEqualTo(pastDay.atTime(7, 13).atZone(SHANGHAI).toEpochSecond());
                assertThat(windows.get("past-range")[1])
                        .as("to is inclusive to the minute")
                        .isEqualTo(pastDay.plusDays(2)
                                .atTime(19, 47)
                                .atZone(SHANGHAI)
                                .toEpochSecond());
                List<MetricsScrape.Sample> used = scrape.samples().stream()
                        .filter(s -> s.name().equals("newapi_budget_used"))
                        .toList();
                assertThat(used).hasSize(11);
                for (MetricsScrape.Sample s : used) {
                    String budget = s.labels().get("budget");
                    double expected =
                            expected(db, s.labels(), (long) windows.get(budget)[0], (long) windows.get(budget)[1]);
                    assertThat(s.value()).as(budget).isCloseTo(expected, within(1e-9 * Math.max(1, expected)));
                }
                assertThat(used.stream().filter(s -> s.value() > 0).count())
                        .as("budgets that saw traffic")
                        .isGreaterThanOrEqualTo(10);
                assertThat(scrape.samples().stream()
                                .filter(s -> s.name().equals("newapi_budget_limit"))
                                .map(s -> s.labels().get("budget")))
                        .as("an ended custom window keeps its usage but loses its limit, so its alert resolves")
                        .hasSize(10)
                        .doesNotContain("past-range");
                assertThat(used.get(0).labels()).containsEntry("tz", "Asia/Shanghai");
            }
        }
    }

    /** The same sum, computed by the source database over [start, end). */
    private static double expected(GatewayDatabase db, Map<String, String> labels, long start, long end)
            throws Exception {
        String usage = "type = 2 AND token_name <> '模型测试'";
        String scope = switch (labels.get("scope")) {
            case "channel" -> " AND channel_id = " + Long.parseLong(labels.get("channel_id"));
            case "model" -> " AND model_name = '" + labels.get("model").replace("'", "''") + "'";
            default -> "";
        };
        String value = switch (labels.get("unit")) {
            case "tokens" -> "SUM(CASE WHEN " + usage + " THEN prompt_tokens + completion_tokens ELSE 0 END)";
            case "requests" ->
                "SUM(CASE WHEN " + usage
                        + " AND NOT (prompt_tokens = 0 AND completion_tokens = 0 AND other LIKE '%\"task_id\"%')"
                        + " THEN 1 ELSE 0 END)";
            default -> "SUM(CASE WHEN " + usage + " THEN quota WHEN type = 6 THEN -quota ELSE 0 END)";
        };
        String sql = "SELECT COALESCE(" + value + ", 0) FROM logs WHERE created_at >= " + start + " AND created_at < "
                + end + scope;
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            long sum = rs.getLong(1);
            return labels.get("unit").equals("usd") ? sum / QUOTA_PER_UNIT : sum;
        }
    }
}
