package io.tokenmonitor.exporter.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.tokenmonitor.exporter.account.AccountSelection;
import io.tokenmonitor.exporter.account.AccountSelection.SelectedToken;
import io.tokenmonitor.exporter.account.AccountSelection.SelectedUser;
import io.tokenmonitor.exporter.account.AccountState;
import io.tokenmonitor.exporter.model.AccountThresholds;
import io.tokenmonitor.exporter.model.Token;
import io.tokenmonitor.exporter.model.User;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The gateway's keys and users as last read: counts over all of them, and series of their own only
 * for the few low on quota or about to expire (at most ACCOUNT_SERIES_LIMIT of each kind).
 *
 * <pre>
 * newapi_tokens{status}   (enabled, disabled, expired, exhausted)
 * newapi_users{status}    (enabled, disabled)
 * newapi_tokens_low_quota, newapi_tokens_expiring, newapi_users_low_quota
 * newapi_token_remaining_usd{token_id,token_name,user_id,username}, newapi_token_remaining_ratio{…}
 * newapi_token_expiry_timestamp_seconds{…}
 * newapi_user_remaining_usd{user_id,username,group}, newapi_user_remaining_ratio{…}
 * newapi_low_quota_threshold_usd, newapi_low_quota_threshold_ratio, newapi_expiry_warning_seconds
 * newapi_account_series_omitted{kind}   (token, user)
 * newapi_accounts_last_refresh_timestamp_seconds
 * </pre>
 */
public final class AccountCollector implements MultiCollector {

    private static final List<String> TOKEN_STATUSES = List.of("enabled", "disabled", "expired", "exhausted");
    private static final List<String> USER_STATUSES = List.of("enabled", "disabled");

    private final Supplier<AccountState> state;
    private final AccountThresholds thresholds;
    private final DoubleSupplier quotaPerUnit;
    private final Clock clock;

    public AccountCollector(
            Supplier<AccountState> state, AccountThresholds thresholds, DoubleSupplier quotaPerUnit, Clock clock) {
        this.state = state;
        this.thresholds = thresholds;
        this.quotaPerUnit = quotaPerUnit;
        this.clock = clock;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        out.add(single(
                "newapi_low_quota_threshold_usd",
                "LOW_QUOTA_USD: a key or user with this many USD or fewer left is low on quota.",
                thresholds.lowQuotaUsd()));
        out.add(single(
                "newapi_low_quota_threshold_ratio",
                "LOW_QUOTA_RATIO: a key or user with this share (0..1) or less of its quota left is low on quota.",
                thresholds.lowQuotaRatio()));
        out.add(single(
                "newapi_expiry_warning_seconds",
                "EXPIRY_WARNING: a key expiring within this many seconds is expiring.",
                thresholds.expiryWarning().toSeconds()));
        AccountState now = state.get();
        if (!now.loaded()) {
            // No counts before the first read: zeros would claim the gateway has no keys.
            return new MetricSnapshots(out);
        }
        AccountSelection s = AccountSelection.of(now, thresholds, quotaPerUnit.getAsDouble(), clock.millis() / 1000);
        out.add(byStatus(
                "newapi_tokens",
                "The gateway's API keys not deleted, by tokens.status.",
                TOKEN_STATUSES,
                s.tokensByStatus()));
        out.add(byStatus(
                "newapi_users", "The gateway's users not deleted, by users.status.", USER_STATUSES, s.usersByStatus()));
        out.add(single(
                "newapi_tokens_low_quota",
                "Enabled keys with a quota limit at or below the low-quota threshold (all of them, not capped).",
                s.lowTokens()));
        out.add(single(
                "newapi_tokens_expiring",
                "Enabled keys whose expired_time is within EXPIRY_WARNING and not yet reached.",
                s.expiringTokens()));
        out.add(single(
                "newapi_users_low_quota",
                "Enabled users at or below the low-quota threshold (all of them, not capped).",
                s.lowUsers()));
        out.addAll(tokenSeries(s.tokens()));
        out.addAll(userSeries(s.users()));
        out.add(GaugeSnapshot.builder()
                .name("newapi_account_series_omitted")
                .help("Low or expiring keys (kind=token) and low users (kind=user) without series of their own:"
                        + " over ACCOUNT_SERIES_LIMIT.")
                .dataPoint(gauge(Labels.of("kind", "token"), s.omittedTokens()))
                .dataPoint(gauge(Labels.of("kind", "user"), s.omittedUsers()))
                .build());
        out.add(single(
                "newapi_accounts_last_refresh_timestamp_seconds",
                "When the gateway's tokens and users were last read successfully (unix seconds).",
                now.refreshedAtSeconds()));
        return new MetricSnapshots(out);
    }

    private List<MetricSnapshot> tokenSeries(List<SelectedToken> tokens) {
        GaugeSnapshot.Builder usd = GaugeSnapshot.builder()
                .name("newapi_token_remaining_usd")
                .help("Remaining quota in USD of the keys that are low or expiring (lowest first, at most"
                        + " ACCOUNT_SERIES_LIMIT; unlimited keys have none).");
        GaugeSnapshot.Builder ratio = GaugeSnapshot.builder()
                .name("newapi_token_remaining_ratio")
                .help("remain_quota / (remain_quota + used_quota) of the same keys, 0..1.");
        GaugeSnapshot.Builder expiry = GaugeSnapshot.builder()
                .name("newapi_token_expiry_timestamp_seconds")
                .help("expired_time (unix seconds) of the keys expiring within EXPIRY_WARNING.");
        for (SelectedToken s : tokens) {
            Token t = s.token();
            Labels labels = Labels.of(
                    "token_id",
                    Long.toString(t.id()),
                    "token_name",
                    t.name(),
                    "user_id",
                    Long.toString(t.userId()),
                    "username",
                    s.username());
            if (!t.unlimitedQuota()) {
                usd.dataPoint(gauge(labels, s.remainingUsd()));
                ratio.dataPoint(gauge(labels, s.remainingRatio()));
            }
            if (s.expiring()) {
                expiry.dataPoint(gauge(labels, t.expiredTime()));
            }
        }
        return List.of(usd.build(), ratio.build(), expiry.build());
    }

    private List<MetricSnapshot> userSeries(List<SelectedUser> users) {
        GaugeSnapshot.Builder usd = GaugeSnapshot.builder()
                .name("newapi_user_remaining_usd")
                .help("Remaining quota in USD of the users that are low (lowest first, at most ACCOUNT_SERIES_LIMIT).");
        GaugeSnapshot.Builder ratio = GaugeSnapshot.builder()
                .name("newapi_user_remaining_ratio")
                .help("quota / (quota + used_quota) of the same users, 0..1.");
        for (SelectedUser s : users) {
            User u = s.user();
            Labels labels = Labels.of("user_id", Long.toString(u.id()), "username", u.username(), "group", u.group());
            usd.dataPoint(gauge(labels, s.remainingUsd()));
            ratio.dataPoint(gauge(labels, s.remainingRatio()));
        }
        return List.of(usd.build(), ratio.build());
    }

    private static GaugeSnapshot byStatus(String name, String help, List<String> statuses, List<Long> counts) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        for (int i = 0; i < statuses.size(); i++) {
            b.dataPoint(gauge(Labels.of("status", statuses.get(i)), counts.get(i)));
        }
        return b.build();
    }

    private static GaugeSnapshot single(String name, String help, double value) {
        return GaugeSnapshot.builder()
                .name(name)
                .help(help)
                .dataPoint(gauge(Labels.EMPTY, value))
                .build();
    }

    private static GaugeDataPointSnapshot gauge(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
