package io.tokenmonitor.bridge;

import io.tokenmonitor.bridge.outbox.Outbox;
import io.tokenmonitor.bridge.policy.Cooldown;
import io.tokenmonitor.bridge.policy.SeenEvents;
import io.tokenmonitor.bridge.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Deletes state nobody needs any more: delivered and dead messages past retention, old dedup keys and cooldowns. */
final class Housekeeping implements Runnable {
    private final StateStore store;
    private final Outbox outbox;
    private final SeenEvents seen;
    private final Cooldown cooldown;
    private final Duration retention;
    private final Clock clock;

    Housekeeping(StateStore store, Outbox outbox, SeenEvents seen, Cooldown cooldown, Duration retention, Clock clock) {
        this.store = store;
        this.outbox = outbox;
        this.seen = seen;
        this.cooldown = cooldown;
        this.retention = retention;
        this.clock = clock;
    }

    @Override
    public void run() {
        Instant now = clock.instant();
        store.write(h -> {
            outbox.prune(h, now.minus(retention));
            seen.prune(h, now);
            cooldown.prune(h, now.minus(retention));
            return null;
        });
    }
}
