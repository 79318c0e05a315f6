package io.tokenmonitor.exporter.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tokenmonitor.exporter.channel.ChannelState;
import io.tokenmonitor.exporter.model.Channel;
import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.LogRow;
import io.tokenmonitor.exporter.model.SyncPosition;
import io.tokenmonitor.exporter.source.GatewayFlavor;
import io.tokenmonitor.exporter.store.Store;
import io.tokenmonitor.exporter.sync.RowClassifier;
import io.tokenmonitor.exporter.testing.Classifiers;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of rule evaluated against a real store, with values worked out by hand. */
class RuleEvaluatorTest {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:30Z");
    private static final long T = NOW.getEpochSecond();
    private static final ZoneId UTC = ZoneId.of("UTC");

    private final RowClassifier classifier = Classifiers.uncapped(GatewayFlavor.NEW_API);
    private final AtomicReference<ChannelState> channels = new AtomicReference<>(ChannelState.notLoaded(500_000));
    private final List<ClassifiedRow> rows = new ArrayList<>();
    private long nextId = 1;

    @TempDir
    Path dir;

    private Store store;
    private RuleEvaluator evaluator;

    @BeforeEach
    void open() {
        store = Store.open(dir.resolve("store.db"));
        evaluator = new RuleEvaluator(store, () -> 500_000, channels::get);
    }

    @org.junit.jupiter.api.AfterEach
    void close() {
        store.close();
    }

    /** 8 requests and 2 failed attempts of channel 3 in the last 5 minutes: 2 ÷ 10 = 0.2. */
    @Test
    void givenErrorsAndRequests_whenAnErrorRatioRuleIsEvaluated_thenTheRatioIsErrorsOverAttempts() {
        for (int i = 0; i < 8; i++) {
            request(T - 100 - i, 3, "gpt-4o", 1_000);
        }
        error(T - 50, 3, 502);
        error(T - 40, 3, 429);
        error(T - 20 * 60, 3, 500); // before the window
        error(T - 30, 4, 500); // another channel
        commit();

        Evaluation firing =
                eval("{name: e, kind: error_ratio, channel_id: 3, window: 5m, above: 0.1, min_requests: 10}");
        assertThat(firing.value()).isCloseTo(0.2, within(1e-12));
        assertThat(firing.requests()).as("attempts").isEqualTo(10);
        assertThat(firing.armed()).isTrue();
        assertThat(firing.firing()).isTrue();
        assertThat(firing.unit()).isEqualTo("ratio");

        assertThat(eval("{name: e, kind: error_ratio, channel_id: 3, window: 5m, above: 0.25, min_requests: 10}")
                        .firing())
                .isFalse();
        Evaluation tooFew =
                eval("{name: e, kind: error_ratio, channel_id: 3, window: 5m, above: 0.1, min_requests: 11}");
        assertThat(tooFew.armed()).isFalse();
        assertThat(tooFew.firing()).isFalse();
        assertThat(tooFew.note()).isEqualTo("10 of the 11 attempts needed");
        assertThat(eval("{name: e, kind: error_ratio, window: 30m, above: 0.1, min_requests: 1}")
                        .value())
                .as("all traffic, 30m: 4 errors of 12 attempts")
                .isCloseTo(4.0 / 12, within(1e-12));
        assertThat(eval("{name: e, kind: error_ratio, channel_id: 9, window: 5m, above: 0.1}")
                        .value())
                .as("no attempt: no value")
                .isNull();
    }

    /** Nearest rank: of 20 values 1..20 s the p95 is the 19th (19 s); of 21 values the 20th. */
    @Test
    void givenKnownDurations_whenALatencyRuleIsEvaluated_thenItIsTheNearestRankP95() {
        for (int s = 1; s <= 20; s++) {
            request(T - 60 - s, 1, "gpt-4o", s * 1_000L);
        }
        request(T - 60 * 60, 1, "gpt-4o", 999_000); // before the 15m window
        request(T - 70, 2, "claude", 500_000); // another model
        commit();

        Evaluation p95 = eval("{name: l, kind: latency, model: gpt-4o, window: 15m, above: 18.5}");
        assertThat(p95.value()).isEqualTo(19.0);
        assertThat(p95.requests()).isEqualTo(20);
        assertThat(p95.armed()).isTrue();
        assertThat(p95.firing()).isTrue();
        assertThat(eval("{name: l, kind: latency, model: gpt-4o, window: 15m, above: 19}")
                        .firing())
                .as("19 is not above 19")
                .isFalse();

        request(T - 30, 1, "gpt-4o", 21_000);
        commit();
        assertThat(eval("{name: l, kind: latency, model: gpt-4o, window: 15m, above: 1}")
                        .value())
                .as("21 values: rank 20")
                .isEqualTo(20.0);
        Evaluation few = eval("{name: l, kind: latency, model: gpt-4o, window: 15m, above: 1, min_requests: 22}");
        assertThat(few.armed()).isFalse();
        assertThat(few.note()).isEqualTo("21 of the 22 requests with a latency needed");
    }

    @Test
    void givenStreamedRequests_whenALatencyRuleReadsTtft_thenItIsTheP95OfTheFirstTokenTimes() {
        for (int i = 1; i <= 10; i++) {
            add(new LogRow(
                    nextId++,
                    T - 100 - i,
                    2,
                    1,
                    "u",
                    "t",
                    "gpt-4o",
                    10,
                    1,
                    1,
                    30_000,
                    true,
                    1,
                    "default",
                    "{\"frt\": " + (i * 100) + "}",
                    "",
                    "",
                    "",
                    0,
                    LogRow.NO_TOKEN_ID));
        }
        commit();

        Evaluation ttft = eval("{name: l, kind: latency, metric: ttft, window: 5m, above: 0.5}");
        assertThat(ttft.value()).as("rank 10 of 0.1..1.0 s").isCloseTo(1.0, within(1e-9));
        assertThat(ttft.armed()).as("the default min_requests is 10").isTrue();
        assertThat(eval("{name: l, kind: latency, window: 5m, above: 0.5}").value())
                .as("duration")
                .isEqualTo(30.0);
        assertThat(eval("{name: l, kind: latency, window: 5m, above: 0.5, min_requests: 11}")
                        .armed())
                .isFalse();
    }

    /** 120 requests in the last hour against 20 in the same hour a week earlier: a factor of 6. */
    @Test
    void givenTrafficNowAndAWeekEarlier_whenASpikeRuleIsEvaluated_thenTheFactorIsTheirRatio() {
        for (int i = 0; i < 120; i++) {
            request(T - 30 * 60 - i, 1, "gpt-4o", 100);
        }
        for (int i = 0; i < 20; i++) {
            request(T - 7 * 86_400 - 30 * 60 - i, 1, "gpt-4o", 100);
        }
        commit();

        Evaluation week = eval("{name: s, kind: spike, window: 1h, above: 5}");
        assertThat(week.value()).isEqualTo(6.0);
        assertThat(week.requests()).isEqualTo(120);
        assertThat(week.firing()).isTrue();
        assertThat(eval("{name: s, kind: spike, window: 1h, above: 6}").firing())
                .isFalse();
        assertThat(eval("{name: s, kind: spike, window: 1h, above: 5, compare_to: 1d}")
                        .value())
                .as("nothing a day earlier: ÷ max(1, 0)")
                .isEqualTo(120.0);
        Evaluation few = eval("{name: s, kind: spike, window: 1h, above: 5, min_requests: 121}");
        assertThat(few.armed()).isFalse();
        assertThat(few.firing()).isFalse();
        assertThat(eval("{name: s, kind: spike, window: 5m, above: 2}").value())
                .as("no request in the window: no value")
                .isNull();
    }

    @Test
    void givenChannelStates_whenChannelDownRulesAreEvaluated_thenTheyCountTheChannelsNotEnabled() {
        assertThat(eval("{name: d, kind: channel_down}").armed())
                .as("channels not read yet")
                .isFalse();
        channels.set(new ChannelState(List.of(channel("1", 1), channel("2", 2), channel("3", 3)), 500_000, true));

        RuleOutcome all = outcome("{name: d, kind: channel_down}");
        assertThat(all.evaluation().value()).isEqualTo(2.0);
        assertThat(all.evaluation().firing()).isTrue();
        assertThat(all.channels())
                .containsExactly(
                        new RuleOutcome.ChannelDown("1", false),
                        new RuleOutcome.ChannelDown("2", true),
                        new RuleOutcome.ChannelDown("3", true));
        Evaluation up = eval("{name: d, kind: channel_down, channel_id: 1}");
        assertThat(up.value()).isEqualTo(0.0);
        assertThat(up.armed()).isTrue();
        assertThat(up.firing()).isFalse();
        assertThat(eval("{name: d, kind: channel_down, channel_id: 3}").firing())
                .isTrue();
        Evaluation unknown = eval("{name: d, kind: channel_down, channel_id: 9}");
        assertThat(unknown.value()).isNull();
        assertThat(unknown.armed()).isFalse();
    }

    @Test
    void givenUsage_whenAUsageRuleIsEvaluated_thenItIsTheBudgetsSum() {
        request(T - 120, 1, "gpt-4o", 0); // 1 + 1 tokens each, see request()
        request(T - 100, 1, "gpt-4o", 0);
        commit();

        Evaluation over = eval("{name: u, kind: usage, window: 1h, limit: {tokens: 4}}");
        assertThat(over.value()).isEqualTo(4.0);
        assertThat(over.firing()).as("used >= limit").isTrue();
        assertThat(eval("{name: u, kind: usage, window: 1h, limit: {requests: 3}}")
                        .firing())
                .isFalse();
        Evaluation off = eval("{name: u, kind: usage, window: 1h, limit: {tokens: 1}, enabled: false}");
        assertThat(off.armed()).isFalse();
        assertThat(off.note()).isEqualTo("disabled");
    }

    private Evaluation eval(String yaml) {
        return outcome(yaml).evaluation();
    }

    private RuleOutcome outcome(String yaml) {
        Rule rule = RulesFile.parse("rules: [" + yaml + "]", "t.yml").rules().get(0);
        return evaluator.evaluate(List.of(rule), UTC, NOW).get(0);
    }

    /** A request of 1 prompt and 1 completion token. */
    private void request(long createdAt, long channel, String model, long useTimeMillis) {
        add(new LogRow(
                nextId++,
                createdAt,
                2,
                1,
                "u",
                "t",
                model,
                10,
                1,
                1,
                useTimeMillis,
                false,
                channel,
                "default",
                "{}",
                "",
                "",
                "",
                0,
                LogRow.NO_TOKEN_ID));
    }

    private void error(long createdAt, long channel, int status) {
        add(new LogRow(
                nextId++,
                createdAt,
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
                channel,
                "default",
                "{\"status_code\": " + status + "}",
                "",
                "",
                "",
                0,
                LogRow.NO_TOKEN_ID));
    }

    private void add(LogRow row) {
        rows.add(classifier.classify(row));
    }

    private void commit() {
        store.commit(
                List.copyOf(rows),
                new SyncPosition("s", nextId - 1, T, List.of()),
                store.loadTotals(),
                1L,
                Long.MIN_VALUE,
                Long.MIN_VALUE);
        store.finishFirstBackfill(); // the first backfill's rollups are built when it ends (no-op after)
        rows.clear();
    }

    private static Channel channel(String id, int status) {
        return new Channel(id, "ch" + id, 1, "default", "", status, 0, 0);
    }
}
