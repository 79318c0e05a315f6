package io.tokenmonitor.bridge.breaker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmonitor.bridge.state.StateStore;
import io.tokenmonitor.common.config.Secret;
import io.tokenmonitor.common.gateway.GatewayDsn;
import io.tokenmonitor.common.time.PromDuration;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
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
 * Disables a gateway channel the way the gateway does: {@code channels.status = 2} (with the reason in
 * {@code other_info} where that column exists) and {@code abilities.enabled = false}, in one transaction in the
 * gateway's main database. Idempotent, rate-limited (overall and per channel), dry-run capable, acts only for the
 * configured alert names, and every attempt is audited.
 *
 * <p>The audit row lives in bridge.db, the write in the gateway database: no transaction spans both. So a write is
 * bracketed: inside the gateway transaction, once the channel's row is locked and just before the UPDATEs, the intent
 * (status before, the reason written to {@code other_info}) is committed to bridge.db as a {@code pending} row; after
 * the gateway commits (or rolls back), that row is completed with the outcome. A crash leaves either no row (the
 * gateway transaction had not reached its write, and rolls back with the connection) or a pending one, which
 * {@link #reconcile()} completes from the channel's status under the same row lock: the status changed as intended
 * (and, on New API, {@code other_info} carries this attempt's reason) means the transaction committed, anything else
 * means it did not. Pending rows count against the limits until then. What stays ambiguous: a crash, then someone
 * else changing that channel before the bridge restarts (One API, which has no {@code other_info} to tell).
 */
public final class ChannelBreaker {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelBreaker.class);
    private static final Duration LIMIT_WINDOW = Duration.ofHours(1);
    private static final int GATEWAY_BUSY_TIMEOUT_MILLIS = 5_000;
    /** Fail fast if the gateway database hangs: a breaker attempt must not hold up notifications for long. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(15);
    private static final int MAX_DETAIL_CHARS = 200;

    private static final String UPDATE_STATUS =
            "UPDATE channels SET status = :after WHERE id = :id AND status = :before";
    private static final String UPDATE_STATUS_AND_INFO =
            "UPDATE channels SET status = :after, other_info = :info WHERE id = :id AND status = :before";
    private static final String UPDATE_ABILITIES = "UPDATE abilities SET enabled = :enabled WHERE channel_id = :id";

    private final GatewayDsn dsn;
    private final StateStore state;
    private final BreakerAudit audit;
    private final boolean dryRun;
    private final int maxPerHour;
    private final Duration channelInterval;
    private final Set<String> alertNames;
    private final Clock clock;
    private final ObjectMapper json;

    public ChannelBreaker(
            GatewayDsn dsn,
            StateStore state,
            BreakerAudit audit,
            boolean dryRun,
            int maxPerHour,
            Duration channelInterval,
            Set<String> alertNames,
            Clock clock,
            ObjectMapper json) {
        this.dsn = dsn;
        this.state = state;
        this.audit = audit;
        this.dryRun = dryRun;
        this.maxPerHour = maxPerHour;
        this.channelInterval = channelInterval;
        this.alertNames = Set.copyOf(alertNames);
        this.clock = clock;
        this.json = json;
    }

    /**
     * Disables the channel for a firing alert, named by its key (Alertmanager's fingerprint) and its alertname for
     * the audit and the gateway's {@code other_info}; the outcome says what happened (throws only when the state
     * database cannot be written).
     */
    public BreakerOutcome trip(long channelId, String alertKey, String alertName) {
        reconcile();
        Instant now = clock.instant();
        BreakerOutcome outcome;
        OptionalLong[] intent = {OptionalLong.empty()};
        if (!alertNames.contains(alertName)) {
            outcome = outcome(
                    BreakerOutcome.Result.NOT_ALLOWED,
                    channelId,
                    null,
                    null,
                    "alert " + alertName + " is not in breaker.alert_names");
        } else {
            try {
                outcome = gateway()
                        .inTransaction(h ->
                                disable(h, channelId, alertKey, alertName, now, id -> intent[0] = OptionalLong.of(id)));
            } catch (SQLException | RuntimeException e) {
                outcome = new BreakerOutcome(
                        BreakerOutcome.Result.FAILED, channelId, Optional.empty(), Optional.empty(), oneLine(e));
            }
        }
        outcome = finish(intent[0], now, "disable", outcome, Optional.of(alertKey), Optional.of(alertName));
        LOG.info(
                "breaker: channel {} for alert {} ({}): {}{}",
                channelId,
                alertName,
                alertKey,
                outcome.result().label(),
                outcome.detail().isEmpty() ? "" : " - " + outcome.detail());
        return outcome;
    }

    /**
     * Completes the attempt's intent with its outcome, or records the outcome when there was no intent. A failure
     * after the intent may have come at the commit itself (a lost connection), when only the channel's status can
     * tell whether it committed: such an intent is settled from that status now, or by {@link #reconcile()} at the
     * next run if the gateway cannot be read.
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
                    outcome.channelId(),
                    outcome.statusBefore(),
                    outcome.statusAfter(),
                    outcome.detail() + "; whether the gateway committed is settled from its status at the next run"));
        }
        state.write(h -> {
            if (intent.isPresent()) {
                // False when a concurrent enable-channel's reconcile completed it first, from the same row status.
                audit.complete(h, intent.getAsLong(), outcome);
            } else {
                audit.record(h, now, action, outcome, alertKey, alertName);
            }
            return null;
        });
        return outcome;
    }

    /**
     * Completes every intent that a crash left pending (see the class comment), reading each channel's status under
     * its row lock; an intent whose gateway cannot be read now stays pending for the next call. Throws only when the
     * state database cannot be written.
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
                            "breaker: an interrupted {} of channel {} was completed as {}: {}",
                            intent.action(),
                            intent.channelId(),
                            outcome.result().label(),
                            outcome.detail()));
        }
    }

    /**
     * Completes one intent from the channel's status now; empty (and still pending) when the gateway cannot be read.
     */
    private Optional<BreakerOutcome> settle(BreakerAudit.Intent intent, String cause) {
        BreakerOutcome outcome;
        try {
            outcome = gateway().inTransaction(h -> fromStatus(h, intent, cause));
        } catch (SQLException | RuntimeException e) {
            LOG.warn(
                    "breaker: cannot read channel {} to complete an unfinished {}, next try at the next breaker run: {}",
                    intent.channelId(),
                    intent.action(),
                    oneLine(e));
            return Optional.empty();
        }
        state.write(h -> audit.complete(h, intent.id(), outcome));
        return Optional.of(outcome);
    }

    /** What an unfinished intent did, from the channel's row (locked, so a concurrent attempt has finished). */
    private BreakerOutcome fromStatus(Handle h, BreakerAudit.Intent intent, String cause) throws SQLException {
        boolean hasOtherInfo = channelColumns(h).contains("other_info");
        Optional<ChannelRow> row = select(h, intent.channelId(), hasOtherInfo);
        boolean disable = intent.action().equals("disable");
        int target = disable ? ChannelStatus.MANUALLY_DISABLED : ChannelStatus.ENABLED;
        if (row.isEmpty()) {
            return outcome(BreakerOutcome.Result.NOT_FOUND, intent.channelId(), null, null, cause + "; channel gone");
        }
        int now = row.get().status();
        boolean ours = now == target
                && (!hasOtherInfo
                        || intent.reason().equals(statusReason(row.get().otherInfo())));
        if (ours) {
            return outcome(
                    disable ? BreakerOutcome.Result.DISABLED : BreakerOutcome.Result.ENABLED,
                    intent.channelId(),
                    intent.statusBefore(),
                    target,
                    cause + "; the gateway had committed: the channel's status is " + now);
        }
        return outcome(
                BreakerOutcome.Result.FAILED,
                intent.channelId(),
                now,
                now,
                cause + "; the gateway had not committed: the channel's status is " + now);
    }

    private String statusReason(String otherInfo) {
        try {
            JsonNode parsed = otherInfo == null || otherInfo.isBlank() ? null : json.readTree(otherInfo);
            return parsed == null ? "" : parsed.path("status_reason").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    /** Re-enables a channel, but only one the breaker itself disabled (per the audit) and still at status 2. */
    public BreakerOutcome enable(long channelId) {
        reconcile();
        Instant now = clock.instant();
        BreakerOutcome outcome;
        OptionalLong[] intent = {OptionalLong.empty()};
        if (!state.read(h -> audit.disabledByBreaker(h, channelId))) {
            outcome = new BreakerOutcome(
                    BreakerOutcome.Result.REFUSED,
                    channelId,
                    Optional.empty(),
                    Optional.empty(),
                    "the breaker did not disable it (no such entry in breaker_audit), so it is not ours to enable");
        } else {
            try {
                outcome = gateway()
                        .inTransaction(h -> reenable(h, channelId, now, id -> intent[0] = OptionalLong.of(id)));
            } catch (SQLException | RuntimeException e) {
                outcome = new BreakerOutcome(
                        BreakerOutcome.Result.FAILED, channelId, Optional.empty(), Optional.empty(), oneLine(e));
            }
        }
        return finish(intent[0], now, "enable", outcome, Optional.empty(), Optional.empty());
    }

    private BreakerOutcome disable(
            Handle h, long channelId, String alertKey, String alertName, Instant now, LongConsumer intended)
            throws SQLException {
        boolean hasOtherInfo = channelColumns(h).contains("other_info");
        Optional<ChannelRow> row = select(h, channelId, hasOtherInfo);
        if (row.isEmpty()) {
            return outcome(BreakerOutcome.Result.NOT_FOUND, channelId, null, null, "");
        }
        int before = row.get().status();
        if (before != ChannelStatus.ENABLED) {
            return outcome(BreakerOutcome.Result.ALREADY_DISABLED, channelId, before, before, "");
        }
        int recent = state.read(s -> audit.disabledSince(s, now.minus(LIMIT_WINDOW)));
        if (recent >= maxPerHour) {
            return outcome(
                    BreakerOutcome.Result.RATE_LIMITED,
                    channelId,
                    before,
                    before,
                    recent + " channel(s) disabled in the last hour, limit breaker.max_per_hour=" + maxPerHour);
        }
        if (!channelInterval.isZero()) {
            Instant since = now.minus(channelInterval);
            if (state.read(s -> audit.channelDisabledSince(s, channelId, since)) > 0) {
                return outcome(
                        BreakerOutcome.Result.RATE_LIMITED,
                        channelId,
                        before,
                        before,
                        "channel #" + channelId
                                + " was already disabled by the breaker within breaker.channel_interval="
                                + PromDuration.format(channelInterval));
            }
        }
        if (dryRun) {
            return outcome(BreakerOutcome.Result.DRY_RUN, channelId, before, before, "breaker.dry_run=true");
        }
        String reason = "token-monitor breaker: alert " + alertName + " (" + alertKey + ")";
        // The row is locked: commit the intent to bridge.db before the gateway write (class comment).
        intended.accept(state.write(s -> audit.intend(
                s, now, "disable", channelId, Optional.of(alertKey), Optional.of(alertName), before, reason)));
        int changed = setStatus(
                h,
                channelId,
                ChannelStatus.ENABLED,
                ChannelStatus.MANUALLY_DISABLED,
                hasOtherInfo ? Optional.of(otherInfo(row.get().otherInfo(), reason, now)) : Optional.empty());
        if (changed == 0) {
            return outcome(BreakerOutcome.Result.ALREADY_DISABLED, channelId, before, null, "changed concurrently");
        }
        h.createUpdate(UPDATE_ABILITIES)
                .bind("enabled", false)
                .bind("id", channelId)
                .execute();
        return outcome(BreakerOutcome.Result.DISABLED, channelId, before, ChannelStatus.MANUALLY_DISABLED, "");
    }

    /**
     * Moves the channel from {@code from} to {@code to} only if it is still at {@code from} (the gateway or an admin
     * may have changed it meanwhile), recording why in {@code other_info} where New API has that column.
     *
     * @return the rows changed: 0 when the status had moved on
     */
    private static int setStatus(Handle h, long channelId, int from, int to, Optional<String> otherInfo) {
        var update = otherInfo.isPresent()
                ? h.createUpdate(UPDATE_STATUS_AND_INFO).bind("info", otherInfo.get())
                : h.createUpdate(UPDATE_STATUS);
        return update.bind("after", to)
                .bind("id", channelId)
                .bind("before", from)
                .execute();
    }

    private BreakerOutcome reenable(Handle h, long channelId, Instant now, LongConsumer intended) throws SQLException {
        boolean hasOtherInfo = channelColumns(h).contains("other_info");
        Optional<ChannelRow> row = select(h, channelId, hasOtherInfo);
        if (row.isEmpty()) {
            return outcome(BreakerOutcome.Result.NOT_FOUND, channelId, null, null, "");
        }
        int before = row.get().status();
        if (before != ChannelStatus.MANUALLY_DISABLED) {
            return outcome(
                    BreakerOutcome.Result.REFUSED,
                    channelId,
                    before,
                    before,
                    "its status is " + before + ", not 2; someone changed it after the breaker");
        }
        String note = "re-enabled with token-monitor-bridge enable-channel";
        intended.accept(state.write(
                s -> audit.intend(s, now, "enable", channelId, Optional.empty(), Optional.empty(), before, note)));
        int changed = setStatus(
                h,
                channelId,
                ChannelStatus.MANUALLY_DISABLED,
                ChannelStatus.ENABLED,
                hasOtherInfo ? Optional.of(otherInfo(row.get().otherInfo(), note, now)) : Optional.empty());
        if (changed == 0) {
            return outcome(BreakerOutcome.Result.REFUSED, channelId, before, null, "changed concurrently");
        }
        h.createUpdate(UPDATE_ABILITIES)
                .bind("enabled", true)
                .bind("id", channelId)
                .execute();
        return outcome(BreakerOutcome.Result.ENABLED, channelId, before, ChannelStatus.ENABLED, "");
    }

    private record ChannelRow(int status, String otherInfo) {}

    private Optional<ChannelRow> select(Handle h, long channelId, boolean withOtherInfo) {
        // Lock the row so that a concurrent gateway update cannot slip between the read and the write.
        String lock = dsn.dialect() == GatewayDsn.Dialect.SQLITE ? "" : " FOR UPDATE";
        String sql = (withOtherInfo
                        ? "SELECT status, other_info FROM channels WHERE id = :id"
                        : "SELECT status, NULL FROM channels WHERE id = :id")
                + lock;
        return h.createQuery(sql)
                .bind("id", channelId)
                .map((rs, ctx) -> new ChannelRow(rs.getInt(1), rs.getString(2)))
                .findOne();
    }

    /**
     * The columns of {@code channels} the user may see, from the driver's metadata (information_schema or the
     * catalog), so that a user granted column by column, without {@code channels.key}, suffices: a probe such as
     * {@code SELECT *} would be refused for that user.
     */
    private static Set<String> channelColumns(Handle h) throws SQLException {
        Set<String> names = new HashSet<>();
        Connection c = h.getConnection();
        try (ResultSet rs = c.getMetaData().getColumns(c.getCatalog(), c.getSchema(), "channels", "%")) {
            while (rs.next()) {
                names.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    /** Keeps whatever the gateway stored in other_info and sets the two keys it uses itself. */
    private String otherInfo(String existing, String reason, Instant now) {
        ObjectNode info;
        try {
            JsonNode parsed = existing == null || existing.isBlank() ? null : json.readTree(existing);
            info = parsed instanceof ObjectNode object ? object : json.createObjectNode();
        } catch (IOException e) {
            info = json.createObjectNode();
        }
        info.put("status_reason", reason);
        info.put("status_time", now.getEpochSecond());
        return info.toString();
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
            BreakerOutcome.Result result, long channelId, Integer before, Integer after, String detail) {
        return new BreakerOutcome(result, channelId, Optional.ofNullable(before), Optional.ofNullable(after), detail);
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
