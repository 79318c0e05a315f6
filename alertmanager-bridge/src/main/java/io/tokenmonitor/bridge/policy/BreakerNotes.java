package io.tokenmonitor.bridge.policy;

import io.tokenmonitor.bridge.breaker.BreakerOutcome;
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
        return switch (outcome.result()) {
            case DISABLED ->
                l.pick(
                        "熔断：已禁用渠道 #" + outcome.channelId() + "（status " + before + " → 2），其 abilities 已停用",
                        "Breaker: disabled channel #" + outcome.channelId() + " (status " + before
                                + " → 2) and its abilities");
            case ALREADY_DISABLED ->
                l.pick(
                        "熔断：渠道 #" + outcome.channelId() + " 已处于禁用状态（status " + before + "），未做改动",
                        "Breaker: channel #" + outcome.channelId() + " was already disabled (status " + before
                                + "); nothing changed");
            case DRY_RUN ->
                l.pick(
                        "熔断（演练模式）：本应禁用渠道 #" + outcome.channelId() + "（status " + before + "），未做改动",
                        "Breaker (dry run): would disable channel #" + outcome.channelId() + " (status " + before
                                + "); nothing changed");
            case RATE_LIMITED ->
                l.pick(
                        "熔断：未禁用渠道 #" + outcome.channelId() + "，" + outcome.detail(),
                        "Breaker: did not disable channel #" + outcome.channelId() + ": " + outcome.detail());
            case FAILED ->
                l.pick(
                        "熔断：禁用渠道 #" + outcome.channelId() + " 失败：" + outcome.detail(),
                        "Breaker: disabling channel #" + outcome.channelId() + " failed: " + outcome.detail());
            case NOT_FOUND ->
                l.pick(
                        "熔断：网关数据库中没有渠道 #" + outcome.channelId(),
                        "Breaker: channel #" + outcome.channelId() + " does not exist in the gateway database");
            case NOT_ALLOWED ->
                l.pick(
                        "熔断：已拒绝，未禁用渠道 #" + outcome.channelId() + "：告警不在 breaker.alert_names 中，只有其中的告警可以请求熔断",
                        "Breaker: refused, channel #" + outcome.channelId() + " not disabled: the alert is not in"
                                + " breaker.alert_names, the only alerts that may ask for it");
            case ENABLED -> l.pick("已重新启用渠道 #" + outcome.channelId(), "Re-enabled channel #" + outcome.channelId());
            case REFUSED ->
                l.pick(
                        "未重新启用渠道 #" + outcome.channelId() + "：" + outcome.detail(),
                        "Did not re-enable channel #" + outcome.channelId() + ": " + outcome.detail());
        };
    }
}
