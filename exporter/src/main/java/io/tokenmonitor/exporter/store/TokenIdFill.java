package io.tokenmonitor.exporter.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The upgrade of a store synced before V007 (issue 15): its raw rows have {@code token_id} NULL and are in no account
 * rollup. Each id range is filled and added to {@code usage_account_minute}/{@code usage_account_day} in one
 * transaction, through a temporary table of exactly the rows filled, so a row is counted once however the upgrade is
 * interrupted and resumed.
 */
final class TokenIdFill {

    private static final String UNFILLED = "SELECT MIN(id), MAX(id), COUNT(*) FROM logs WHERE token_id IS NULL";
    private static final String CREATE_FILL =
            "CREATE TEMP TABLE IF NOT EXISTS token_id_fill (id INTEGER PRIMARY KEY, token_id INTEGER NOT NULL)";
    private static final String ROWS = """
            SELECT id, user_id, token_name FROM logs WHERE id BETWEEN ? AND ? AND token_id IS NULL
            """;
    private static final String KEY_OF_ROW = "SELECT id FROM tokens WHERE user_id = ? AND name = ? LIMIT 2";
    private static final String ADD_FILL = "INSERT INTO token_id_fill (id, token_id) VALUES (?, ?)";
    private static final String SET_TOKEN_IDS = """
            UPDATE logs SET token_id = (SELECT f.token_id FROM token_id_fill f WHERE f.id = logs.id)
            WHERE id IN (SELECT id FROM token_id_fill)
            """;
    private static final String CLEAR_FILL = "DELETE FROM token_id_fill";

    /** The same sums as the sync's ({@link AccountRollupRepository}), over the rows being filled. */
    private static final String ROLLUP = """
            INSERT INTO %1$s (%2$s, token_id, user_id, "group", requests, errors, input_tokens, output_tokens,
                cache_read_tokens, quota, quota_consumed, quota_refunded)
            SELECT (l.created_at / %3$d) * %3$d, f.token_id, l.user_id, l."group",
                SUM(CASE WHEN l.kind = 'request' THEN 1 ELSE 0 END),
                SUM(CASE WHEN l.kind = 'error' THEN 1 ELSE 0 END),
                SUM(CASE WHEN l.kind = 'request' THEN MAX(0, l.prompt_tokens) ELSE 0 END),
                SUM(CASE WHEN l.kind = 'request' THEN MAX(0, l.completion_tokens) ELSE 0 END),
                SUM(CASE WHEN l.kind = 'request' THEN l.cache_read_tokens ELSE 0 END),
                SUM(CASE WHEN l.kind = 'refund' THEN -l.quota WHEN l.kind IN ('request', 'settlement') THEN l.quota ELSE 0 END),
                SUM(CASE WHEN l.kind = 'refund' THEN MAX(0, -l.quota)
                    WHEN l.kind IN ('request', 'settlement') THEN MAX(0, l.quota) ELSE 0 END),
                SUM(CASE WHEN l.kind = 'refund' THEN MAX(0, l.quota)
                    WHEN l.kind IN ('request', 'settlement') THEN MAX(0, -l.quota) ELSE 0 END)
            FROM token_id_fill f JOIN logs l ON l.id = f.id
            WHERE l.kind IN ('request', 'settlement', 'refund', 'error') AND l.created_at >= :cutoff
            GROUP BY 1, f.token_id, l.user_id, l."group"
            """;

    private static final String ROLLUP_MINUTES = ROLLUP.formatted("usage_account_minute", "minute", 60)
            + AccountRollupRepository.ADD_ON_CONFLICT.formatted("minute");
    private static final String ROLLUP_DAYS = ROLLUP.formatted("usage_account_day", "day", 86_400)
            + AccountRollupRepository.ADD_ON_CONFLICT.formatted("day");

    /** The raw rows still without a token id: their lowest and highest id and how many. */
    Optional<UnfilledRows> unfilled(Handle handle) {
        return handle.createQuery(UNFILLED)
                .map((rs, ctx) ->
                        rs.getLong(3) == 0 ? null : new UnfilledRows(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                .findOne();
    }

    /**
     * Fills the rows of {@code [fromId, toId]} that have no token id and adds them to the account rollups.
     *
     * @param gatewayTokenIds the gateway's {@code logs.token_id} by id (a row it no longer has gets 0); null when the
     *     gateway has no such column (One API): each row gets the one key of its user and key name in the store's
     *     {@code tokens}, 0 when not exactly one
     * @return the rows filled
     */
    int fill(Handle handle, long fromId, long toId, Map<Long, Long> gatewayTokenIds, long rollupCutoffSeconds) {
        try {
            handle.execute(CREATE_FILL);
            handle.execute(CLEAR_FILL);
            List<long[]> filled = new ArrayList<>();
            Map<String, Long> keys = new HashMap<>();
            try (PreparedStatement rows = handle.getConnection().prepareStatement(ROWS);
                    PreparedStatement key = handle.getConnection().prepareStatement(KEY_OF_ROW)) {
                rows.setLong(1, fromId);
                rows.setLong(2, toId);
                try (ResultSet rs = rows.executeQuery()) {
                    while (rs.next()) {
                        long id = rs.getLong(1);
                        long tokenId = gatewayTokenIds != null
                                ? gatewayTokenIds.getOrDefault(id, 0L)
                                : keys.computeIfAbsent(rs.getLong(2) + "\u0000" + rs.getString(3), k -> keyOf(key, k));
                        filled.add(new long[] {id, tokenId});
                    }
                }
            }
            if (filled.isEmpty()) {
                return 0;
            }
            try (PreparedStatement add = handle.getConnection().prepareStatement(ADD_FILL)) {
                for (long[] row : filled) {
                    add.setLong(1, row[0]);
                    add.setLong(2, row[1]);
                    add.addBatch();
                }
                add.executeBatch();
            }
            handle.createUpdate(ROLLUP_MINUTES)
                    .bind("cutoff", rollupCutoffSeconds)
                    .execute();
            handle.createUpdate(ROLLUP_DAYS).bind("cutoff", rollupCutoffSeconds).execute();
            handle.execute(SET_TOKEN_IDS);
            handle.execute(CLEAR_FILL);
            return filled.size();
        } catch (SQLException e) {
            throw new StoreException("filling token ids of raw rows " + fromId + " to " + toId + " failed", e);
        }
    }

    private static long keyOf(PreparedStatement key, String userAndName) {
        int split = userAndName.indexOf('\u0000');
        try {
            key.setLong(1, Long.parseLong(userAndName.substring(0, split)));
            key.setString(2, userAndName.substring(split + 1));
            List<Long> ids = new ArrayList<>(2);
            try (ResultSet rs = key.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids.size() == 1 ? ids.get(0) : 0;
        } catch (SQLException e) {
            throw new StoreException("looking up a key in the store's tokens failed", e);
        }
    }
}
