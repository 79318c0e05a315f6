package io.tokenmonitor.bridge.breaker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmonitor.bridge.state.StateStore;
import io.tokenmonitor.common.config.Secret;
import io.tokenmonitor.common.gateway.GatewayDsn;
import io.tokenmonitor.common.time.PromDuration;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongConsumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Switches a gateway channel, API key or user off (status 2) the way the gateway does, in one transaction in the
 * gateway's main database; what is written per table is a {@link GatewayTable}'s (a channel's abilities and
 * {@code other_info} too). Idempotent, rate-limited (per kind overall and per row), dry-run capable, acts only for
 * the configured alert names, and every attempt is audited.
 *
 * <p>The audit row lives in bridge.db, the write in the gateway database: no transaction spans both. So a write is
 * bracketed: inside the gateway transaction, once the target's row is locked and just before the UPDATEs, the intent
 * (status before, the reason) is committed to bridge.db as a {@code pending} row; after the gateway commits (or rolls
 * back), that row is completed with the outcome. A crash leaves either no row (the gateway transaction had not
 * reached its write, and rolls back with the connection) or a pending one, which {@link #reconcile()} completes from
 * the row's status under the same row lock: the status changed as intended (and, for New API channels,
 * {@code other_info} carries this attempt's reason) means the transaction committed, anything else means it did not.
 * Pending rows count against the limits until then. What stays ambiguous: a crash, then someone else changing that
 * row the same way before the bridge restarts (keys, users and One API channels keep no reason to tell).
 */
public final class Breaker {
    private static final Logger LOG = LoggerFactory.getLogger(Breaker.class);
    private static final Duration LIMIT_WINDOW = Duration.ofHours(1);
    private static final int GATEWAY_BUSY_TIMEOUT_MILLIS = 5_000;
    /** Fail fast if the gateway database hangs: a breaker attempt must not hold up notifications for long. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(15);
    private static final int MAX_DETAIL_CHARS = 200;
    /** Enabled and disabled (by hand) in channels, tokens and users alike. */
    static final int ENABLED = 1;

    static final int DISABLED = 2;

    private final GatewayDsn dsn;
    private final StateStore state;
    private final BreakerAudit audit;
    private final boolean dryRun;
    private final Map<Target.Kind, BreakerLimit> limits;
    private final Set<String> alertNames;
    private final Optional<String> gatewayLabel;
    private final Clock clock;
    private final Map<Target.Kind, GatewayTable> tables = new EnumMap<>(Target.Kind.class);

    public Breaker(
            GatewayDsn dsn,
            StateStore state,
            BreakerAudit audit,
            boolean dryRun,
            Map<Target.Kind, BreakerLimit> limits,
            Set<String> alertNames,
            Optional<String> gatewayLabel,
            Clock clock,
            ObjectMapper json) {
        this.dsn = dsn;
        this.state = state;
        this.audit = audit;
        this.dryRun = dryRun;
        this.limits = Map.copyOf(limits);
        for (Target.Kind kind : Target.Kind.values()) {
            if (!this.limits.containsKey(kind)) {
                throw new IllegalArgumentException("no breaker limit for " + kind.label());
            }
        }
        this.alertNames = Set.copyOf(alertNames);
        this.gatewayLabel = gatewayLabel;
        this.clock = clock;
        tables.put(Target.Kind.CHANNEL, new ChannelTable(json));
        tables.put(Target.Kind.TOKEN, new TokenTable());
        tables.put(Target.Kind.USER, new UserTable());
    }

    /** The breaker of {@code settings} on its gateway database. */
    public static Breaker of(
            BreakerSettings settings, GatewayDsn dsn, StateStore state, Clock clock, ObjectMapper json) {
        return new Breaker(
                dsn,
                state,
                new BreakerAudit(),
                settings.dryRun(),
                settings.limits(),
                settings.alertNames(),
                settings.gatewayLabel(),
                clock,
                json);
    }

    /**
     * Switches the target off for a firing alert, named by its key (Alertmanager's fingerprint) and its alertname for
     * the audit and the reason; the outcome says what happened (throws only when the state database cannot be
     * written).
     */
    public BreakerOutcome trip(Target target, String alertKey, String alertName) {
        return trip(target, alertKey, alertName, Optional.empty());
    }

    /** {@link #trip(Target, String, String)} for an alert with this {@code gateway} label (empty: none). */
    public BreakerOutcome trip(Target target, String alertKey, String alertName, Optional<String> alertGateway) {
        reconcile();
        Instant now = clock.instant();
        BreakerOutcome outcome;
        OptionalLong[] intent = {OptionalLong.empty()};
        if (!alertNames.contains(alertName)) {
            outcome = outcome(
                    BreakerOutcome.Result.NOT_ALLOWED,
                    target,
                    null,
                    null,
                    "alert " + alertName + " is not in breaker.alert_names",
                    Optional.empty());
        } else if (gatewayLabel.isPresent() && !gatewayLabel.equals(alertGateway)) {
            outcome = outcome(
                    BreakerOutcome.Result.OTHER_GATEWAY,
                    target,
                    null,
                    null,
                    "the alert is from gateway "
                            + alertGateway.map(g -> "\"" + g + "\"").orElse("(none: no gateway label)")
                            + "; this breaker acts on gateway \"" + gatewayLabel.get() + "\" only (breaker.gateway)",
                    Optional.empty());
        } else {
            try {
                outcome = gateway()
                        .inTransaction(h ->
                                disable(h, target, alertKey, alertName, now, id -> intent[0] = OptionalLong.of(id)));
            } catch (SQLException | RuntimeException e) {
                outcome = new BreakerOutcome(
                        BreakerOutcome.Result.FAILED, target, Optional.empty(), Optional.empty(), oneLine(e));
            }
        }
        outcome = finish(intent[0], now, "disable", outcome, Optional.of(alertKey), Optional.of(alertName));
        LOG.info(
                "breaker: {} for alert {} ({}): {}{}",
                target,
                alertName,
                alertKey,
                outcome.result().label(),
                outcome.detail().isEmpty() ? "" : " - " + outcome.detail());
        return outcome;
    }

    /**
     * Completes the attempt's intent with its outcome, or records the outcome when there was no intent. A failure
     * after the intent may have come at the commit itself (a lost connection), when only the row's status can tell
     * whether it committed: such an intent is settled from that status now, or by {@link #reconcile()} at the next
     * run if the gateway cannot be read.
     */
    private BreakerOutcome finish(
            OptionalLong intent,
            Instant now,
            String action,
            BreakerOutcome outcome,
            Optional<String> alertKey,
            Optional<String> alertName) {
        if (intent.isPresent() && outcome.result() == BreakerOutcome.Result.FAILED) {
            long id = intent.getAsLong();
            Optional<BreakerOutcome> settled = state.read(audit::pending).stream()
                    .filter(i -> i.id() == id)
                    .findFirst()
                    .flatMap(i -> settle(i, outcome.detail()));
            return settled.orElse(new BreakerOutcome(
                    outcome.result(),
                    outcome.target(),
                    outcome.statusBefore(),
                    outcome.statusAfter(),
                    outcome.detail() + "; whether the gateway committed is settled from its status at the next run"));
        }
        state.write(h -> {
            if (intent.isPresent()) {
                // False when a concurrent enable's reconcile completed it first, from the same row status.
                audit.complete(h, intent.getAsLong(), outcome);
            } else {
                audit.record(h, now, action, outcome, alertKey, alertName);
            }
            return null;
        });
        return outcome;
    }

    /**
     * Completes every intent that a crash left pending (see the class comment), reading each row's status under its
     * lock; an intent whose gateway cannot be read now stays pending for the next call. Throws only when the state
     * database cannot be written.
     */
    public void reconcile() {
        List<BreakerAudit.Intent> pending;
        try {
            pending = state.read(audit::pending);
        } catch (RuntimeException e) {
            LOG.warn("breaker: cannot read pending audit rows from the state database, next try later: {}", oneLine(e));
            return;
        }
        for (BreakerAudit.Intent intent : pending) {
            settle(intent, "interrupted (the bridge stopped mid-way)")
                    .ifPresent(outcome -> LOG.warn(
                            "breaker: an interrupted {} of {} was completed as {}: {}",
                            intent.action(),
                            intent.target(),
                            outcome.result().label(),
                            outcome.detail()));
        }
    }

    /** Completes one intent from the row's status now; empty (and still pending) when the gateway cannot be read. */
    private Optional<BreakerOutcome> settle(BreakerAudit.Intent intent, String cause) {
        BreakerOutcome outcome;
        try {
            outcome = gateway().inTransaction(h -> fromStatus(h, intent, cause));
        } catch (SQLException | RuntimeException e) {
            LOG.warn(
                    "breaker: cannot read {} to complete an unfinished {}, next try at the next breaker run: {}",
                    intent.target(),
                    intent.action(),
                    oneLine(e));
            return Optional.empty();
        }
        state.write(h -> audit.complete(h, intent.id(), outcome));
        return Optional.of(outcome);
    }

    /** What an unfinished intent did, from the target's row (locked, so a concurrent attempt has finished). */
    private BreakerOutcome fromStatus(Handle h, BreakerAudit.Intent intent, String cause) throws SQLException {
        Target target = intent.target();
        GatewayTable table = tables.get(target.kind());
        Optional<GatewayRow> row = table.lock(h, target.id(), lockClause());
        boolean disable = intent.action().equals("disable");
        int intended = disable ? DISABLED : ENABLED;
        if (row.isEmpty()) {
            return outcome(
                    BreakerOutcome.Result.NOT_FOUND,
                    target,
                    null,
                    null,
                    cause + "; " + target.kind().noun() + " gone",
                    Optional.empty());
        }
        int now = row.get().status();
        if (now == intended && table.carries(row.get(), intent.reason())) {
            return outcome(
                    disable ? BreakerOutcome.Result.DISABLED : BreakerOutcome.Result.ENABLED,
                    target,
                    intent.statusBefore(),
                    intended,
                    cause + "; the gateway had committed: the " + target.kind().noun() + "'s status is " + now,
                    row.get().name());
        }
        return outcome(
                BreakerOutcome.Result.FAILED,
                target,
                now,
                now,
                cause + "; the gateway had not committed: the " + target.kind().noun() + "'s status is " + now,
                row.get().name());
    }

    /** Re-enables a target, but only one the breaker itself disabled (per the audit) and still at status 2. */
    public BreakerOutcome enable(Target target) {
        reconcile();
        Instant now = clock.instant();
        BreakerOutcome outcome;
        OptionalLong[] intent = {OptionalLong.empty()};
        if (!state.read(h -> audit.disabledByBreaker(h, target))) {
            outcome = new BreakerOutcome(
                    BreakerOutcome.Result.REFUSED,
                    target,
                    Optional.empty(),
                    Optional.empty(),
                    "the breaker did not disable it (no such entry in breaker_audit), so it is not ours to enable");
        } else {
            try {
                outcome = gateway().inTransaction(h -> reenable(h, target, now, id -> intent[0] = OptionalLong.of(id)));
            } catch (SQLException | RuntimeException e) {
                outcome = new BreakerOutcome(
                        BreakerOutcome.Result.FAILED, target, Optional.empty(), Optional.empty(), oneLine(e));
            }
        }
        return finish(intent[0], now, "enable", outcome, Optional.empty(), Optional.empty());
    }

    private BreakerOutcome disable(
            Handle h, Target target, String alertKey, String alertName, Instant now, LongConsumer intended)
            throws SQLException {
        GatewayTable table = tables.get(target.kind());
        Optional<GatewayRow> found = table.lock(h, target.id(), lockClause());
        if (found.isEmpty()) {
            return outcome(BreakerOutcome.Result.NOT_FOUND, target, null, null, "", Optional.empty());
        }
        GatewayRow row = found.get();
        int before = row.status();
        if (before != ENABLED) {
            return outcome(BreakerOutcome.Result.ALREADY_DISABLED, target, before, before, "", row.name());
        }
        if (row.refusal().isPresent()) {
            return outcome(
                    BreakerOutcome.Result.REFUSED,
                    target,
                    before,
                    before,
                    row.refusal().get(),
                    row.name());
        }
        Optional<String> limited = limited(target, now);
        if (limited.isPresent()) {
            return outcome(BreakerOutcome.Result.RATE_LIMITED, target, before, before, limited.get(), row.name());
        }
        if (dryRun) {
            return outcome(BreakerOutcome.Result.DRY_RUN, target, before, before, "breaker.dry_run=true", row.name());
        }
        String reason = "token-monitor breaker: alert " + alertName + " (" + alertKey + ")";
        // The row is locked: commit the intent to bridge.db before the gateway write (class comment).
        intended.accept(state.write(s -> audit.intend(
                s, now, "disable", target, Optional.of(alertKey), Optional.of(alertName), before, reason)));
        if (table.setStatus(h, target.id(), row, ENABLED, DISABLED, reason, now) == 0) {
            return outcome(
                    BreakerOutcome.Result.ALREADY_DISABLED, target, before, null, "changed concurrently", row.name());
        }
        return outcome(BreakerOutcome.Result.DISABLED, target, before, DISABLED, "", row.name());
    }

    /** Why the limits of the target's kind forbid disabling it now, or empty. */
    private Optional<String> limited(Target target, Instant now) {
        BreakerLimit limit = limits.get(target.kind());
        int recent = state.read(s -> audit.disabledSince(s, target.kind(), now.minus(LIMIT_WINDOW)));
        if (recent >= limit.maxPerHour()) {
            return Optional.of(recent + " " + target.kind().noun() + "(s) disabled in the last hour, limit "
                    + BreakerLimit.maxKey(target.kind()) + "=" + limit.maxPerHour());
        }
        if (!limit.interval().isZero()) {
            Instant since = now.minus(limit.interval());
            if (state.read(s -> audit.targetDisabledSince(s, target, since)) > 0) {
                return Optional.of(target + " was already disabled by the breaker within "
                        + BreakerLimit.intervalKey(target.kind()) + "=" + PromDuration.format(limit.interval()));
            }
        }
        return Optional.empty();
    }

    private BreakerOutcome reenable(Handle h, Target target, Instant now, LongConsumer intended) throws SQLException {
        GatewayTable table = tables.get(target.kind());
        Optional<GatewayRow> found = table.lock(h, target.id(), lockClause());
        if (found.isEmpty()) {
            return outcome(BreakerOutcome.Result.NOT_FOUND, target, null, null, "", Optional.empty());
        }
        GatewayRow row = found.get();
        int before = row.status();
        if (before != DISABLED) {
            return outcome(
                    BreakerOutcome.Result.REFUSED,
                    target,
                    before,
                    before,
                    "its status is " + before + ", not 2; someone changed it after the breaker",
                    row.name());
        }
        String note =
                "re-enabled with token-monitor-bridge enable-" + target.kind().label();
        intended.accept(state.write(
                s -> audit.intend(s, now, "enable", target, Optional.empty(), Optional.empty(), before, note)));
        if (table.setStatus(h, target.id(), row, DISABLED, ENABLED, note, now) == 0) {
            return outcome(BreakerOutcome.Result.REFUSED, target, before, null, "changed concurrently", row.name());
        }
        return outcome(BreakerOutcome.Result.ENABLED, target, before, ENABLED, "", row.name());
    }

    /** Lock the row so that a concurrent gateway update cannot slip between the read and the write. */
    private String lockClause() {
        return dsn.dialect() == GatewayDsn.Dialect.SQLITE ? "" : " FOR UPDATE";
    }

    private Jdbi gateway() {
        if (dsn.dialect() == GatewayDsn.Dialect.SQLITE) {
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout(GATEWAY_BUSY_TIMEOUT_MILLIS);
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            SQLiteDataSource source = new SQLiteDataSource(config);
            source.setUrl(dsn.jdbcUrl());
            return Jdbi.create(source);
        }
        String url = dsn.jdbcUrl(driverOptions(dsn.dialect()));
        return dsn.user().isPresent()
                ? Jdbi.create(
                        url, dsn.user().get(), dsn.password().map(Secret::value).orElse(""))
                : Jdbi.create(url);
    }

    /** The breaker's own driver options: short timeouts (the DSN's own options win over them). */
    static Map<String, String> driverOptions(GatewayDsn.Dialect dialect) {
        return dialect.timeoutOptions(CONNECT_TIMEOUT, SOCKET_TIMEOUT);
    }

    private static BreakerOutcome outcome(
            BreakerOutcome.Result result,
            Target target,
            Integer before,
            Integer after,
            String detail,
            Optional<String> name) {
        return new BreakerOutcome(
                result, target, Optional.ofNullable(before), Optional.ofNullable(after), detail, name);
    }

    private static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        String line = message.lines().findFirst().orElse("").strip();
        return line.length() > MAX_DETAIL_CHARS ? line.substring(0, MAX_DETAIL_CHARS) + "…" : line;
    }
}
