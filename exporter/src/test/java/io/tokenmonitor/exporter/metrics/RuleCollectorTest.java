package io.tokenmonitor.exporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.tokenmonitor.exporter.channel.ChannelState;
import io.tokenmonitor.exporter.model.Channel;
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
import io.tokenmonitor.exporter.sync.RowClassifier;
import io.tokenmonitor.exporter.testing.Classifiers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What /metrics publishes for rules: usage rules as newapi_budget_*, the other kinds as newapi_rule_*. */
class RuleCollectorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void givenFileAndConsoleRules_whenCollected_thenEachKindPublishesItsSeriesWithThePolicyLabels() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        try (Store store = Store.open(dir.resolve("store.db"))) {
            RowClassifier classifier = Classifiers.uncapped(GatewayFlavor.NEW_API);
            List<ClassifiedRow> rows = new ArrayList<>();
            for (int i = 0; i < 30; i++) { // 30 requests of channel 3, 10 failed attempts: ratio 0.25
                rows.add(classifier.classify(new LogRow(
                        i + 1,
                        now - 60,
                        2,
                        1,
                        "u",
                        "t",
                        "gpt-4o",
                        10,
                        5,
                        5,
                        1_000,
                        false,
                        3,
                        "default",
                        "{}",
                        "",
                        "",
                        "",
                        0,
                        LogRow.NO_TOKEN_ID)));
            }
            for (int i = 0; i < 10; i++) {
                rows.add(classifier.classify(new LogRow(
                        100 + i,
                        now - 60,
                        5,
                        1,
                        "u",
                        "t",
                        "gpt-4o",
                        0,
                        0,
                        0,
                        -1,
                        false,
                        3,
                        "default",
                        "{\"status_code\": 500}",
                        "",
                        "",
                        "",
                        0,
                        LogRow.NO_TOKEN_ID)));
            }
            store.commit(
                    rows,
                    new SyncPosition("s", 110, now, List.of()),
                    UsageTotals.EMPTY,
                    1L,
                    Long.MIN_VALUE,
                    Long.MIN_VALUE);
            store.finishFirstBackfill(); // the first backfill's rollups are built when it ends
            ChannelState channels = new ChannelState(
                    List.of(
                            new Channel("3", "c3", 1, "default", "", 1, 0, 0),
                            new Channel("4", "c4", 1, "default", "", 3, 0, 0)),
                    500_000,
                    true);
            RuleRegistry rules = new RuleRegistry(
                    store,
                    new RuleEvaluator(store, () -> 500_000, () -> channels),
                    RulesFile.parse("""
                            timezone: Asia/Shanghai
                            budgets: [{name: daily, window: 24h, limit: {tokens: 100}, notify: [ops]}]
                            rules:
                              - {name: file-usage, kind: usage, model: gpt-4o, window: 1h, limit: {requests: 1000}}
                              - {name: errs, kind: error_ratio, channel_id: 3, window: 5m, above: 0.2, notify: [ops],
                                 action: disable_channel, cooldown: 1h, severity: critical}
                              - {name: errs-quiet, kind: error_ratio, channel_id: 3, window: 5m, above: 0.2, min_requests: 41}
                              - {name: errs-none, kind: error_ratio, channel_id: 9, window: 5m, above: 0.2}
                            """, "rules.yml"),
                    () -> true,
                    Clock.systemUTC());
            rules.create(
                    JSON.readTree(
                            "{\"name\":\"console-usage\",\"kind\":\"usage\",\"channel_id\":3,\"window\":\"1h\",\"limit\":{\"tokens\":50}}"),
                    "a");
            rules.create(
                    JSON.readTree(
                            "{\"name\":\"console-off\",\"kind\":\"usage\",\"window\":\"1h\",\"limit\":{\"tokens\":50},\"enabled\":false}"),
                    "a");
            rules.create(JSON.readTree("{\"name\":\"down\",\"kind\":\"channel_down\",\"severity\":\"critical\"}"), "a");
            rules.create(
                    JSON.readTree(
                            "{\"name\":\"spike-off\",\"kind\":\"spike\",\"window\":\"5m\",\"above\":2,\"min_requests\":1,\"enabled\":false}"),
                    "a");
            rules.evaluate();

            Map<String, Double> budgets =
                    series(new BudgetCollector(rules, watcher(rules)).collect(), "newapi_budget_used");
            assertThat(budgets)
                    .as("file budgets, file and console usage rules; the disabled one publishes nothing")
                    .containsOnlyKeys(
                            k(
                                    "budget=daily,notify=ops,window=24h,unit=tokens,scope=all,action=notify,active=,cooldown=,severity=warning,tz=Asia/Shanghai"),
                            k(
                                    "budget=file-usage,model=gpt-4o,window=1h,unit=requests,scope=model,action=notify,active=,cooldown=,severity=warning,tz=Asia/Shanghai,notify="),
                            k(
                                    "budget=console-usage,channel_id=3,window=1h,unit=tokens,scope=channel,action=notify,active=,cooldown=,severity=warning,tz=Asia/Shanghai,notify="));
            assertThat(budgets).containsValues(300.0, 30.0);
            assertThat(series(new BudgetCollector(rules, watcher(rules)).collect(), "newapi_budget_limit"))
                    .hasSize(3);

            MetricSnapshots rule = new RuleCollector(rules).collect();
            Map<String, Double> values = series(rule, "newapi_rule_value");
            Map<String, Double> thresholds = series(rule, "newapi_rule_threshold");
            String errs = k(
                    "rule=errs,kind=error_ratio,scope=channel,channel_id=3,window=5m,notify=ops,action=disable_channel,"
                            + "active=,cooldown=1h,severity=critical,tz=Asia/Shanghai");
            String quiet =
                    k("rule=errs-quiet,kind=error_ratio,scope=channel,channel_id=3,window=5m,notify=,action=notify,"
                            + "active=,cooldown=,severity=warning,tz=Asia/Shanghai");
            String down3 =
                    k("rule=down,kind=channel_down,scope=all,channel_id=3,notify=,action=notify,active=,cooldown=,"
                            + "severity=critical,tz=Asia/Shanghai");
            String down4 = down3.replace("channel_id=3", "channel_id=4");
            assertThat(values)
                    .as(
                            "no value for errs-none (no attempt), nothing for the disabled spike, one channel_down series per channel")
                    .containsOnlyKeys(errs, quiet, down3, down4);
            assertThat(values.get(errs)).isEqualTo(0.25);
            assertThat(values.get(down3)).isEqualTo(0.0);
            assertThat(values.get(down4)).isEqualTo(1.0);
            assertThat(thresholds)
                    .as("errs-quiet is not armed (40 of 41 attempts): no threshold, so the alert cannot fire")
                    .containsOnlyKeys(errs, down3, down4);
            assertThat(thresholds.get(errs)).isEqualTo(0.2);
            assertThat(thresholds.get(down4)).isEqualTo(1.0);
        }
    }

    private static ConfigWatcher watcher(RuleRegistry rules) {
        return new ConfigWatcher(null, rules, Duration.ofHours(1), Clock.systemUTC());
    }

    /** The family's series as "name=value,..." (labels sorted as the spec lists them does not matter: a set of pairs). */
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

    /** "a=1,b=2" as {@link #key} writes it, in any order. */
    private static String k(String pairs) {
        Map<String, String> sorted = new TreeMap<>();
        for (String pair : pairs.split(",")) {
            String[] kv = pair.split("=", -1);
            sorted.put(kv[0], kv[1]);
        }
        return sorted.toString();
    }
}
