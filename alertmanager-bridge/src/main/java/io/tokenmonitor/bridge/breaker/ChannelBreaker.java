package io.tokenmonitor.bridge.breaker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmonitor.bridge.state.StateStore;
import io.tokenmonitor.common.config.Secret;
import io.tokenmonitor.common.gateway.GatewayDsn;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Disables a gateway channel the way the gateway does: {@code channels.status = 2} (with the reason in
 * {@code other_info} where that column exists) and {@code abilities.enabled = false}, in one transaction in the
 * gateway's main database. Idempotent, rate-limited, dry-run capable, and every attempt is audited.
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
    private final Clock clock;
    private final ObjectMapper json;

    public ChannelBreaker(
            GatewayDsn dsn,
            StateStore state,
            BreakerAudit audit,
            boolean dryRun,
            int maxPerHour,
            Clock clock,
            ObjectMapper json) {
        this.dsn = dsn;
        this.state = state;
        this.audit = audit;
        this.dryRun = dryRun;
        this.maxPerHour = maxPerHour;
        this.clock = clock;
        this.json = json;
    }

    /**
     * Disables the channel for a firing alert, named by its key (Alertmanager's fingerprint) and its alertname for
     * the audit and the gateway's {@code other_info}; never throws, the outcome says what happened.
     */
    public BreakerOutcome trip(long channelId, String alertKey, String alertName) {
        Instant now = clock.instant();
        BreakerOutcome outcome;
        try {
            outcome = gateway().inTransaction(h -> disable(h, channelId, alertKey, alertName, now));
        } catch (SQLException | RuntimeException e) {
            outcome = new BreakerOutcome(
                    BreakerOutcome.Result.FAILED, channelId, Optional.empty(), Optional.empty(), oneLine(e));
        }
        BreakerOutcome recorded = outcome;
        state.write(h -> {
            audit.record(h, now, "disable", recorded, Optional.of(alertKey), Optional.of(alertName));
            return null;
        });
        LOG.info(
                "breaker: channel {} for alert {} ({}): {}{}",
                channelId,
                alertName,
                alertKey,
                outcome.result().label(),
                outcome.detail().isEmpty() ? "" : " - " + outcome.detail());
        return outcome;
    }

    /** Re-enables a channel, but only one the breaker itself disabled (per the audit) and still at status 2. */
    public BreakerOutcome enable(long channelId) {
        Instant now = clock.instant();
        BreakerOutcome outcome;
        if (!state.read(h -> audit.disabledByBreaker(h, channelId))) {
            outcome = new BreakerOutcome(
                    BreakerOutcome.Result.REFUSED,
                    channelId,
                    Optional.empty(),
                    Optional.empty(),
                    "the breaker did not disable it (no such entry in breaker_audit), so it is not ours to enable");
        } else {
            try {
                outcome = gateway().inTransaction(h -> reenable(h, channelId, now));
            } catch (SQLException | RuntimeException e) {
                outcome = new BreakerOutcome(
                        BreakerOutcome.Result.FAILED, channelId, Optional.empty(), Optional.empty(), oneLine(e));
            }
        }
        BreakerOutcome recorded = outcome;
        state.write(h -> {
            audit.record(h, now, "enable", recorded, Optional.empty(), Optional.empty());
            return null;
        });
        return outcome;
    }

    private BreakerOutcome disable(Handle h, long channelId, String alertKey, String alertName, Instant now)
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
        if (dryRun) {
            return outcome(BreakerOutcome.Result.DRY_RUN, channelId, before, before, "breaker.dry_run=true");
        }
        String reason = "token-monitor breaker: alert " + alertName + " (" + alertKey + ")";
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

    private BreakerOutcome reenable(Handle h, long channelId, Instant now) throws SQLException {
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
