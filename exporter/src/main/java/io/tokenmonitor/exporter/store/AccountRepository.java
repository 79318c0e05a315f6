package io.tokenmonitor.exporter.store;

import io.tokenmonitor.exporter.model.Token;
import io.tokenmonitor.exporter.model.User;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/** The store's copy of the gateway's keys ({@code tokens}) and users ({@code users}), no secrets. */
final class AccountRepository {

    private static final String LOAD_TOKENS = """
            SELECT id, user_id, name, status, "group", remain_quota, used_quota, unlimited_quota,
                   created_time, accessed_time, expired_time, deleted
            FROM tokens ORDER BY id
            """;
    private static final String UPSERT_TOKEN = """
            INSERT INTO tokens (id, user_id, name, status, "group", remain_quota, used_quota, unlimited_quota,
                                created_time, accessed_time, expired_time, deleted)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET
                user_id = excluded.user_id, name = excluded.name, status = excluded.status,
                "group" = excluded."group", remain_quota = excluded.remain_quota, used_quota = excluded.used_quota,
                unlimited_quota = excluded.unlimited_quota, created_time = excluded.created_time,
                accessed_time = excluded.accessed_time, expired_time = excluded.expired_time, deleted = excluded.deleted
            """;
    private static final String DELETE_TOKEN = "DELETE FROM tokens WHERE id = ?";

    private static final String LOAD_USERS = """
            SELECT id, username, role, status, "group", quota, used_quota, request_count, deleted
            FROM users ORDER BY id
            """;
    private static final String UPSERT_USER = """
            INSERT INTO users (id, username, role, status, "group", quota, used_quota, request_count, deleted)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET
                username = excluded.username, role = excluded.role,
                status = excluded.status, "group" = excluded."group", quota = excluded.quota,
                used_quota = excluded.used_quota, request_count = excluded.request_count, deleted = excluded.deleted
            """;
    private static final String DELETE_USER = "DELETE FROM users WHERE id = ?";

    List<Token> loadTokens(Handle handle) {
        return handle.createQuery(LOAD_TOKENS)
                .map((rs, ctx) -> new Token(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getInt(4),
                        rs.getString(5),
                        rs.getLong(6),
                        rs.getLong(7),
                        rs.getInt(8) == 1,
                        rs.getLong(9),
                        rs.getLong(10),
                        rs.getLong(11),
                        rs.getInt(12) == 1))
                .list();
    }

    List<User> loadUsers(Handle handle) {
        return handle.createQuery(LOAD_USERS)
                .map((rs, ctx) -> new User(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getInt(3),
                        rs.getInt(4),
                        rs.getString(5),
                        rs.getLong(6),
                        rs.getLong(7),
                        rs.getLong(8),
                        rs.getInt(9) == 1))
                .list();
    }

    /** Writes the changed rows and deletes the gone ones; the caller holds the transaction. */
    void apply(Handle handle, AccountChanges changes) {
        PreparedBatch tokens = handle.prepareBatch(UPSERT_TOKEN);
        for (Token t : changes.tokens()) {
            tokens.bind(0, t.id())
                    .bind(1, t.userId())
                    .bind(2, t.name())
                    .bind(3, t.status())
                    .bind(4, t.group())
                    .bind(5, t.remainQuota())
                    .bind(6, t.usedQuota())
                    .bind(7, t.unlimitedQuota() ? 1 : 0)
                    .bind(8, t.createdTime())
                    .bind(9, t.accessedTime())
                    .bind(10, t.expiredTime())
                    .bind(11, t.deleted() ? 1 : 0)
                    .add();
        }
        execute(tokens, changes.tokens().size());
        PreparedBatch users = handle.prepareBatch(UPSERT_USER);
        for (User u : changes.users()) {
            users.bind(0, u.id())
                    .bind(1, u.username())
                    .bind(2, u.role())
                    .bind(3, u.status())
                    .bind(4, u.group())
                    .bind(5, u.quota())
                    .bind(6, u.usedQuota())
                    .bind(7, u.requestCount())
                    .bind(8, u.deleted() ? 1 : 0)
                    .add();
        }
        execute(users, changes.users().size());
        delete(handle, DELETE_TOKEN, changes.goneTokens());
        delete(handle, DELETE_USER, changes.goneUsers());
    }

    private static void delete(Handle handle, String sql, List<Long> ids) {
        PreparedBatch batch = handle.prepareBatch(sql);
        for (long id : ids) {
            batch.bind(0, id).add();
        }
        execute(batch, ids.size());
    }

    private static void execute(PreparedBatch batch, int rows) {
        if (rows > 0) {
            batch.execute();
        }
    }
}
