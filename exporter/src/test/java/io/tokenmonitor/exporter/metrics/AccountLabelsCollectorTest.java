package io.tokenmonitor.exporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.tokenmonitor.exporter.channel.ChannelState;
import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.LogRow;
import io.tokenmonitor.exporter.model.SyncPosition;
import io.tokenmonitor.exporter.model.UsageTotals;
import io.tokenmonitor.exporter.rule.ConfigWatcher;
import io.tokenmonitor.exporter.rule.RuleEvaluator;
import io.tokenmonitor.exporter.rule.RuleRegistry;
import io.tokenmonitor.exporter.rule.RulesFile;
import io.tokenmonitor.exporter.source.GatewayFlavor;
import io.tokenmonitor.exporter.store.Store;
import io.tokenmonitor.exporter.testing.Classifiers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The labels of key, user and group budgets and rules on newapi_budget_* and newapi_rule_*. */
class AccountLabelsCollectorTest {

    @TempDir
    Path dir;

    @Test
    void givenKeyUserAndGroupRules_whenCollected_thenTheirSeriesCarryTheScopeLabels() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        Path file = dir.resolve("store.db");
        try (Store store = Store.open(file)) {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                    Statement s = c.createStatement()) {
                s.execute("INSERT INTO users (id, username, role, status, \"group\", quota, used_quota,"
                        + " request_count, deleted) VALUES (1, 'alice', 1, 1, 'vip', 0, 0, 0, 0)");
                s.execute("INSERT INTO tokens (id, user_id, name, status, \"group\", remain_quota, used_quota,"
                        + " unlimited_quota, created_time, accessed_time, expired_time, deleted) VALUES"
                        + " (7, 1, 'alpha', 1, 'vip', 0, 0, 1, 0, 0, -1, 0)");
            }
            List<ClassifiedRow> rows = new ArrayList<>();
            var classifier = Classifiers.uncapped(GatewayFlavor.NEW_API);
            for (int i = 1; i <= 4; i++) { // $2 each for key 7 of alice in group vip
                rows.add(classifier.classify(new LogRow(
                        i, now - 60, 2, 1, "alice", "alpha", "m", 1_000_000, 1, 1, 1000, false, 1, "vip", "{}", "", "",
                        "", 0, 7)));
            }
            store.commit(
                    rows,
                    new SyncPosition("s", 4, now, List.of()),
                    UsageTotals.EMPTY,
                    1L,
                    Long.MIN_VALUE,
                    Long.MIN_VALUE);
            store.finishFirstBackfill(); // the first backfill's rollups are built when it ends
            RuleRegistry rules = new RuleRegistry(
                    store,
                    new RuleEvaluator(store, () -> 500_000, () -> ChannelState.notLoaded(500_000)),
                    RulesFile.parse("""
                            timezone: UTC
                            budgets:
                              - {name: key, token: alpha, window: 24h, limit: {usd: 5}, action: disable_token}
                              - {name: user, user_id: 1, window: 24h, limit: {usd: 5}, action: disable_user}
                              - {name: group, group: vip, window: 24h, limit: {usd: 5}}
                              - {name: ghost, token: nobody, window: 24h, limit: {usd: 5}}
                            rules:
                              - {name: keys, kind: spend_anomaly, per: token, action: disable_token}
                              - {name: alice, kind: spend_anomaly, username: alice}
                            """, "rules.yml"),
                    () -> true,
                    Clock.systemUTC());
            rules.evaluate();

            Map<String, Double> budgets = series(
                    new BudgetCollector(rules, new ConfigWatcher(null, rules, Duration.ofHours(1), Clock.systemUTC()))
                            .collect(),
                    "newapi_budget_used");
            String policy = ",window=24h,unit=usd,notify=,active=,cooldown=,severity=warning,tz=UTC";
            assertThat(budgets)
                    .as("the unknown key name publishes nothing")
                    .containsOnlyKeys(
                            k("budget=key,scope=token,token_id=7,token_name=alpha,action=disable_token" + policy),
                            k("budget=user,scope=user,user_id=1,username=alice,action=disable_user" + policy),
                            k("budget=group,scope=group,group=vip,action=notify" + policy));
            assertThat(budgets.values()).containsOnly(8.0);

            MetricSnapshots rule = new RuleCollector(rules).collect();
            String rulePolicy = ",kind=spend_anomaly,window=1h,notify=,active=,cooldown=,severity=warning,tz=UTC";
            String perKey = k("rule=keys,scope=token,token_id=7,token_name=alpha,user_id=1,username=alice,group=vip,"
                    + "action=disable_token" + rulePolicy);
            String user = k("rule=alice,scope=user,user_id=1,username=alice,action=notify" + rulePolicy);
            assertThat(series(rule, "newapi_rule_value"))
                    .containsOnlyKeys(perKey, user)
                    .containsEntry(perKey, 8.0)
                    .containsEntry(user, 8.0);
            assertThat(series(rule, "newapi_rule_threshold"))
                    .as("nothing a week or two earlier: the floor, $1")
                    .containsEntry(perKey, 1.0)
                    .containsEntry(user, 1.0);
        }
    }

    private static Map<String, Double> series(MetricSnapshots snapshots, String family) {
        Map<String, Double> series = new TreeMap<>();
        for (MetricSnapshot snapshot : snapshots) {
            if (snapshot.getMetadata().getPrometheusName().equals(family)) {
                for (GaugeSnapshot.GaugeDataPointSnapshot point : ((GaugeSnapshot) snapshot).getDataPoints()) {
                    series.put(key(point.getLabels()), point.getValue());
                }
            }
        }
        return series;
    }

    private static String key(Labels labels) {
        Map<String, String> sorted = new TreeMap<>();
        for (int i = 0; i < labels.size(); i++) {
            sorted.put(labels.getName(i), labels.getValue(i));
        }
        return sorted.toString();
    }

    private static String k(String pairs) {
        Map<String, String> sorted = new TreeMap<>();
        for (String pair : pairs.split(",")) {
            String[] kv = pair.split("=", -1);
            sorted.put(kv[0], kv[1]);
        }
        return sorted.toString();
    }
}
