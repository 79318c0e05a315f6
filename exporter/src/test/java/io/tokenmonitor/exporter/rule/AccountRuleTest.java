package io.tokenmonitor.exporter.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tokenmonitor.exporter.budget.BudgetScope;
import io.tokenmonitor.exporter.channel.ChannelState;
import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.LogRow;
import io.tokenmonitor.exporter.model.SyncPosition;
import io.tokenmonitor.exporter.source.GatewayFlavor;
import io.tokenmonitor.exporter.store.Store;
import io.tokenmonitor.exporter.sync.RowClassifier;
import io.tokenmonitor.exporter.testing.Classifiers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rules scoped to an API key, a user or a group, and spend_anomaly, on a real store with values worked by hand. */
class AccountRuleTest {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:30Z");
    private static final long T = NOW.getEpochSecond();
    private static final long WEEK = 7 * 86_400L;
    private static final ZoneId UTC = ZoneId.of("UTC");
    /** Quota per USD. */
    private static final long USD = 500_000;

    private final RowClassifier classifier = Classifiers.uncapped(GatewayFlavor.NEW_API);
    private final List<ClassifiedRow> rows = new ArrayList<>();
    private long nextId = 1;

    @TempDir
    Path dir;

    private Store store;

    @BeforeEach
    void open() throws Exception {
        store = Store.open(dir.resolve("store.db"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("store.db"));
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO users (id, username, role, status, \"group\", quota, used_quota,"
                    + " request_count, deleted) VALUES (1, 'alice', 1, 1, 'vip', 0, 0, 0, 0),"
                    + " (2, 'bob', 1, 1, 'default', 0, 0, 0, 0), (3, 'bob', 1, 1, 'default', 0, 0, 0, 0)");
            s.execute("INSERT INTO tokens (id, user_id, name, status, \"group\", remain_quota, used_quota,"
                    + " unlimited_quota, created_time, accessed_time, expired_time, deleted) VALUES"
                    + " (7, 1, 'alpha', 1, 'vip', 0, 0, 1, 0, 0, -1, 0),"
                    + " (8, 2, 'dup', 1, '', 0, 0, 1, 0, 0, -1, 0),"
                    + " (9, 2, 'dup', 1, '', 0, 0, 1, 0, 0, -1, 0),"
                    + " (10, 2, 'gone', 1, '', 0, 0, 1, 0, 0, -1, 1)");
        }
    }

    @AfterEach
    void close() {
        store.close();
    }

    /**
     * Key 7 spent $10 in the last hour, $1 and $3 in the same hour one and two weeks earlier: threshold =
     * max($1, 3 × mean($1, $3)) = $6, and 10 > 6 fires. Key 8: $5 against max($1, 3 × $2) = $6 does not. Key 9: $0.80
     * against nothing earlier: the floor ($1) holds it.
     */
    @Test
    void givenSpendAboveAndBelowThreeTimesTheMeanOfEarlierWeeks_whenEvaluated_thenOnlyTheFirstFires() {
        spend(T - 600, 7, 10 * USD);
        spend(T - WEEK - 600, 7, USD);
        spend(T - 2 * WEEK - 600, 7, 3 * USD);
        spend(T - 3 * WEEK - 600, 7, 100 * USD); // weeks: 2, so three weeks back does not count
        spend(T - 2 * 3600, 7, 100 * USD); // before the window
        spend(T - 600, 8, 5 * USD);
        spend(T - WEEK - 600, 8, 2 * USD);
        spend(T - 2 * WEEK - 600, 8, 2 * USD);
        spend(T - 600, 9, 4 * USD / 5);
        commit();

        Evaluation key7 = eval("{name: a, kind: spend_anomaly, token_id: 7}");
        assertThat(key7.value()).isCloseTo(10, within(1e-9));
        assertThat(key7.threshold()).isCloseTo(6, within(1e-9));
        assertThat(key7.unit()).isEqualTo("usd");
        assertThat(key7.firing()).isTrue();

        Evaluation key8 = eval("{name: a, kind: spend_anomaly, token_id: 8, window: 1h, weeks: 2, above: 3}");
        assertThat(key8.value()).isCloseTo(5, within(1e-9));
        assertThat(key8.threshold()).isCloseTo(6, within(1e-9));
        assertThat(key8.firing()).isFalse();

        Evaluation key9 = eval("{name: a, kind: spend_anomaly, token_id: 9, min_usd: 1}");
        assertThat(key9.value()).isCloseTo(0.8, within(1e-9));
        assertThat(key9.threshold()).as("the floor").isCloseTo(1, within(1e-9));
        assertThat(key9.firing()).isFalse();
        assertThat(eval("{name: a, kind: spend_anomaly, token_id: 9, min_usd: 0.5}")
                        .firing())
                .as("a lower floor")
                .isTrue();
        assertThat(eval("{name: a, kind: spend_anomaly, token_id: 7, weeks: 3}").threshold())
                .as("three weeks: 3 × mean(1, 3, 100)")
                .isCloseTo(104, within(1e-9));
    }

    /**
     * per: token, series limit 2: keys 7 ($10 > $6), 10 ($4 > the $1 floor) and 11 ($2 > $1) are over, 8 is not;
     * the two highest are published, with their labels from the store's tokens (11 is not there: empty names).
     */
    @Test
    void givenPerToken_whenSeveralKeysAreOver_thenTheHighestArePublishedUpToTheCap() {
        spend(T - 600, 7, 10 * USD);
        spend(T - WEEK - 600, 7, USD);
        spend(T - 2 * WEEK - 600, 7, 3 * USD);
        spend(T - 600, 8, 5 * USD);
        spend(T - WEEK - 600, 8, 2 * USD);
        spend(T - 2 * WEEK - 600, 8, 2 * USD);
        spend(T - 600, 10, 4 * USD);
        spend(T - 600, 11, 2 * USD);
        spend(T - 600, 0, 50 * USD); // no key: never a series
        commit();
        RuleEvaluator capped = new RuleEvaluator(store, () -> USD, () -> ChannelState.notLoaded(USD), 2);
        Rule rule = parse("{name: keys, kind: spend_anomaly, per: token, action: disable_token}");
        RuleOutcome outcome = capped.evaluate(List.of(rule), UTC, NOW).get(0);

        assertThat(outcome.evaluation().value()).as("keys over").isEqualTo(3.0);
        assertThat(outcome.evaluation().firing()).isTrue();
        assertThat(outcome.evaluation().note()).contains("1 left out by the series limit");
        assertThat(outcome.accounts()).hasSize(2);
        RuleOutcome.AccountSpend first = outcome.accounts().get(0);
        assertThat(first.key().id()).isEqualTo(7);
        assertThat(first.key().name()).isEqualTo("alpha");
        assertThat(first.key().username()).isEqualTo("alice");
        assertThat(first.spendUsd()).isCloseTo(10, within(1e-9));
        assertThat(first.thresholdUsd()).isCloseTo(6, within(1e-9));
        assertThat(outcome.accounts().get(1).key().id()).isEqualTo(10);
        assertThat(outcome.accounts().get(1).thresholdUsd()).isCloseTo(1, within(1e-9));

        RuleOutcome perUser = capped.evaluate(
                        List.of(parse("{name: users, kind: spend_anomaly, per: user, min_usd: 12}")), UTC, NOW)
                .get(0);
        assertThat(perUser.accounts()).as("user 1: $17 this hour > $12").hasSize(1);
        assertThat(perUser.accounts().get(0).user().username()).isEqualTo("alice");
    }

    @Test
    void givenKeysAndUsersByName_whenEvaluated_thenOneMatchResolvesAndNoneOrSeveralSaySo() {
        spend(T - 600, 7, 2 * USD);
        spend(T - 600, 8, 3 * USD);
        commit();
        RuleOutcome alpha = outcome("{name: a, kind: usage, token: alpha, window: 1h, limit: {usd: 1}}");
        assertThat(alpha.evaluation().value()).isCloseTo(2, within(1e-9));
        assertThat(alpha.usage().budget().scope()).isEqualTo(new BudgetScope.Token(7, "alpha"));
        assertThat(alpha.evaluation().firing()).isTrue();

        RuleOutcome byId = outcome("{name: a, kind: usage, token_id: 8, window: 1h, limit: {usd: 1}}");
        assertThat(byId.usage().budget().scope())
                .as("the name comes from the store")
                .isEqualTo(new BudgetScope.Token(8, "dup"));

        Evaluation dup = eval("{name: a, kind: usage, token: dup, window: 1h, limit: {usd: 1}}");
        assertThat(dup.value()).isNull();
        assertThat(dup.armed()).isFalse();
        assertThat(dup.note()).startsWith("token \"dup\" is ambiguous").contains("use token_id");
        assertThat(eval("{name: a, kind: usage, token: gone, window: 1h, limit: {usd: 1}}")
                        .note())
                .as("a deleted key")
                .startsWith("token \"gone\" is unknown");
        assertThat(eval("{name: a, kind: spend_anomaly, username: bob}").note())
                .startsWith("username \"bob\" is ambiguous");
        Evaluation alice = eval("{name: a, kind: spend_anomaly, username: alice, min_usd: 0.1}");
        assertThat(alice.value()).as("user 1's keys").isCloseTo(2, within(1e-9));
        assertThat(eval("{name: a, kind: usage, group: vip, window: 1h, limit: {usd: 1}}")
                        .value())
                .as("key 7's rows are in group vip")
                .isCloseTo(2, within(1e-9));
    }

    /** error_ratio, latency and spike over a key, a user and a group. */
    @Test
    void givenTrafficOfSeveralKeys_whenRatioLatencyAndSpikeRulesAreScoped_thenOnlyTheirRowsCount() {
        for (int i = 0; i < 8; i++) {
            request(T - 100 - i, 7, 1, "vip", 1_000 * (i + 1));
        }
        error(T - 50, 7, 1, "vip");
        error(T - 40, 7, 1, "vip");
        for (int i = 0; i < 10; i++) {
            request(T - 100 - i, 8, 2, "default", 60_000); // another key, user and group
        }
        error(T - 30, 8, 2, "default");
        commit();
        Evaluation errors = eval("{name: e, kind: error_ratio, token_id: 7, window: 5m, above: 0.1, min_requests: 1}");
        assertThat(errors.value()).as("2 of 10 attempts").isCloseTo(0.2, within(1e-12));
        assertThat(eval("{name: e, kind: error_ratio, user_id: 2, window: 5m, above: 0.1, min_requests: 1}")
                        .value())
                .isCloseTo(1.0 / 11, within(1e-12));
        Evaluation latency = eval("{name: l, kind: latency, group: vip, window: 5m, above: 5, min_requests: 1}");
        assertThat(latency.value()).as("p95 of 1..8 s: the 8th").isCloseTo(8, within(1e-9));
        assertThat(latency.firing()).isTrue();
        assertThat(eval("{name: l, kind: latency, token_id: 7, window: 5m, above: 5, min_requests: 1}")
                        .requests())
                .isEqualTo(8);
        Evaluation spike = eval("{name: s, kind: spike, token_id: 8, window: 5m, above: 2, min_requests: 1}");
        assertThat(spike.value()).as("10 requests, none a week ago").isCloseTo(10, within(1e-9));
    }

    private Evaluation eval(String yaml) {
        return outcome(yaml).evaluation();
    }

    private RuleOutcome outcome(String yaml) {
        RuleEvaluator evaluator = new RuleEvaluator(store, () -> USD, () -> ChannelState.notLoaded(USD));
        return evaluator.evaluate(List.of(parse(yaml)), UTC, NOW).get(0);
    }

    private static Rule parse(String yaml) {
        return RulesFile.parse("rules: [" + yaml + "]", "t.yml").rules().get(0);
    }

    /** A request of key {@code tokenId} (user 1 for keys 7 and 0, user 2 otherwise) costing {@code quota}. */
    private void spend(long createdAt, long tokenId, long quota) {
        long user = tokenId == 7 || tokenId == 0 ? 1 : 2;
        rows.add(classifier.classify(
                row(createdAt, 2, tokenId, user, tokenId == 7 ? "vip" : "default", quota, 1000, "{}")));
    }

    private void request(long createdAt, long tokenId, long userId, String group, long useTimeMillis) {
        rows.add(classifier.classify(row(createdAt, 2, tokenId, userId, group, 10, useTimeMillis, "{}")));
    }

    private void error(long createdAt, long tokenId, long userId, String group) {
        rows.add(classifier.classify(row(createdAt, 5, tokenId, userId, group, 0, -1, "{\"status_code\": 502}")));
    }

    private LogRow row(
            long createdAt,
            int type,
            long tokenId,
            long userId,
            String group,
            long quota,
            long useTimeMillis,
            String other) {
        return new LogRow(
                nextId++,
                createdAt,
                type,
                userId,
                "u",
                "t",
                "gpt-4o",
                quota,
                1,
                1,
                useTimeMillis,
                false,
                1,
                group,
                other,
                "",
                "",
                "",
                0,
                tokenId);
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
}
