package io.tokenmonitor.bridge.breaker;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The gateway's users ({@code users}, New API and One API alike): reads {@code status}, {@code username} and
 * {@code role}, writes {@code status} only; never {@code password}, {@code access_token} or any personal column. A
 * disabled user's keys all stop working at the gateway. Administrators (role 10 and above) are never switched off:
 * the root user disabled by an alert could no longer log in to undo it.
 */
final class UserTable implements GatewayTable {
    /** New API's and One API's {@code common.RoleAdminUser}; root is 100. */
    static final int ADMIN_ROLE = 10;

    private static final String SELECT = "SELECT status, username, role FROM users WHERE id = :id";
    private static final String UPDATE = "UPDATE users SET status = :after WHERE id = :id AND status = :before";

    @Override
    public Target.Kind kind() {
        return Target.Kind.USER;
    }

    @Override
    public Optional<GatewayRow> lock(Handle h, long id, String lock) {
        return h.createQuery(SELECT + lock)
                .bind("id", id)
                .map((rs, ctx) -> {
                    int role = rs.getInt(3);
                    Optional<String> refusal = role >= ADMIN_ROLE
                            ? Optional.of("user #" + id + " is an administrator (role " + role
                                    + "); the breaker never disables administrators")
                            : Optional.empty();
                    return new GatewayRow(
                            rs.getInt(1), Optional.ofNullable(rs.getString(2)), Optional.empty(), refusal);
                })
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
