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
 * Budgets per API key, user and group, every window kind, against MariaDB and PostgreSQL sources: the exporter's
 * newapi_budget_used must equal the source's own {@code SUM(...) ... GROUP BY token_id} (user_id, group) over the
 * window it reports.
 */
class AccountBudgetIT {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final double QUOTA_PER_UNIT = 500_000;
    private static final int BUDGETS = 18;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(
            value = Dialect.class,
            names = {"MYSQL", "POSTGRES"})
    void givenKeyUserAndGroupBudgetsOfEveryWindowKind_whenEvaluated_thenUsedEqualsTheSourcesGroupBy(Dialect dialect)
            throws Exception {
        Random random = new Random(15);
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
            String group = dialect == Dialect.MYSQL ? "`group`" : "\"group\"";
            // The fixture writes one key, user and group; spread the rows over 5 keys, 3 users and 2 groups.
            db.execute("UPDATE logs SET token_id = 1 + MOD(id, 5), user_id = 1 + MOD(id, 3), " + group
                    + " = CASE WHEN MOD(id, 7) < 2 THEN 'vip' ELSE 'default' END");
            String custom =
                    "window: {from: \"%s\", to: \"%s\"}".formatted(pastDay + "T07:13", pastDay.plusDays(2) + "T19:46");
            Path config = Files.writeString(dir.resolve("budgets.yml"), """
                    timezone: Asia/Shanghai
                    budgets:
                      - {name: k1h, token_id: 2, window: 1h, limit: {tokens: 1000}}
                      - {name: k24h, token_id: 2, window: 24h, limit: {usd: 1}}
                      - {name: k7d, token_id: 3, window: 7d, limit: {requests: 10}}
                      - {name: k30d, token_id: 4, window: 30d, limit: {usd: 1}, action: disable_token}
                      - {name: kday, token_id: 1, window: calendar_day, limit: {tokens: 100}}
                      - {name: kmonth, token_id: 5, window: calendar_month, limit: {usd: 100}}
                      - {name: kcustom, token_id: 2, %1$s, limit: {requests: 5}}
                      - {name: u6h, user_id: 1, window: 6h, limit: {usd: 1}}
                      - {name: u30d, user_id: 3, window: 30d, limit: {requests: 1}, action: disable_user}
                      - {name: uday, user_id: 2, window: calendar_day, limit: {usd: 1}}
                      - {name: umonth, user_id: 3, window: calendar_month, limit: {tokens: 1}}
                      - {name: ucustom, user_id: 1, %1$s, limit: {usd: 1}}
                      - {name: g12h, group: vip, window: 12h, limit: {tokens: 1}}
                      - {name: g72h, group: default, window: 72h, limit: {usd: 1}}
                      - {name: gday, group: vip, window: calendar_day, limit: {requests: 1}}
                      - {name: gmonth, group: vip, window: calendar_month, limit: {usd: 1}}
                      - {name: gcustom, group: default, %1$s, limit: {tokens: 1}}
                      - {name: nobody, token_id: 99, window: 24h, limit: {usd: 1}}
                    """.formatted(custom));
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
                                == BUDGETS,
                        Duration.ofSeconds(60));
                Map<String, double[]> windows = new HashMap<>();
                for (MetricsScrape.Sample s : scrape.samples()) {
                    if (s.name().startsWith("newapi_budget_window_")) {
                        windows.computeIfAbsent(s.labels().get("budget"), b -> new double[2])[
                                        s.name().contains("start") ? 0 : 1] =
                                s.value();
                    }
                }
                List<MetricsScrape.Sample> used = scrape.samples().stream()
                        .filter(s -> s.name().equals("newapi_budget_used"))
                        .toList();
                for (MetricsScrape.Sample s : used) {
                    String budget = s.labels().get("budget");
                    double expected = expected(
                            db, group, s.labels(), (long) windows.get(budget)[0], (long) windows.get(budget)[1]);
                    assertThat(s.value()).as(budget).isCloseTo(expected, within(1e-9 * Math.max(1, expected)));
                }
                assertThat(used.stream().filter(s -> s.value() > 0).count())
                        .as("budgets that saw traffic (all but the key nobody uses)")
                        .isEqualTo(BUDGETS - 1);
                Map<String, String> key = labelsOf(used, "k30d");
                assertThat(key)
                        .containsEntry("scope", "token")
                        .containsEntry("token_id", "4")
                        .containsEntry("token_name", "")
                        .containsEntry("action", "disable_token");
                assertThat(labelsOf(used, "u30d"))
                        .containsEntry("scope", "user")
                        .containsEntry("user_id", "3")
                        .containsEntry("action", "disable_user");
                assertThat(labelsOf(used, "g12h"))
                        .containsEntry("scope", "group")
                        .containsEntry("group", "vip");
            }
        }
    }

    private static Map<String, String> labelsOf(List<MetricsScrape.Sample> used, String budget) {
        return used.stream()
                .filter(s -> s.labels().get("budget").equals(budget))
                .findFirst()
                .orElseThrow()
                .labels();
    }

    /** The source's GROUP BY over [start, end), the counting rules of BudgetIT, picked for the budget's scope. */
    static double expected(GatewayDatabase db, String group, Map<String, String> labels, long start, long end)
            throws Exception {
        String column;
        String key;
        switch (labels.get("scope")) {
            case "token" -> {
                column = "token_id";
                key = labels.get("token_id");
            }
            case "user" -> {
                column = "user_id";
                key = labels.get("user_id");
            }
            default -> {
                column = group;
                key = labels.get("group");
            }
        }
        String usage = "type = 2 AND token_name <> '模型测试'";
        String value = switch (labels.get("unit")) {
            case "tokens" -> "SUM(CASE WHEN " + usage + " THEN prompt_tokens + completion_tokens ELSE 0 END)";
            case "requests" ->
                "SUM(CASE WHEN " + usage
                        + " AND NOT (prompt_tokens = 0 AND completion_tokens = 0 AND other LIKE '%\"task_id\"%')"
                        + " THEN 1 ELSE 0 END)";
            default -> "SUM(CASE WHEN " + usage + " THEN quota WHEN type = 6 THEN -quota ELSE 0 END)";
        };
        String sql = "SELECT " + column + ", COALESCE(" + value + ", 0) FROM logs WHERE created_at >= " + start
                + " AND created_at < " + end + " GROUP BY " + column;
        long sum = 0;
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                if (rs.getString(1).equals(key)) {
                    sum = rs.getLong(2);
                }
            }
        }
        return labels.get("unit").equals("usd") ? sum / QUOTA_PER_UNIT : sum;
    }
}
