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
    /** DingTalk custom robot: 20 messages a minute; over that it locks the robot out for 10 minutes. */
    public static final List<SendRate> DINGTALK = List.of(new SendRate(20, Duration.ofMinutes(1)));
    /** Slack incoming webhook: 1 message per second per webhook, short bursts tolerated. */
    public static final List<SendRate> SLACK = List.of(new SendRate(1, Duration.ofSeconds(1)));
    /** Discord webhook: 5 requests per 2 seconds, and 30 messages a minute per channel. */
    public static final List<SendRate> DISCORD =
            List.of(new SendRate(5, Duration.ofSeconds(2)), new SendRate(30, Duration.ofMinutes(1)));
    /** A generic webhook has no documented limit; its 429 and Retry-After still pace the outbox. */
    public static final List<SendRate> WEBHOOK = List.of();
    /**
     * E-mail: relays throttle senders (Exchange Online allows 30 messages a minute), and a mail storm reads worse
     * than a short delay.
     */
    public static final List<SendRate> EMAIL = List.of(new SendRate(30, Duration.ofMinutes(1)));
}
