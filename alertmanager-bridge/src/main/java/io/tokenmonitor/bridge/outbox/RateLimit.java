package io.tokenmonitor.bridge.outbox;

import io.tokenmonitor.bridge.notify.SendRate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Sliding-window send limits of one target (for example 1 per second and 20 per minute); one worker owns it. */
public final class RateLimit {
    private final List<SendRate> rules;
    private final int remember;
    private final List<Instant> recent = new ArrayList<>();

    public RateLimit(List<SendRate> rules) {
        this.rules = List.copyOf(rules);
        this.remember = rules.stream().mapToInt(SendRate::count).max().orElse(0);
    }

    /** The earliest instant at or after {@code now} at which one more send keeps every rule. */
    public Instant nextSlot(Instant now) {
        Instant slot = now;
        for (SendRate rule : rules) {
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
