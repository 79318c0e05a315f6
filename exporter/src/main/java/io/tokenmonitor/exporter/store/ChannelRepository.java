package io.tokenmonitor.exporter.store;

import io.tokenmonitor.exporter.model.Channel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** The store's copy of the gateway's channels, and the channel names on the raw rows. */
final class ChannelRepository {

    private static final String LOAD_NAMES = "SELECT id, name FROM channels";
    private static final String DELETE_ALL = "DELETE FROM channels";
    private static final String INSERT =
            "INSERT INTO channels (id, name, type, status, \"group\", tag) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String NAME_ROWS = """
            UPDATE logs SET channel_name = :name
            WHERE channel_id = :id AND (channel_name IS NULL OR channel_name <> :name)
            """;

    /**
     * Replaces the stored channels with {@code channels}; rows of a channel that is new or renamed
     * get its current name.
     */
    void replace(Handle handle, List<Channel> channels) {
        Map<String, String> before = new HashMap<>();
        handle.createQuery(LOAD_NAMES)
                .map((rs, ctx) -> before.put(rs.getString(1), rs.getString(2)))
                .list();
        handle.execute(DELETE_ALL);
        var insert = handle.prepareBatch(INSERT);
        for (Channel c : channels) {
            insert.bind(0, c.id())
                    .bind(1, c.name())
                    .bind(2, c.type())
                    .bind(3, c.status())
                    .bind(4, c.group())
                    .bind(5, c.tag())
                    .add();
        }
        if (!channels.isEmpty()) {
            insert.execute();
        }
        for (Channel c : channels) {
            if (!c.name().equals(before.get(c.id()))) {
                handle.createUpdate(NAME_ROWS)
                        .bind("name", c.name())
                        .bind("id", c.id())
                        .execute();
            }
        }
    }
}
