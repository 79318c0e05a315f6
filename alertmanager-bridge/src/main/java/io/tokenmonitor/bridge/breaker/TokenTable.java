package io.tokenmonitor.bridge.breaker;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The gateway's API keys ({@code tokens}, New API and One API alike): reads {@code status} and {@code name}, writes
 * {@code status} only, and never touches {@code tokens.key}, so a user granted these columns alone suffices. Status 3
 * (expired) and 4 (exhausted) already stop the key, so only status 1 is switched to 2.
 */
final class TokenTable implements GatewayTable {
    private static final String SELECT = "SELECT status, name FROM tokens WHERE id = :id";
    private static final String UPDATE = "UPDATE tokens SET status = :after WHERE id = :id AND status = :before";

    @Override
    public Target.Kind kind() {
        return Target.Kind.TOKEN;
    }

    @Override
    public Optional<GatewayRow> lock(Handle h, long id, String lock) {
        return h.createQuery(SELECT + lock)
                .bind("id", id)
                .map((rs, ctx) -> new GatewayRow(
                        rs.getInt(1), Optional.ofNullable(rs.getString(2)), Optional.empty(), Optional.empty()))
                .findOne();
    }

    @Override
    public int setStatus(Handle h, long id, GatewayRow row, int from, int to, String reason, Instant now) {
        return h.createUpdate(UPDATE)
                .bind("after", to)
                .bind("id", id)
                .bind("before", from)
                .execute();
    }

    @Override
    public boolean carries(GatewayRow row, String reason) {
        return true;
    }
}
