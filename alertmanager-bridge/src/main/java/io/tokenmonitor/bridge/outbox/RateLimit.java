package io.tokenmonitor.bridge.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Sliding-window send limits of one target (for example 1 per second and 20 per minute); one worker owns it. */
public final class RateLimit {
    /** At most {@code count} sends in any window of length {@code per}. */
    public record Rule(int count, Duration per) {
    }

    /** Telegram: about 1 message per second per chat and 20 per minute in a group (Bot FAQ). */
    public static final List<Rule> TELEGRAM = List.of(new Rule(1, Duration.ofSeconds(1)), new Rule(20, Duration.ofMinutes(1)));
    /** Feishu custom bot: 5 per second and 100 per minute. */
    public static final List<Rule> FEISHU = List.of(new Rule(5, Duration.ofSeconds(1)), new Rule(100, Duration.ofMinutes(1)));
    /** WeCom group bot: 20 messages per minute. */
    public static final List<Rule> WECOM = List.of(new Rule(20, Duration.ofMinutes(1)));

    private final List<Rule> rules;
    private final int remember;
    private final List<Instant> recent = new ArrayList<>();

    public RateLimit(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        this.remember = rules.stream().mapToInt(Rule::count).max().orElse(0);
    }

    /** The earliest instant at or after {@code now} at which one more send keeps every rule. */
    public Instant nextSlot(Instant now) {
        Instant slot = now;
        for (Rule rule : rules) {
            if (recent.size() >= rule.count()) {
                Instant free = recent.get(recent.size() - rule.count()).plus(rule.per());
                if (free.isAfter(slot)) {
                    slot = free;
                }
            }
        }
        return slot;
    }

    /** Records a send at {@code at}. */
    public void record(Instant at) {
        recent.add(at);
        if (recent.size() > remember) {
            recent.remove(0);
        }
    }
}
