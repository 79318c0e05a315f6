package io.tokenmonitor.bridge.breaker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Gateway channels the way the gateway disables them: {@code channels.status} (with the reason in New API's
 * {@code other_info}, which is how a crashed attempt is told apart from someone else's change) and
 * {@code abilities.enabled}, so that routing stops too.
 */
final class ChannelTable implements GatewayTable {
    private static final String UPDATE_STATUS =
            "UPDATE channels SET status = :after WHERE id = :id AND status = :before";
    private static final String UPDATE_STATUS_AND_INFO =
            "UPDATE channels SET status = :after, other_info = :info WHERE id = :id AND status = :before";
    private static final String UPDATE_ABILITIES = "UPDATE abilities SET enabled = :enabled WHERE channel_id = :id";

    private final ObjectMapper json;

    ChannelTable(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public Target.Kind kind() {
        return Target.Kind.CHANNEL;
    }

    @Override
    public Optional<GatewayRow> lock(Handle h, long id, String lock) throws SQLException {
        boolean withOtherInfo = channelColumns(h).contains("other_info");
        String sql = (withOtherInfo
                        ? "SELECT status, other_info FROM channels WHERE id = :id"
                        : "SELECT status, NULL FROM channels WHERE id = :id")
                + lock;
        return h.createQuery(sql)
                .bind("id", id)
                .map((rs, ctx) -> new GatewayRow(
                        rs.getInt(1),
                        Optional.empty(),
                        withOtherInfo
                                ? Optional.of(
                                        Optional.ofNullable(rs.getString(2)).orElse(""))
                                : Optional.empty(),
                        Optional.empty()))
                .findOne();
    }

    @Override
    public int setStatus(Handle h, long id, GatewayRow row, int from, int to, String reason, Instant now) {
        var update = row.otherInfo().isPresent()
                ? h.createUpdate(UPDATE_STATUS_AND_INFO)
                        .bind("info", otherInfo(row.otherInfo().get(), reason, now))
                : h.createUpdate(UPDATE_STATUS);
        int changed =
                update.bind("after", to).bind("id", id).bind("before", from).execute();
        if (changed > 0) {
            h.createUpdate(UPDATE_ABILITIES)
                    .bind("enabled", to == ChannelStatus.ENABLED)
                    .bind("id", id)
                    .execute();
        }
        return changed;
    }

    @Override
    public boolean carries(GatewayRow row, String reason) {
        return row.otherInfo().map(info -> reason.equals(statusReason(info))).orElse(true);
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

    private String statusReason(String otherInfo) {
        try {
            JsonNode parsed = otherInfo == null || otherInfo.isBlank() ? null : json.readTree(otherInfo);
            return parsed == null ? "" : parsed.path("status_reason").asText("");
        } catch (IOException e) {
            return "";
        }
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
}
