package io.tokenmonitor.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.testing.GatewayDatabase;
import io.tokenmonitor.common.testing.GatewayDatabase.Flavor;
import io.tokenmonitor.common.testing.TestLog;
import io.tokenmonitor.exporter.config.ExporterConfig;
import io.tokenmonitor.exporter.testing.Await;
import io.tokenmonitor.exporter.testing.GatewayAccounts;
import io.tokenmonitor.exporter.testing.MetricsScrape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One API's logs have no token_id: a key's budget counts the rows of its user with its name (the store's tokens
 * copy), equal to the source's {@code GROUP BY user_id, token_name}; a name two keys of the user share counts as no
 * key (0).
 */
class OneApiKeyBudgetIT {

    @TempDir
    Path dir;

    @Test
    void givenOneApiRowsWithKeyNames_whenKeyBudgetsAreEvaluated_thenTheyEqualTheSumOfTheirUserAndName()
            throws Exception {
        long now = Instant.now().getEpochSecond();
        try (GatewayDatabase db = GatewayDatabase.create(Dialect.MYSQL, Flavor.ONE_API, dir)) {
            GatewayAccounts accounts = GatewayAccounts.create(db);
            accounts.addUser(1, "alice", 1, "default", 0, 0, false);
            accounts.addToken(5, 1, "default", 1, "", 0, 0, true, -1, false);
            accounts.addToken(6, 1, "shared", 1, "", 0, 0, true, -1, false);
            accounts.addToken(7, 1, "shared", 1, "", 0, 0, true, -1, false);
            db.insert(TestLog.traffic(new Random(5), 5_000, now - 3 * 86_400L, now - 60, 2, 2));
            db.execute("UPDATE logs SET token_name = 'shared' WHERE token_name = 'default' AND MOD(id, 3) = 0");
            Path config = Files.writeString(dir.resolve("budgets.yml"), """
                    budgets:
                      - {name: k5, token_id: 5, window: 24h, limit: {usd: 1}}
                      - {name: k5-tokens, token: default, window: 72h, limit: {tokens: 1}}
                      - {name: k6, token_id: 6, window: 72h, limit: {requests: 1}}
                    """);
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
                                == 3,
                        Duration.ofSeconds(60));
                Map<String, Double> used = new HashMap<>();
                Map<String, Long> starts = new HashMap<>();
                for (MetricsScrape.Sample s : scrape.samples()) {
                    if (s.name().equals("newapi_budget_used")) {
                        used.put(s.labels().get("budget"), s.value());
                    } else if (s.name().equals("newapi_budget_window_start_timestamp_seconds")) {
                        starts.put(s.labels().get("budget"), (long) s.value());
                    }
                }
                double quota = sum(db, "quota", starts.get("k5"), "default");
                assertThat(quota).isPositive();
                assertThat(used.get("k5")).isCloseTo(quota / 500_000, within(1e-9));
                assertThat(used.get("k5-tokens"))
                        .isEqualTo(sum(db, "prompt_tokens + completion_tokens", starts.get("k5-tokens"), "default"));
                assertThat(used.get("k6"))
                        .as("'shared' is two keys of alice: their rows count as no key")
                        .isZero();
            }
        }
    }

    /** The source's own sum for user 1 and a key name since {@code from}, by GROUP BY user_id, token_name. */
    private static double sum(GatewayDatabase db, String value, long from, String tokenName) throws Exception {
        String sql = "SELECT user_id, token_name, SUM(" + value + ") FROM logs WHERE type = 2 AND created_at >= " + from
                + " GROUP BY user_id, token_name";
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                if (rs.getLong(1) == 1 && rs.getString(2).equals(tokenName)) {
                    return rs.getLong(3);
                }
            }
        }
        return 0;
    }
}
