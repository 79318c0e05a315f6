package io.tokenmonitor.bridge.breaker;

import io.tokenmonitor.bridge.notify.Language;
import java.util.Locale;
import java.util.Optional;

/** What one breaker attempt (or one manual re-enable) did, with the channel status before and after. */
public record BreakerOutcome(Result result, long channelId, Optional<Integer> statusBefore,
                             Optional<Integer> statusAfter, String detail) {

    /** Results; the lower-case names are the values of the {@code result} metric label. */
    public enum Result {
        DISABLED, ALREADY_DISABLED, DRY_RUN, RATE_LIMITED, FAILED, NOT_FOUND, ENABLED, REFUSED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One sentence for the notification, saying what the breaker did or why it did not. */
    public String describe(Language l) {
        String before = statusBefore.map(String::valueOf).orElse("?");
        return switch (result) {
            case DISABLED -> l.pick("熔断：已禁用渠道 #" + channelId + "（status " + before + " → 2），其 abilities 已停用",
                    "Breaker: disabled channel #" + channelId + " (status " + before + " → 2) and its abilities");
            case ALREADY_DISABLED -> l.pick("熔断：渠道 #" + channelId + " 已处于禁用状态（status " + before + "），未做改动",
                    "Breaker: channel #" + channelId + " was already disabled (status " + before + "); nothing changed");
            case DRY_RUN -> l.pick("熔断（演练模式）：本应禁用渠道 #" + channelId + "（status " + before + "），未做改动",
                    "Breaker (dry run): would disable channel #" + channelId + " (status " + before + "); nothing changed");
            case RATE_LIMITED -> l.pick("熔断：未禁用渠道 #" + channelId + "，" + detail,
                    "Breaker: did not disable channel #" + channelId + ": " + detail);
            case FAILED -> l.pick("熔断：禁用渠道 #" + channelId + " 失败：" + detail,
                    "Breaker: disabling channel #" + channelId + " failed: " + detail);
            case NOT_FOUND -> l.pick("熔断：网关数据库中没有渠道 #" + channelId,
                    "Breaker: channel #" + channelId + " does not exist in the gateway database");
            case ENABLED -> l.pick("已重新启用渠道 #" + channelId, "Re-enabled channel #" + channelId);
            case REFUSED -> l.pick("未重新启用渠道 #" + channelId + "：" + detail,
                    "Did not re-enable channel #" + channelId + ": " + detail);
        };
    }
}
