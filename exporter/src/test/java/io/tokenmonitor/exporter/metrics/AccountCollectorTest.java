package io.tokenmonitor.exporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.tokenmonitor.exporter.account.AccountState;
import io.tokenmonitor.exporter.model.AccountThresholds;
import io.tokenmonitor.exporter.model.Token;
import io.tokenmonitor.exporter.model.User;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Which keys and users get series of their own, and that the counts cover all of them; 100,000 keys stay capped. */
class AccountCollectorTest {

    private static final long NOW = 1_800_000_000L;
    private static final double QPU = 500_000;
    private static final long USD = 500_000;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    /** LOW_QUOTA_USD 1, LOW_QUOTA_RATIO 0.1, EXPIRY_WARNING 72h, ACCOUNT_SERIES_LIMIT 100. */
    private static final AccountThresholds DEFAULTS = AccountThresholds.DEFAULT;

    @Test
    void givenKeysOfEveryKind_whenCollected_thenOnlyEnabledLimitedLowOrExpiringKeysGetSeries() {
        List<Token> tokens = List.of(
                token(1, 1, 1, USD * 8 / 10, USD * 100, false, -1, false), // low by USD: $0.80 left, ratio 0.008
                token(2, 1, 1, USD * 10, USD * 95, false, -1, false), // low by ratio: $10 left, 10/105 = 0.095
                token(3, 1, 1, USD * 10, USD * 10, false, -1, false), // fine: $10, 0.5
                token(4, 1, 1, 0, USD * 1000, true, -1, false), // unlimited: never low
                token(5, 1, 2, 0, USD, false, -1, false), // disabled: not low
                token(6, 1, 1, 0, USD, false, -1, true), // soft-deleted: not counted at all
                token(7, 2, 1, USD * 50, USD, false, NOW + 3_600, false), // expiring in 1h, not low
                token(8, 2, 1, USD * 50, USD, false, NOW - 10, false), // already past expiry: not expiring
                token(9, 2, 1, USD * 50, USD, false, NOW + 100 * 3_600, false), // 100h away: not expiring
                token(10, 2, 1, 0, 0, true, NOW + 60, false), // unlimited and expiring: expiry only
                token(11, 2, 3, 0, USD, false, NOW - 99, false), // expired status
                token(12, 2, 4, 0, USD, false, -1, false), // exhausted status
                token(13, 2, 1, USD, USD * 5, false, -1, false)); // exactly $1 left: at the threshold is low
        List<User> users = List.of(user(1, "alice", 1, USD * 100, USD), user(2, "bob", 1, USD * 100, USD));

        MetricSnapshots out = collect(tokens, users, DEFAULTS);

        assertThat(series(out, "newapi_tokens"))
                .isEqualTo(Map.of(
                        "{status=enabled}", 9.0,
                        "{status=disabled}", 1.0,
                        "{status=expired}", 1.0,
                        "{status=exhausted}", 1.0));
        assertThat(single(out, "newapi_tokens_low_quota")).isEqualTo(3);
        assertThat(single(out, "newapi_tokens_expiring")).isEqualTo(2);
        assertThat(series(out, "newapi_token_remaining_usd"))
                .as("lowest first does not matter here; which ones do")
                .isEqualTo(Map.of(
                        k(1, "alice"), 0.8,
                        k(13, "bob"), 1.0,
                        k(2, "alice"), 10.0,
                        k(7, "bob"), 50.0));
        assertThat(series(out, "newapi_token_remaining_ratio"))
                .containsEntry(k(2, "alice"), 10.0 / 105)
                .containsEntry(k(7, "bob"), 50.0 / 51)
                .hasSize(4);
        assertThat(series(out, "newapi_token_expiry_timestamp_seconds"))
                .isEqualTo(Map.of(k(7, "bob"), (double) NOW + 3_600, k(10, "bob"), (double) NOW + 60));
        assertThat(series(out, "newapi_account_series_omitted"))
                .isEqualTo(Map.of("{kind=token}", 0.0, "{kind=user}", 0.0));
        assertThat(single(out, "newapi_low_quota_threshold_usd")).isEqualTo(1);
        assertThat(single(out, "newapi_low_quota_threshold_ratio")).isEqualTo(0.1);
        assertThat(single(out, "newapi_expiry_warning_seconds")).isEqualTo(72 * 3_600);
        assertThat(single(out, "newapi_accounts_last_refresh_timestamp_seconds"))
                .isEqualTo(NOW - 5);
    }

    @Test
    void givenUsersOfEveryKind_whenCollected_thenOnlyEnabledLowUsersGetSeries() {
        List<User> users = List.of(
                user(1, "low-usd", 1, USD / 2, USD), // $0.50
                user(2, "low-ratio", 1, USD * 5, USD * 95), // 0.05
                user(3, "fine", 1, USD * 5, USD * 5),
                user(4, "disabled", 2, 0, USD),
                new User(5, "deleted", 1, 1, "default", 0, USD, 0, true),
                user(6, "never-topped-up", 1, 0, 0)); // nothing left of nothing: low

        MetricSnapshots out = collect(List.of(), users, DEFAULTS);

        assertThat(series(out, "newapi_users")).isEqualTo(Map.of("{status=enabled}", 4.0, "{status=disabled}", 1.0));
        assertThat(single(out, "newapi_users_low_quota")).isEqualTo(3);
        assertThat(series(out, "newapi_user_remaining_usd"))
                .isEqualTo(Map.of(
                        "{group=default, user_id=1, username=low-usd}", 0.5,
                        "{group=default, user_id=2, username=low-ratio}", 5.0,
                        "{group=default, user_id=6, username=never-topped-up}", 0.0));
        assertThat(series(out, "newapi_user_remaining_ratio"))
                .containsEntry("{group=default, user_id=2, username=low-ratio}", 0.05);
    }

    @Test
    void givenMoreLowKeysThanTheLimit_whenCollected_thenTheLowestAreKeptAndTheRestCounted() {
        List<Token> tokens = new ArrayList<>();
        for (int i = 1; i <= 5; i++) { // key i has $0.1 × (6 - i) left: key 5 is the lowest
            tokens.add(token(i, 1, 1, USD * (6 - i) / 10, USD * 100, false, -1, false));
        }
        List<User> users = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            users.add(user(i, "u" + i, 1, USD * i / 10, USD * 100));
        }
        AccountThresholds three = new AccountThresholds(1, 0.1, Duration.ofHours(72), 3);

        MetricSnapshots out = collect(tokens, users, three);

        assertThat(series(out, "newapi_token_remaining_usd").keySet())
                .containsExactlyInAnyOrder(k(5, "u1"), k(4, "u1"), k(3, "u1"));
        assertThat(series(out, "newapi_user_remaining_usd").keySet())
                .containsExactlyInAnyOrder(
                        "{group=default, user_id=1, username=u1}",
                        "{group=default, user_id=2, username=u2}",
                        "{group=default, user_id=3, username=u3}");
        assertThat(single(out, "newapi_tokens_low_quota"))
                .as("the count is not capped")
                .isEqualTo(5);
        assertThat(series(out, "newapi_account_series_omitted"))
                .isEqualTo(Map.of("{kind=token}", 2.0, "{kind=user}", 1.0));
    }

    @Test
    void givenNoReadYet_whenCollected_thenOnlyTheThresholdsArePublished() {
        AccountCollector collector = new AccountCollector(() -> AccountState.NOT_LOADED, DEFAULTS, () -> QPU, CLOCK);

        assertThat(collector.collect().stream().map(s -> s.getMetadata().getPrometheusName()))
                .containsExactlyInAnyOrder(
                        "newapi_low_quota_threshold_usd",
                        "newapi_low_quota_threshold_ratio",
                        "newapi_expiry_warning_seconds");
    }

    /** 100,000 keys, every one low, and 100,000 low users: still ACCOUNT_SERIES_LIMIT series per family. */
    @Test
    void givenOneHundredThousandLowKeysAndUsers_whenCollected_thenTheSeriesStayWithinTheCap() {
        int n = 100_000;
        List<Token> tokens = new ArrayList<>(n);
        List<User> users = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            tokens.add(token(i, i, 1, (n - i) * 10L, USD * 100, false, NOW + i, false));
            users.add(user(i, "user-" + i, 1, i, USD * 100));
        }
        AccountCollector collector =
                new AccountCollector(() -> new AccountState(tokens, users, NOW - 5), DEFAULTS, () -> QPU, CLOCK);

        collector.collect(); // warm up
        long start = System.nanoTime();
        MetricSnapshots out = collector.collect();
        long millis = (System.nanoTime() - start) / 1_000_000;
        int samples = text(out).split("\n").length;
        System.out.printf(
                "accounts: collect of %d keys and %d users took %d ms, %d exposition lines%n", n, n, millis, samples);

        assertThat(series(out, "newapi_token_remaining_usd")).hasSize(100);
        assertThat(series(out, "newapi_token_remaining_ratio")).hasSize(100);
        assertThat(series(out, "newapi_token_expiry_timestamp_seconds")).hasSize(100);
        assertThat(series(out, "newapi_user_remaining_usd")).hasSize(100);
        assertThat(series(out, "newapi_user_remaining_ratio")).hasSize(100);
        assertThat(series(out, "newapi_token_remaining_usd").keySet())
                .as("the lowest remaining: the highest ids")
                .contains(k(n, "user-" + n), k(n - 99, "user-" + (n - 99)))
                .doesNotContain(k(n - 100, "user-" + (n - 100)));
        assertThat(single(out, "newapi_tokens_low_quota")).isEqualTo(n);
        assertThat(series(out, "newapi_account_series_omitted"))
                .isEqualTo(Map.of("{kind=token}", n - 100.0, "{kind=user}", n - 100.0));
        assertThat(samples).as("every line of the exposition").isLessThan(700);
    }

    private static MetricSnapshots collect(List<Token> tokens, List<User> users, AccountThresholds thresholds) {
        return new AccountCollector(() -> new AccountState(tokens, users, NOW - 5), thresholds, () -> QPU, CLOCK)
                .collect();
    }

    private static Token token(
            long id,
            long userId,
            int status,
            long remain,
            long used,
            boolean unlimited,
            long expiredTime,
            boolean deleted) {
        return new Token(
                id, userId, "key-" + id, status, "default", remain, used, unlimited, 0, 0, expiredTime, deleted);
    }

    private static User user(long id, String name, int status, long quota, long used) {
        return new User(id, name, 1, status, "default", quota, used, 0, false);
    }

    /** The labels of key {@code id} owned by {@code username}, as {@link #series} writes them. */
    private static String k(long id, String username) {
        long userId = username.startsWith("user-") ? id : username.equals("bob") ? 2 : 1;
        return "{token_id=" + id + ", token_name=key-" + id + ", user_id=" + userId + ", username=" + username + "}";
    }

    private static double single(MetricSnapshots snapshots, String family) {
        Map<String, Double> series = series(snapshots, family);
        assertThat(series).as(family).hasSize(1);
        return series.values().iterator().next();
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

    private static String text(MetricSnapshots snapshots) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrometheusTextFormatWriter.create().write(out, snapshots);
            return out.toString(java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
