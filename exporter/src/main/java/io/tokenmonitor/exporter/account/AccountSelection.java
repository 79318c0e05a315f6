package io.tokenmonitor.exporter.account;

import io.tokenmonitor.exporter.model.AccountThresholds;
import io.tokenmonitor.exporter.model.Token;
import io.tokenmonitor.exporter.model.User;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * What the account series show at one moment: counts over every key and user, and the few keys
 * and users that are low on quota or about to expire, at most {@link AccountThresholds#seriesLimit}
 * of each kind, lowest remaining first. So 100,000 keys make a bounded number of series.
 *
 * <p>"Low" is enabled (status 1), not soft-deleted, not unlimited, and remaining USD at or below
 * {@code LOW_QUOTA_USD} or remaining ÷ (remaining + used) at or below {@code LOW_QUOTA_RATIO}.
 * "Expiring" is enabled, not soft-deleted, and {@code expired_time} later than now but within
 * {@code EXPIRY_WARNING}.
 *
 * @param tokensByStatus keys not soft-deleted, by {@code tokens.status} 1..4 (index 0 is status 1)
 * @param usersByStatus users not soft-deleted, by {@code users.status} 1..2
 * @param lowTokens every low key, not capped
 * @param expiringTokens every expiring key, not capped
 * @param lowUsers every low user, not capped
 * @param tokens the keys with series of their own (low or expiring), lowest remaining first
 * @param users the users with series of their own (low), lowest remaining first
 * @param omittedTokens low or expiring keys left out by the cap
 * @param omittedUsers low users left out by the cap
 */
public record AccountSelection(
        List<Long> tokensByStatus,
        List<Long> usersByStatus,
        long lowTokens,
        long expiringTokens,
        long lowUsers,
        List<SelectedToken> tokens,
        List<SelectedUser> users,
        long omittedTokens,
        long omittedUsers) {

    public AccountSelection {
        tokensByStatus = List.copyOf(tokensByStatus);
        usersByStatus = List.copyOf(usersByStatus);
        tokens = List.copyOf(tokens);
        users = List.copyOf(users);
    }

    public static final int TOKEN_STATUSES = 4;
    public static final int USER_STATUSES = 2;

    /**
     * A key with series of its own.
     *
     * @param remainingUsd remain_quota ÷ QuotaPerUnit; NaN for an unlimited key
     * @param remainingRatio remain ÷ (remain + used), 0..1; NaN for an unlimited key
     * @param expiring whether it expires within the warning (then its expiry is published)
     */
    public record SelectedToken(
            Token token, String username, double remainingUsd, double remainingRatio, boolean low, boolean expiring) {}

    /** A user with series of its own. */
    public record SelectedUser(User user, double remainingUsd, double remainingRatio) {}

    /** Lowest remaining first (unlimited keys last), then the soonest expiry, then the id. */
    private static final Comparator<SelectedToken> TOKEN_ORDER = Comparator.comparingDouble(
                    (SelectedToken s) -> Double.isNaN(s.remainingUsd()) ? Double.POSITIVE_INFINITY : s.remainingUsd())
            .thenComparingLong(s -> s.token().expiredTime() == Token.NEVER_EXPIRES
                    ? Long.MAX_VALUE
                    : s.token().expiredTime())
            .thenComparingLong(s -> s.token().id());

    private static final Comparator<SelectedUser> USER_ORDER = Comparator.comparingDouble(SelectedUser::remainingUsd)
            .thenComparingLong(s -> s.user().id());

    /** Selects from {@code state} with the thresholds, at {@code nowSeconds}. */
    public static AccountSelection of(
            AccountState state, AccountThresholds thresholds, double quotaPerUnit, long nowSeconds) {
        long[] tokensByStatus = new long[TOKEN_STATUSES];
        long lowTokens = 0;
        long expiringTokens = 0;
        long candidates = 0;
        long warning = thresholds.expiryWarning().toSeconds();
        int limit = thresholds.seriesLimit();
        // The `limit` lowest, kept in a heap whose head is the highest of them: 100,000 keys are never sorted.
        PriorityQueue<SelectedToken> keptTokens = new PriorityQueue<>(limit + 1, TOKEN_ORDER.reversed());
        for (Token t : state.tokens()) {
            if (t.deleted()) {
                continue;
            }
            if (t.status() >= 1 && t.status() <= TOKEN_STATUSES) {
                tokensByStatus[t.status() - 1]++;
            }
            if (t.status() != Token.ENABLED) {
                continue;
            }
            double usd = t.unlimitedQuota() ? Double.NaN : t.remainQuota() / quotaPerUnit;
            double ratio = t.unlimitedQuota() ? Double.NaN : ratio(t.remainQuota(), t.usedQuota());
            boolean low = !t.unlimitedQuota() && isLow(usd, ratio, thresholds);
            boolean expiring = t.expiredTime() != Token.NEVER_EXPIRES
                    && t.expiredTime() > nowSeconds
                    && t.expiredTime() - nowSeconds <= warning;
            lowTokens += low ? 1 : 0;
            expiringTokens += expiring ? 1 : 0;
            if (low || expiring) {
                candidates++;
                keep(keptTokens, new SelectedToken(t, "", usd, ratio, low, expiring), limit, TOKEN_ORDER);
            }
        }
        long[] usersByStatus = new long[USER_STATUSES];
        long lowUsers = 0;
        PriorityQueue<SelectedUser> keptUsers = new PriorityQueue<>(limit + 1, USER_ORDER.reversed());
        for (User u : state.users()) {
            if (u.deleted()) {
                continue;
            }
            if (u.status() >= 1 && u.status() <= USER_STATUSES) {
                usersByStatus[u.status() - 1]++;
            }
            if (u.status() != User.ENABLED) {
                continue;
            }
            double usd = u.quota() / quotaPerUnit;
            double ratio = ratio(u.quota(), u.usedQuota());
            if (isLow(usd, ratio, thresholds)) {
                lowUsers++;
                keep(keptUsers, new SelectedUser(u, usd, ratio), limit, USER_ORDER);
            }
        }
        List<SelectedToken> tokens = withUsernames(sorted(keptTokens, TOKEN_ORDER), state.users());
        List<SelectedUser> users = sorted(keptUsers, USER_ORDER);
        return new AccountSelection(
                Arrays.stream(tokensByStatus).boxed().toList(),
                Arrays.stream(usersByStatus).boxed().toList(),
                lowTokens,
                expiringTokens,
                lowUsers,
                tokens,
                users,
                candidates - tokens.size(),
                lowUsers - users.size());
    }

    private static boolean isLow(double usd, double ratio, AccountThresholds thresholds) {
        return usd <= thresholds.lowQuotaUsd() || ratio <= thresholds.lowQuotaRatio();
    }

    /** What is left of all it had, 0..1; 0 for an account that never had any. */
    private static double ratio(long remaining, long used) {
        long had = Math.max(remaining, 0) + Math.max(used, 0);
        return had <= 0 ? 0 : Math.max(remaining, 0) / (double) had;
    }

    private static <T> void keep(PriorityQueue<T> kept, T candidate, int limit, Comparator<T> order) {
        if (limit <= 0) {
            return;
        }
        if (kept.size() < limit) {
            kept.add(candidate);
        } else if (order.compare(candidate, kept.peek()) < 0) {
            kept.poll();
            kept.add(candidate);
        }
    }

    private static <T> List<T> sorted(PriorityQueue<T> kept, Comparator<T> order) {
        List<T> list = new ArrayList<>(kept);
        list.sort(order);
        return list;
    }

    /** The owners' usernames, looked up for the selected keys only. */
    private static List<SelectedToken> withUsernames(List<SelectedToken> tokens, List<User> users) {
        Set<Long> owners = new HashSet<>();
        tokens.forEach(s -> owners.add(s.token().userId()));
        Map<Long, String> names = new HashMap<>();
        for (User u : users) {
            if (owners.contains(u.id())) {
                names.put(u.id(), u.username());
            }
        }
        return tokens.stream()
                .map(s -> new SelectedToken(
                        s.token(),
                        names.getOrDefault(s.token().userId(), ""),
                        s.remainingUsd(),
                        s.remainingRatio(),
                        s.low(),
                        s.expiring()))
                .toList();
    }
}
