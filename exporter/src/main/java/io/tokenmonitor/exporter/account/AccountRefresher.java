package io.tokenmonitor.exporter.account;

import io.tokenmonitor.exporter.model.Token;
import io.tokenmonitor.exporter.model.User;
import io.tokenmonitor.exporter.source.AccountGrantMissing;
import io.tokenmonitor.exporter.source.AccountReader;
import io.tokenmonitor.exporter.source.SourceFailure;
import io.tokenmonitor.exporter.store.AccountChanges;
import io.tokenmonitor.exporter.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the gateway's keys and users every interval, keeps the last good state for the collector,
 * and keeps the store's copy (for the dashboards and for naming One API's rows) up to date by
 * writing only the rows that changed. A failure is logged once when it starts and once when it
 * ends; the last known state stays published.
 */
public final class AccountRefresher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AccountRefresher.class);

    private final AccountReader reader;
    private final Store store;
    private final Duration interval;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "account-refresh");
        t.setDaemon(true);
        return t;
    });
    private volatile AccountState state = AccountState.NOT_LOADED;
    private String failing;
    /** What the store's copy holds, by id; null until loaded from the store on the first refresh. */
    private Map<Long, Token> storedTokens;

    private Map<Long, User> storedUsers;

    public AccountRefresher(AccountReader reader, Store store, Duration interval, Clock clock) {
        this.reader = reader;
        this.store = store;
        this.interval = interval;
        this.clock = clock;
    }

    public AccountState state() {
        return state;
    }

    /** Reads once now (so the store's copy is current before the sync starts), then every interval. */
    public void start() {
        refreshOnce();
        scheduler.scheduleWithFixedDelay(
                this::refreshOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One read and store update; never throws (a failure keeps the last state). */
    public void refreshOnce() {
        try {
            List<Token> tokens = reader.readTokens();
            List<User> users = reader.readUsers();
            if (storedTokens == null) {
                // The copy a previous run left: an unchanged gateway then costs no writes after a restart.
                storedTokens = byId(store.loadTokens(), Token::id);
                storedUsers = byId(store.loadUsers(), User::id);
            }
            Map<Long, Token> nowTokens = byId(tokens, Token::id);
            Map<Long, User> nowUsers = byId(users, User::id);
            AccountChanges changes = new AccountChanges(
                    changed(tokens, storedTokens, Token::id),
                    gone(storedTokens, nowTokens),
                    changed(users, storedUsers, User::id),
                    gone(storedUsers, nowUsers));
            store.saveAccountChanges(changes);
            storedTokens = nowTokens;
            storedUsers = nowUsers;
            state = new AccountState(tokens, users, Math.max(1, clock.millis() / 1000));
            if (failing != null) {
                LOG.info(
                        "accounts: reading the gateway's tokens and users works again ({} keys, {} users)",
                        tokens.size(),
                        users.size());
                failing = null;
            }
        } catch (RuntimeException e) {
            String cause = e instanceof AccountGrantMissing ? e.getMessage() : SourceFailure.describe(e);
            String message = "accounts: reading the gateway's tokens and users failed: " + cause
                    + "; keeping the last known keys and users, retrying every " + interval.toSeconds()
                    + "s (ACCOUNT_REFRESH_INTERVAL=0 switches this off)";
            if (!message.equals(failing)) {
                LOG.warn(message);
                failing = message;
            }
        }
    }

    private static <T> Map<Long, T> byId(List<T> rows, Function<T, Long> id) {
        Map<Long, T> map = new HashMap<>(rows.size() * 4 / 3 + 1);
        for (T row : rows) {
            map.put(id.apply(row), row);
        }
        return map;
    }

    private static <T> List<T> changed(List<T> rows, Map<Long, T> stored, Function<T, Long> id) {
        List<T> changed = new ArrayList<>();
        for (T row : rows) {
            if (!row.equals(stored.get(id.apply(row)))) {
                changed.add(row);
            }
        }
        return changed;
    }

    private static <T> List<Long> gone(Map<Long, T> stored, Map<Long, T> now) {
        List<Long> gone = new ArrayList<>();
        for (Long id : stored.keySet()) {
            if (!now.containsKey(id)) {
                gone.add(id);
            }
        }
        return gone;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
