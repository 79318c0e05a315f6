package io.tokenmonitor.exporter.model;

import java.util.List;

/**
 * How far the store has synced: every row with {@code id <= lastId} is counted except those in
 * {@code gaps}, which are still awaited. Saved in the same transaction as the rows it covers.
 *
 * @param source the gateway database followed, as shown to operators (no password)
 * @param lastCreatedAt the newest {@code created_at} synced, unix seconds
 */
public record SyncPosition(String source, long lastId, long lastCreatedAt, List<IdGap> gaps) {

    public SyncPosition {
        gaps = List.copyOf(gaps);
    }

    public static SyncPosition start(String source) {
        return new SyncPosition(source, 0, 0, List.of());
    }
}
