package io.tokenmonitor.bridge.notify;

import java.time.Duration;
import java.util.List;

/** A platform's documented send limit: at most {@code count} messages in any window of length {@code per}. */
public record SendRate(int count, Duration per) {
    /** Telegram: about 1 message per second per chat and 20 per minute in a group (Bot FAQ). */
    public static final List<SendRate> TELEGRAM =
            List.of(new SendRate(1, Duration.ofSeconds(1)), new SendRate(20, Duration.ofMinutes(1)));
    /** Feishu custom bot: 5 per second and 100 per minute. */
    public static final List<SendRate> FEISHU =
            List.of(new SendRate(5, Duration.ofSeconds(1)), new SendRate(100, Duration.ofMinutes(1)));
    /** WeCom group bot: 20 messages per minute. */
    public static final List<SendRate> WECOM = List.of(new SendRate(20, Duration.ofMinutes(1)));
}
