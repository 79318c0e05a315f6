package io.tokenmonitor.exporter.store;

import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.LogRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Reads the store's copies of the gateway's {@code tokens} and {@code users} (kept by the account refresher) for
 * usage per key: the key of a One API row (by user and key name), and the keys and users rules name.
 */
final class AccountLookup {

    /** Two are enough to tell "exactly one" from "more than one". */
    private static final String KEY_OF_ROW = "SELECT id FROM tokens WHERE user_id = :user AND name = :name LIMIT 2";

    private static final String TOKEN_BY_ID = """
            SELECT t.id, t.name, t.user_id, COALESCE(u.username, ''), t."group" FROM tokens t
            LEFT JOIN users u ON u.id = t.user_id WHERE t.id = :id
            """;
    private static final String TOKENS_BY_NAME = """
            SELECT t.id, t.name, t.user_id, COALESCE(u.username, ''), t."group" FROM tokens t
            LEFT JOIN users u ON u.id = t.user_id WHERE t.name = :name AND t.deleted = 0 LIMIT 2
            """;
    private static final String USER_BY_ID = "SELECT id, username, \"group\" FROM users WHERE id = :id";
    private static final String USERS_BY_NAME =
            "SELECT id, username, \"group\" FROM users WHERE username = :name AND deleted = 0 LIMIT 2";

    private record UserAndName(long userId, String name) {}

    /**
     * The rows with the key the store's {@code tokens} copy gives them: rows from a source without
     * {@code logs.token_id} get the one key of their user with their key name, or 0 when there is not exactly one.
     * The same list when no row needs it.
     */
    List<ClassifiedRow> resolveTokenIds(Handle handle, List<ClassifiedRow> rows) {
        if (rows.stream().noneMatch(r -> r.row().tokenId() == LogRow.NO_TOKEN_ID)) {
            return rows;
        }
        Map<UserAndName, Long> found = new HashMap<>();
        List<ClassifiedRow> resolved = new ArrayList<>(rows.size());
        for (ClassifiedRow row : rows) {
            if (row.row().tokenId() != LogRow.NO_TOKEN_ID) {
                resolved.add(row);
                continue;
            }
            long id = found.computeIfAbsent(
                    new UserAndName(row.row().userId(), row.row().tokenName()), k -> tokenOf(handle, k));
            resolved.add(row.withTokenId(id));
        }
        return resolved;
    }

    private static long tokenOf(Handle handle, UserAndName key) {
        List<Long> ids = handle.createQuery(KEY_OF_ROW)
                .bind("user", key.userId())
                .bind("name", key.name())
                .mapTo(Long.class)
                .list();
        return ids.size() == 1 ? ids.get(0) : 0;
    }

    /** The key with this id, as last read from the gateway. */
    Optional<AccountKey> token(Handle handle, long id) {
        return handle.createQuery(TOKEN_BY_ID).bind("id", id).map(KEY).findOne();
    }

    /** Up to two not-deleted keys with this name (two: the name is ambiguous). */
    List<AccountKey> tokensNamed(Handle handle, String name) {
        return handle.createQuery(TOKENS_BY_NAME).bind("name", name).map(KEY).list();
    }

    Optional<AccountUser> user(Handle handle, long id) {
        return handle.createQuery(USER_BY_ID).bind("id", id).map(USER).findOne();
    }

    /** Up to two not-deleted users with this name. */
    List<AccountUser> usersNamed(Handle handle, String name) {
        return handle.createQuery(USERS_BY_NAME).bind("name", name).map(USER).list();
    }

    private static final RowMapper<AccountKey> KEY = (rs, ctx) ->
            new AccountKey(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5));
    private static final RowMapper<AccountUser> USER =
            (rs, ctx) -> new AccountUser(rs.getLong(1), rs.getString(2), rs.getString(3));
}
