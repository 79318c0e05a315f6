package io.tokenmonitor.bridge.policy;

import io.tokenmonitor.bridge.breaker.BreakerOutcome;
import io.tokenmonitor.bridge.breaker.Target;
import io.tokenmonitor.bridge.notify.Language;

/**
 * The sentence a notification carries about what the breaker did. It lives with the policy that writes the
 * notification, so the breaker reports outcomes and knows nothing of messages or languages.
 */
final class BreakerNotes {
    private BreakerNotes() {}

    /** One sentence for the notification, saying what the breaker did or why it did not. */
    static String describe(BreakerOutcome outcome, Language l) {
        String before = outcome.statusBefore().map(String::valueOf).orElse("?");
        Target target = outcome.target();
        String en = target.kind().noun() + " #" + target.id()
                + outcome.name().map(n -> " \"" + n + "\"").orElse("");
        String zh = target.kind().nounZh() + " #" + target.id()
                + outcome.name().map(n -> "「" + n + "」").orElse("");
        return switch (outcome.result()) {
            case DISABLED -> disabled(outcome, before, en, zh, l);
            case ALREADY_DISABLED ->
                l.pick(
                        "熔断：" + zh + " 已处于禁用状态（status " + before + "），未做改动",
                        "Breaker: " + en + " was already disabled (status " + before + "); nothing changed");
            case DRY_RUN ->
                l.pick(
                        "熔断（演练模式）：本应禁用" + zh + "（status " + before + "），未做改动",
                        "Breaker (dry run): would disable " + en + " (status " + before + "); nothing changed");
            case RATE_LIMITED ->
                l.pick(
                        "熔断：未禁用" + zh + "，" + outcome.detail(),
                        "Breaker: did not disable " + en + ": " + outcome.detail());
            case FAILED ->
                l.pick(
                        "熔断：禁用" + zh + " 失败：" + outcome.detail(),
                        "Breaker: disabling " + en + " failed: " + outcome.detail());
            case NOT_FOUND -> l.pick("熔断：网关数据库中没有" + zh, "Breaker: " + en + " does not exist in the gateway database");
            case NOT_ALLOWED ->
                l.pick(
                        "熔断：已拒绝，未禁用" + zh + "：告警不在 breaker.alert_names 中，只有其中的告警可以请求熔断",
                        "Breaker: refused, " + en + " not disabled: the alert is not in"
                                + " breaker.alert_names, the only alerts that may ask for it");
            case OTHER_GATEWAY ->
                l.pick(
                        "熔断：已拒绝，未禁用" + zh + "：" + outcome.detail(),
                        "Breaker: refused, " + en + " not disabled: " + outcome.detail());
            case ENABLED -> l.pick("已重新启用" + zh, "Re-enabled " + en);
            case REFUSED ->
                l.pick(
                        "熔断：未禁用" + zh + "：" + outcome.detail(),
                        "Breaker: did not disable " + en + ": " + outcome.detail());
        };
    }

    /**
     * What was switched off, when the gateway notices and how to undo it. New API and One API check a key's and its
     * user's status on every request, but with Redis on (REDIS_CONN_STRING) they read both from a Redis copy that a
     * direct database write does not touch: the copy expires after SYNC_FREQUENCY seconds (New API: 60 when unset
     * with Redis, common/redis.go; token_cache.go, user_cache.go; One API: 600, common/config/config.go,
     * model/cache.go). Channels follow the gateway's channel cache, as before.
     */
    private static String disabled(BreakerOutcome outcome, String before, String en, String zh, Language l) {
        Target target = outcome.target();
        String table = target.kind() == Target.Kind.TOKEN ? "tokens" : "users";
        String sql = "UPDATE " + table + " SET status = 1 WHERE id = " + target.id() + " AND status = 2";
        String api = "/api/v1/" + table + "/" + target.id() + "/enable";
        return switch (target.kind()) {
            case CHANNEL ->
                l.pick(
                        "熔断：已禁用" + zh + "（status " + before + " → 2），其 abilities 已停用",
                        "Breaker: disabled " + en + " (status " + before + " → 2) and its abilities");
            case TOKEN, USER ->
                l.pick(
                        "熔断：已禁用" + zh + "（status " + before + " → 2）"
                                + (target.kind() == Target.Kind.USER ? "，该用户的所有令牌随之停用" : "")
                                + "。网关未启用 Redis 时立即生效；设置了 REDIS_CONN_STRING 时，网关最多在 SYNC_FREQUENCY 秒后生效"
                                + "（New API 默认 60 秒，One API 默认 600 秒）。撤销：在 bridge 控制台（/console/）点击启用，或 POST "
                                + api + "，或执行 SQL：" + sql,
                        "Breaker: disabled " + en + " (status " + before + " → 2)"
                                + (target.kind() == Target.Kind.USER ? ", and with it all of the user's keys" : "")
                                + ". The gateway refuses it at once without Redis; with REDIS_CONN_STRING set it"
                                + " serves its cached copy for up to SYNC_FREQUENCY seconds (default 60 s on New API,"
                                + " 600 s on One API). Undo: Enable on the bridge console (/console/), POST " + api
                                + ", or in SQL: " + sql);
        };
    }
}
