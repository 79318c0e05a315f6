package io.tokenmonitor.common.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows down password guessing: after {@code maxFailures} wrong logins from one client address within
 * {@code window}, that address is refused (HTTP 429) until the oldest of those failures is older than the window.
 * A right password does not reset the count, so interleaving one known login does not buy more guesses.
 *
 * <p>Bounded: at most {@code maxClients} addresses are tracked (the least recently failing is forgotten first), so
 * a flood of addresses cannot grow the memory. Thread-safe.
 */
public final class LoginThrottle {
    public static final int DEFAULT_MAX_FAILURES = 10;
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
    private static final int DEFAULT_MAX_CLIENTS = 10_000;

    private final int maxFailures;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures;

    public LoginThrottle(Clock clock) {
        this(DEFAULT_MAX_FAILURES, DEFAULT_WINDOW, DEFAULT_MAX_CLIENTS, clock);
    }

    public LoginThrottle(int maxFailures, Duration window, int maxClients, Clock clock) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = clock;
        this.failures = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Deque<Instant>> eldest) {
                return size() > maxClients;
            }
        };
    }

    /** How long {@code client} must wait before its credentials are checked again; zero when it may try now. */
    public synchronized Duration waitFor(String client) {
        Deque<Instant> times = failures.get(client);
        if (times == null) {
            return Duration.ZERO;
        }
        Instant now = clock.instant();
        expire(times, now);
        if (times.isEmpty()) {
            failures.remove(client);
            return Duration.ZERO;
        }
        if (times.size() < maxFailures) {
            return Duration.ZERO;
        }
        return Duration.between(now, times.peekFirst().plus(window));
    }

    /** Records a wrong login from {@code client}. */
    public synchronized void failed(String client) {
        Instant now = clock.instant();
        Deque<Instant> times = failures.computeIfAbsent(client, c -> new ArrayDeque<>());
        expire(times, now);
        times.addLast(now);
        while (times.size() > maxFailures) {
            times.removeFirst();
        }
    }

    private void expire(Deque<Instant> times, Instant now) {
        while (!times.isEmpty() && !times.peekFirst().plus(window).isAfter(now)) {
            times.removeFirst();
        }
    }
}
