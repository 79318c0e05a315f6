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
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A store synced before V007 (raw rows with token_id NULL, no account rollups) is upgraded at the next start: every
 * raw row gets the gateway's token_id, and key, user and group budgets within RETENTION equal the source's GROUP BY.
 */
class AccountUpgradeIT {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(
            value = Dialect.class,
            names = {"MYSQL", "POSTGRES"})
    void givenAStoreWithRowsWithoutTokenIds_whenTheExporterStarts_thenTheyAreFilledAndBudgetsAreExact(Dialect dialect)
            throws Exception {
        long now = Instant.now().getEpochSecond();
        LocalDate pastDay = Instant.now().atZone(SHANGHAI).toLocalDate().minusDays(9);
        try (GatewayDatabase db = GatewayDatabase.create(dialect, Flavor.NEW_API, dir)) {
            db.insert(TestLog.traffic(new Random(3), 50_000, now - 20L * 86_400, now - 60, 3, 3));
            String group = dialect == Dialect.MYSQL ? "`group`" : "\"group\"";
            db.execute("UPDATE logs SET token_id = 1 + MOD(id, 4), user_id = 1 + MOD(id, 3), " + group
                    + " = CASE WHEN MOD(id, 5) = 0 THEN 'vip' ELSE 'default' END");
            Path store = dir.resolve("store.db");
            Path config = Files.writeString(
                    dir.resolve("budgets.yml"), """
                    timezone: Asia/Shanghai
                    budgets:
                      - {name: k24h, token_id: 1, window: 24h, limit: {usd: 1}}
                      - {name: k7d, token_id: 2, window: 7d, limit: {tokens: 1}}
                      - {name: kmonth, token_id: 3, window: calendar_month, limit: {requests: 1}}
                      - {name: ucustom, user_id: 2, window: {from: "%s", to: "%s"}, limit: {usd: 1}}
                      - {name: g7d, group: vip, window: 7d, limit: {usd: 1}}
                    """.formatted(pastDay + "T07:13", pastDay.plusDays(2) + "T19:46"));
            Map<String, String> env = new HashMap<>();
            env.put("SQL_DSN", db.sqlDsn());
            env.put("LISTEN_ADDRESS", "127.0.0.1:0");
            env.put("STORE_PATH", store.toString());
            env.put("CONFIG_FILE", config.toString());
            try (Exporter exporter = Exporter.start(ExporterConfig.fromEnvironment(env, false), false)) {
                budgets(exporter);
            }
            // What a store synced before V007 looks like after the migration: no token ids, no account rollups.
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store);
                    Statement s = c.createStatement()) {
                s.execute("UPDATE logs SET token_id = NULL");
                s.execute("DELETE FROM usage_account_minute");
                s.execute("DELETE FROM usage_account_day");
            }
            try (Exporter exporter = Exporter.start(ExporterConfig.fromEnvironment(env, false), false)) {
                List<MetricsScrape.Sample> used = budgets(exporter);
                Map<String, double[]> windows = new HashMap<>();
                for (MetricsScrape.Sample s : MetricsScrape.of(exporter.port()).samples()) {
                    if (s.name().startsWith("newapi_budget_window_")) {
                        windows.computeIfAbsent(s.labels().get("budget"), b -> new double[2])[
                                        s.name().contains("start") ? 0 : 1] =
                                s.value();
                    }
                }
                for (MetricsScrape.Sample s : used) {
                    String budget = s.labels().get("budget");
                    double expected = AccountBudgetIT.expected(
                            db, group, s.labels(), (long) windows.get(budget)[0], (long) windows.get(budget)[1]);
                    assertThat(expected).as(budget).isPositive();
                    assertThat(s.value()).as(budget).isCloseTo(expected, within(1e-9 * Math.max(1, expected)));
                }
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT COUNT(*), SUM(token_id IS NULL), SUM(token_id = 1 + id % 4)" + " FROM logs")) {
                rs.next();
                assertThat(rs.getLong(2)).as("rows left without a token id").isZero();
                assertThat(rs.getLong(3)).as("rows with the gateway's token id").isEqualTo(rs.getLong(1));
            }
        }
    }

    /** Waits for all five budgets and returns their newapi_budget_used. */
    private static List<MetricsScrape.Sample> budgets(Exporter exporter) throws Exception {
        return Await.until(
                        () -> MetricsScrape.of(exporter.port()),
                        s -> s.samples().stream()
                                        .filter(x -> x.name().equals("newapi_budget_used"))
                                        .count()
                                == 5,
                        Duration.ofSeconds(60))
                .samples()
                .stream()
                .filter(s -> s.name().equals("newapi_budget_used"))
                .toList();
    }
}
