package io.tokenmonitor.exporter.store;

import io.tokenmonitor.common.sqlite.SchemaMigrations;
import io.tokenmonitor.common.sqlite.SqliteDatabase;
import io.tokenmonitor.common.sqlite.SqliteOptions;
import io.tokenmonitor.exporter.model.Channel;
import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.LogCells;
import io.tokenmonitor.exporter.model.LogFilter;
import io.tokenmonitor.exporter.model.LogSource;
import io.tokenmonitor.exporter.model.SyncPosition;
import io.tokenmonitor.exporter.model.Token;
import io.tokenmonitor.exporter.model.UsageTotals;
import io.tokenmonitor.exporter.model.User;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteDataSource;

/**
 * The exporter's local SQLite database (WAL). One writer handle, used by the sync thread only;
 * every batch of rows, with its rollups, totals and sync position, is committed in one transaction,
 * so a crash at any point loses and doubles nothing, and {@code synchronous=FULL} makes a batch
 * durable before {@link #commit} returns (a power loss included).
 */
public final class Store implements AutoCloseable, LogSource {

    private static final Logger LOG = LoggerFactory.getLogger(Store.class);
    private static final Duration BUSY_TIMEOUT = Duration.ofSeconds(10);
    private static final int PRUNE_CHUNK = 10_000;
    /** 64 MiB of page cache, outside the Java heap. */
    private static final int CACHE_SIZE_KIB = 64 * 1024;

    /**
     * The writer's own checkpoint, inside the commit that crosses it: a backstop for {@link WalCheckpoints}, which
     * keeps the WAL far below it once caught up (and during a backfill's back-to-back commits helps where it can).
     */
    private static final int WAL_AUTOCHECKPOINT_PAGES = 10_000;
    /** A checkpoint a second copies about a second of commits (a few MB at 1,000 rows/s), in well under a second. */
    private static final Duration CHECKPOINT_EVERY = Duration.ofSeconds(1);
    /** The schema scripts beside this class, in order; never edit a released one, add the next. */
    private static final SchemaMigrations MIGRATIONS = new SchemaMigrations(
            Store.class,
            List.of(
                    "V001__init.sql",
                    "V002__optional_dimensions.sql",
                    "V003__gateway_options.sql",
                    "V004__first_backfill.sql",
                    "V005__rules.sql",
                    "V006__accounts.sql",
                    "V007__account_usage.sql",
                    "V008__rollup_scope_indexes.sql"),
            "exporter",
            "run a newer exporter or point STORE_PATH at a new file");

    private final Path file;
    private final Jdbi jdbi;
    private final Handle writer;
    private final WalCheckpoints checkpoints;
    private final SqliteOptions.Synchronous synchronous;
    private final FirstBackfill firstBackfill = new FirstBackfill();
    private boolean inFirstBackfill;
    /**
     * In the first backfill the raw rows' rollups are built from {@code logs} when it ends ({@link BackfillRollups});
     * false from the start otherwise, and from the first batch that asks to keep raw rows its rollups would not
     * count (a rollup cutoff after the raw cutoff: the exporter's rollup retention is never shorter than RETENTION).
     */
    private boolean rollupsDeferred;
    /** In the first backfill, the totals of its batches, saved once when it ends; null otherwise. */
    private UsageTotals unsavedTotals;

    private final BackfillRollups backfillRollups = new BackfillRollups();
    private final RawLogRepository rawLogs = new RawLogRepository();
    private final RollupRepository rollups = new RollupRepository();
    private final TotalsRepository totals = new TotalsRepository();
    private final PositionRepository positions = new PositionRepository();
    private final ChannelRepository channels = new ChannelRepository();
    private final GatewayOptionsRepository options = new GatewayOptionsRepository();
    private final RuleRepository rules = new RuleRepository();
    private final AccountRepository accounts = new AccountRepository();
    private final AccountRollupRepository accountRollups = new AccountRollupRepository();
    private final AccountLookup accountLookup = new AccountLookup();
    private final TokenIdFill tokenIdFill = new TokenIdFill();
    private final LogExportRepository logExport = new LogExportRepository();

    private Store(Path file, Jdbi jdbi, Handle writer, SqliteOptions.Synchronous synchronous) {
        this.file = file;
        this.jdbi = jdbi;
        this.writer = writer;
        this.synchronous = synchronous;
        this.checkpoints = new WalCheckpoints(jdbi, CHECKPOINT_EVERY);
    }

    /** Opens (creating if needed) the store at {@code file} and brings its schema up to date. */
    public static Store open(Path file) {
        // FULL: a batch is on disk when commit() returns, power loss included. The totals it returns
        // are published on /metrics only then, so a counter Prometheus has scraped never goes back
        // (NORMAL, in WAL mode, survived a killed process but a power loss rolled back the batches
        // since the last checkpoint: a counter reset, with false spikes). The cost is one fsync of
        // the WAL per batch: once a second when caught up, measured in StoreSyncCostBenchmark.
        return open(file, SqliteOptions.Synchronous.FULL);
    }

    /** {@link #open(Path)} at another synchronous level: for StoreSyncCostBenchmark's comparison only. */
    static Store open(Path file, SqliteOptions.Synchronous synchronous) {
        // A bigger page cache: the store is written in bulk during a backfill.
        SQLiteDataSource dataSource = SqliteDatabase.dataSource(
                "STORE_PATH",
                file,
                new SqliteOptions(synchronous, BUSY_TIMEOUT, OptionalInt.of(CACHE_SIZE_KIB), false));
        StoreFiles.prepare(file);
        Jdbi jdbi = Jdbi.create(dataSource);
        Handle writer = jdbi.open();
        try {
            writer.execute("PRAGMA wal_autocheckpoint = " + WAL_AUTOCHECKPOINT_PAGES);
            MIGRATIONS.apply(writer, file.toString());
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
        Store store = new Store(file, jdbi, writer, synchronous);
        try {
            store.startFirstBackfillIfNew();
        } catch (RuntimeException e) {
            store.checkpoints.close();
            writer.close();
            throw e;
        }
        return store;
    }

    /**
     * A store that has committed nothing starts its first backfill in bulk mode: the writer at
     * {@code synchronous=NORMAL} (no fsync per batch; in WAL mode a crash, power loss included,
     * loses at most the last batches and never corrupts the file) and without the {@code created_at}
     * index, which costs a quarter of a raw row's insert and is built in one sort at the end
     * ({@link #finishFirstBackfill}), and likewise without the raw rows' rollups and the totals'
     * rows, built from {@code logs} and saved there too. Usage is published only once the backfill has caught up, so a
     * start that finds an unfinished first backfill discards its rows and begins again: exact, and
     * the batches lost to a crash do not matter.
     */
    private void startFirstBackfillIfNew() {
        if (firstBackfill.unfinished(writer)) {
            LOG.warn(
                    "store: the first backfill into {} did not finish (the exporter stopped or crashed);"
                            + " discarding its rows and starting it again",
                    file);
            writer.useTransaction(firstBackfill::discard);
        } else if (positions.load(writer).isPresent()) {
            return;
        }
        writer.useTransaction(tx -> firstBackfill.start(tx, System.currentTimeMillis() / 1000));
        writer.execute("PRAGMA synchronous = NORMAL");
        inFirstBackfill = true;
        rollupsDeferred = true;
    }

    /** Whether the first backfill runs in bulk mode (see {@link #finishFirstBackfill}). */
    public boolean inFirstBackfill() {
        return inFirstBackfill;
    }

    /**
     * Ends the first backfill's bulk mode, if it runs: builds the rollups of its raw rows, saves its
     * totals, builds the deferred indexes and, in the same transaction, removes the marker, at the
     * store's normal {@code synchronous} level, so this commit makes every earlier batch durable too.
     * Call it once the backfill has caught up, before publishing its totals. A no-op otherwise.
     */
    public void finishFirstBackfill() {
        if (!inFirstBackfill) {
            return;
        }
        writer.execute("PRAGMA synchronous = " + synchronous.name());
        long begin = System.nanoTime();
        writer.useTransaction(tx -> {
            if (rollupsDeferred) {
                backfillRollups.build(tx);
            }
            if (unsavedTotals != null) {
                totals.saveAll(tx, unsavedTotals);
            }
            firstBackfill.finish(tx);
        });
        LOG.info(
                "store: first backfill finished: rollups, totals and indexes built in {} ms",
                (System.nanoTime() - begin) / 1_000_000);
        inFirstBackfill = false;
        rollupsDeferred = false;
        unsavedTotals = null;
    }

    public Path file() {
        return file;
    }

    public UsageTotals loadTotals() {
        if (unsavedTotals != null) {
            return unsavedTotals;
        }
        return totals.load(writer);
    }

    public Optional<SyncPosition> loadPosition() {
        return positions.load(writer);
    }

    /**
     * Stores a batch in one transaction and returns the totals after it. A row whose id the store
     * already holds is not counted again. What retention would delete anyway is left out of the raw
     * table and the rollups (a backfill of a long history then writes little more than the totals).
     *
     * @param batch rows whose label values are already capped; a row without a token id (One API) gets the key the
     *     store's {@code tokens} copy gives it
     * @param rawCutoffSeconds rows created before this are counted but not kept as raw rows
     * @param rollupCutoffSeconds rows created before this are counted but not added to the rollups
     */
    public UsageTotals commit(
            List<ClassifiedRow> batch,
            SyncPosition position,
            UsageTotals current,
            long nowMillis,
            long rawCutoffSeconds,
            long rollupCutoffSeconds) {
        // A raw row's rollups wait for the end of the first backfill only if its rollup cutoff is met whenever
        // it is kept raw; the first batch where that fails adds the waiting rows' rollups now and stops waiting.
        boolean defer = rollupsDeferred && rollupCutoffSeconds <= rawCutoffSeconds;
        UsageTotals next = writer.inTransaction(tx -> {
            if (rollupsDeferred && !defer) {
                backfillRollups.build(tx);
            }
            List<ClassifiedRow> rows = accountLookup.resolveTokenIds(tx, batch);
            List<ClassifiedRow> raw = new ArrayList<>();
            for (ClassifiedRow row : rows) {
                if (keptRaw(row, rawCutoffSeconds)) {
                    raw.add(row);
                }
            }
            boolean[] inserted = rawLogs.insert(tx, raw);
            List<ClassifiedRow> counted = new ArrayList<>(rows.size());
            List<ClassifiedRow> rolledUp = new ArrayList<>(rows.size());
            int r = 0;
            for (ClassifiedRow row : rows) {
                boolean kept = keptRaw(row, rawCutoffSeconds);
                if (!kept || inserted[r++]) {
                    counted.add(row);
                    if (row.row().createdAt() >= rollupCutoffSeconds && !(kept && defer)) {
                        rolledUp.add(row);
                    }
                }
            }
            UsageTotals.Update update = current.plus(counted, nowMillis);
            rollups.add(tx, rolledUp);
            accountRollups.add(tx, rolledUp);
            if (!inFirstBackfill) {
                // the first backfill saves its totals once, when it ends (a crash before starts it again)
                totals.save(tx, update);
            }
            positions.save(tx, position);
            return update.next();
        });
        rollupsDeferred = defer;
        if (inFirstBackfill) {
            unsavedTotals = next;
        }
        return next;
    }

    /**
     * Builds the deferred rollups now, for what needs them complete before the first backfill ends (the exporter
     * prunes and fills token ids only once caught up, so this is for callers outside the sync loop).
     */
    private void rollUpDeferredRows() {
        if (rollupsDeferred) {
            writer.useTransaction(backfillRollups::build);
            rollupsDeferred = false;
        }
    }

    private static boolean keptRaw(ClassifiedRow row, long rawCutoffSeconds) {
        return row.kind().keptAsRaw() && row.row().createdAt() >= rawCutoffSeconds;
    }

    /**
     * Keeps the store's copy of the gateway's channels, so the log views can show names. Runs on its
     * own connection; SQLite serialises it with the sync's writes.
     */
    public void saveChannels(List<Channel> current) {
        jdbi.useTransaction(tx -> channels.replace(tx, current));
    }

    // --- accounts: the store's copy of the gateway's keys and users (issue 15) ---

    /** The stored copy of the gateway's keys, soft-deleted ones included, in id order. */
    public List<Token> loadTokens() {
        return jdbi.withHandle(accounts::loadTokens);
    }

    /** The stored copy of the gateway's users, soft-deleted ones included, in id order. */
    public List<User> loadUsers() {
        return jdbi.withHandle(accounts::loadUsers);
    }

    /**
     * Applies the changes to the copy of keys and users in one transaction, on its own connection
     * (SQLite serialises it with the sync's writes). Only changed rows are written: on 100,000 keys
     * an interval rewrites the keys that were used, not all of them.
     */
    public void saveAccountChanges(AccountChanges changes) {
        if (!changes.isEmpty()) {
            jdbi.useTransaction(tx -> accounts.apply(tx, changes));
        }
    }

    // --- end of accounts ---

    /** The {@code QuotaPerUnit} the store's readers use: 500000 until {@link #saveQuotaPerUnit} is called. */
    public double quotaPerUnit() {
        return jdbi.withHandle(options::quotaPerUnit);
    }

    /** Keeps {@code QuotaPerUnit} in the store, so the dashboards' SQL computes dollars without Prometheus. */
    public void saveQuotaPerUnit(double quotaPerUnit) {
        jdbi.useHandle(h -> options.saveQuotaPerUnit(h, quotaPerUnit));
    }

    /**
     * Usage summed over each span, in order; all read on one connection, so the spans see the same
     * committed batches. Runs beside the sync's writes (WAL readers do not block the writer).
     */
    public List<UsageSum> usageSums(List<UsageSpan> spans) {
        return jdbi.withHandle(handle -> {
            List<UsageSum> sums = new ArrayList<>(spans.size());
            for (UsageSpan span : spans) {
                sums.add(UsageQueries.between(
                        handle, span.filter(), span.key(), span.startSeconds(), span.endSeconds()));
            }
            return sums;
        });
    }

    @Override
    public List<String> exportColumns() {
        return LogExportRepository.COLUMNS;
    }

    /**
     * Every raw log row the filter matches, one at a time to {@code cells}, on a reader connection of its own: WAL
     * readers do not block the sync's writes, and the rows are streamed from SQLite's cursor, not collected.
     *
     * @return the number of rows
     */
    @Override
    public long exportLogs(LogFilter filter, LogCells cells) throws IOException {
        return jdbi.withHandle(handle -> logExport.export(handle, filter, cells));
    }

    // ---- usage per API key, user and group (issue 15) ----

    /**
     * Net quota per key, user or group over each span, in order, read on one connection (the spans see the same
     * committed batches).
     */
    public List<Map<String, Long>> netQuotaBy(UsageQueries.Per per, List<UsageSpan> spans) {
        return jdbi.withHandle(handle -> {
            List<Map<String, Long>> sums = new ArrayList<>(spans.size());
            for (UsageSpan span : spans) {
                sums.add(UsageQueries.netQuotaBy(handle, per, span.startSeconds(), span.endSeconds()));
            }
            return sums;
        });
    }

    /** The API key with this id in the store's copy of the gateway's {@code tokens}. */
    public Optional<AccountKey> token(long id) {
        return jdbi.withHandle(h -> accountLookup.token(h, id));
    }

    /** Not-deleted keys with this name in the store's copy; at most two (two: ambiguous). */
    public List<AccountKey> tokensNamed(String name) {
        return jdbi.withHandle(h -> accountLookup.tokensNamed(h, name));
    }

    /** The user with this id in the store's copy of the gateway's {@code users}. */
    public Optional<AccountUser> user(long id) {
        return jdbi.withHandle(h -> accountLookup.user(h, id));
    }

    /** Not-deleted users with this name in the store's copy; at most two. */
    public List<AccountUser> usersNamed(String name) {
        return jdbi.withHandle(h -> accountLookup.usersNamed(h, name));
    }

    /** The raw rows synced before V007, still without a token id; empty when there are none (the usual case). */
    public Optional<UnfilledRows> rowsWithoutTokenId() {
        return tokenIdFill.unfilled(writer);
    }

    /**
     * Fills the token ids of the raw rows of {@code [fromId, toId]} that have none and adds those rows to the account
     * rollups, in one transaction (see {@link TokenIdFill#fill}). Call it from the sync's thread, before its polls.
     *
     * @param gatewayTokenIds the gateway's token_id per log id; null for a gateway without it (One API)
     * @param rollupCutoffSeconds rows created before this are not added (the rollups do not reach back so far)
     * @return the rows filled
     */
    public int fillTokenIds(long fromId, long toId, Map<Long, Long> gatewayTokenIds, long rollupCutoffSeconds) {
        rollUpDeferredRows(); // the fill adds the filled rows' account rollups itself
        return writer.inTransaction(tx -> tokenIdFill.fill(tx, fromId, toId, gatewayTokenIds, rollupCutoffSeconds));
    }

    // ---- end of usage per API key, user and group ----

    /**
     * The nearest-rank 95th percentile of the request rows' {@code column} created in
     * {@code [startSeconds, endSeconds)}, exact from the raw rows.
     *
     * @param key the channel id or model for {@link UsageQueries.Filter#CHANNEL} and {@link UsageQueries.Filter#MODEL}
     */
    public LatencySample latency(
            LatencyColumn column, UsageQueries.Filter filter, String key, long startSeconds, long endSeconds) {
        // One transaction: the count and the row at its rank come from the same snapshot of the sync's writes.
        return jdbi.inTransaction(h -> rawLogs.latency(h, column, filter, key, startSeconds, endSeconds));
    }

    /** The outcome of a change of a console rule. */
    public enum RuleWrite {
        DONE,
        /** create: the name is taken. */
        TAKEN,
        NOT_FOUND,
        /** replace, delete: the rule is at another version than the writer read. */
        STALE
    }

    /** Every console rule, in name order. */
    public List<StoredRule> consoleRules() {
        return jdbi.withHandle(rules::loadAll);
    }

    /**
     * Stores a new console rule and audits it, in one transaction: at version 1, or, for a name used
     * before, one above the last version the name had (a stale writer never matches a new rule).
     */
    public RuleWrite createRule(String name, String spec, long atMillis, String actor) {
        return jdbi.inTransaction(tx -> {
            if (!rules.insert(tx, name, spec, atMillis, actor)) {
                return RuleWrite.TAKEN;
            }
            rules.audit(tx, atMillis, actor, "create", name, null, spec);
            return RuleWrite.DONE;
        });
    }

    /**
     * Replaces a console rule if it is still at {@code expectedVersion}, and audits it, in one
     * transaction: of two writers that read the same version only the first succeeds.
     */
    public RuleWrite replaceRule(String name, long expectedVersion, String spec, long atMillis, String actor) {
        return jdbi.inTransaction(tx -> {
            if (!rules.auditChange(tx, name, expectedVersion, "update", spec, atMillis, actor)) {
                return missingOrStale(tx, name);
            }
            rules.update(tx, name, expectedVersion, spec, atMillis, actor);
            return RuleWrite.DONE;
        });
    }

    /** Deletes a console rule if it is still at {@code expectedVersion}, and audits it, in one transaction. */
    public RuleWrite deleteRule(String name, long expectedVersion, long atMillis, String actor) {
        return jdbi.inTransaction(tx -> {
            if (!rules.auditChange(tx, name, expectedVersion, "delete", null, atMillis, actor)) {
                return missingOrStale(tx, name);
            }
            rules.delete(tx, name, expectedVersion);
            return RuleWrite.DONE;
        });
    }

    private RuleWrite missingOrStale(Handle tx, String name) {
        return rules.load(tx, name).isPresent() ? RuleWrite.STALE : RuleWrite.NOT_FOUND;
    }

    /** The newest changes of console rules first, of one rule or of all; at most {@code limit}. */
    public List<StoredAudit> ruleAudit(Optional<String> rule, int limit) {
        return jdbi.withHandle(h -> rules.audit(h, rule, limit));
    }

    /** The start of the oldest minute the rollups hold; empty when they hold none. */
    public OptionalLong oldestRollupMinute() {
        return jdbi.withHandle(rollups::oldestMinute);
    }

    /**
     * One rollup column summed per series and minute, from {@code fromSeconds} on, each series'
     * minutes in order.
     *
     * @param byStream whether the series are told apart by {@code stream} as well as channel and model
     * @return per series ({@code [channel_id, model]}, or {@code [channel_id, model, stream]} with
     *     stream as {@code true}/{@code false}), its minutes
     */
    public Map<List<String>, List<MinuteValue>> minuteHistory(RollupColumn column, boolean byStream, long fromSeconds) {
        return jdbi.withHandle(handle -> rollups.history(handle, column, byStream, fromSeconds));
    }

    /**
     * Deletes raw rows created before {@code rawCutoffSeconds} and rollups before
     * {@code rollupCutoffSeconds}, in chunks so the sync is never blocked for long. Totals are untouched.
     *
     * @return raw rows deleted
     */
    public int prune(long rawCutoffSeconds, long rollupCutoffSeconds) {
        rollUpDeferredRows(); // the raw rows about to go still owe their rollups
        int deleted = 0;
        int chunk;
        do {
            chunk = writer.inTransaction(tx -> rawLogs.prune(tx, rawCutoffSeconds, PRUNE_CHUNK));
            deleted += chunk;
        } while (chunk == PRUNE_CHUNK);
        writer.useTransaction(tx -> {
            rollups.prune(tx, rollupCutoffSeconds, rollupCutoffSeconds);
            accountRollups.prune(tx, rollupCutoffSeconds, rollupCutoffSeconds);
        });
        return deleted;
    }

    /** {@code PRAGMA synchronous} of the writer and of a reader connection (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA). */
    List<Integer> synchronousLevels() {
        String pragma = "PRAGMA synchronous";
        return List.of(
                writer.createQuery(pragma).mapTo(Integer.class).one(),
                jdbi.withHandle(h -> h.createQuery(pragma).mapTo(Integer.class).one()));
    }

    /**
     * Closes the writer. A clean stop during the first backfill first finishes its bulk mode (builds
     * the index), so the next start continues from the position instead of starting over.
     */
    @Override
    public void close() {
        try {
            finishFirstBackfill();
        } catch (RuntimeException e) {
            LOG.warn(
                    "store: could not finish the first backfill's bulk mode on stop ({}); the next start"
                            + " begins the backfill again",
                    e.getMessage());
        } finally {
            try {
                checkpoints.close();
            } finally {
                writer.close();
            }
        }
    }
}
