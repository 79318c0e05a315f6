package io.tokenmonitor.exporter.store;

import io.tokenmonitor.exporter.model.IdGap;
import io.tokenmonitor.exporter.model.SyncPosition;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/** The sync position and its open gaps ({@code sync_position}, {@code sync_gaps}). */
final class PositionRepository {

    private static final String LOAD = "SELECT source, last_id, last_created_at FROM sync_position WHERE singleton = 1";
    private static final String LOAD_GAPS = "SELECT from_id, to_id, expires_at FROM sync_gaps ORDER BY from_id";
    private static final String SAVE = """
            INSERT INTO sync_position (singleton, source, last_id, last_created_at) VALUES (1, :source, :lastId, :lastCreatedAt)
            ON CONFLICT (singleton) DO UPDATE SET source = excluded.source, last_id = excluded.last_id,
                last_created_at = excluded.last_created_at
            """;
    private static final String CLEAR_GAPS = "DELETE FROM sync_gaps";
    private static final String SAVE_GAP = "INSERT INTO sync_gaps (from_id, to_id, expires_at) VALUES (?, ?, ?)";

    Optional<SyncPosition> load(Handle handle) {
        List<IdGap> gaps = handle.createQuery(LOAD_GAPS)
                .map((rs, ctx) -> new IdGap(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                .list();
        return handle.createQuery(LOAD)
                .map((rs, ctx) -> new SyncPosition(rs.getString(1), rs.getLong(2), rs.getLong(3), gaps))
                .findOne();
    }

    void save(Handle handle, SyncPosition position) {
        handle.createUpdate(SAVE)
                .bind("source", position.source())
                .bind("lastId", position.lastId())
                .bind("lastCreatedAt", position.lastCreatedAt())
                .execute();
        handle.execute(CLEAR_GAPS);
        if (!position.gaps().isEmpty()) {
            PreparedBatch batch = handle.prepareBatch(SAVE_GAP);
            position.gaps()
                    .forEach(g -> batch.bind(0, g.fromId())
                            .bind(1, g.toId())
                            .bind(2, g.expiresAtSeconds())
                            .add());
            batch.execute();
        }
    }
}
