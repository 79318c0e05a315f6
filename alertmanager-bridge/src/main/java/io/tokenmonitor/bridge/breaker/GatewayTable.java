package io.tokenmonitor.bridge.breaker;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * What differs between switching off a channel, a key or a user: which row is read under the lock and which
 * statements move its status. The transaction, the audit bracket, the limits and the checks are {@link Breaker}'s,
 * the same for every table. Status 1 is enabled and 2 disabled (by hand) in all three tables.
 */
interface GatewayTable {
    Target.Kind kind();

    /**
     * The row, locked against concurrent writers ({@code lock} is " FOR UPDATE" or "" on SQLite, which locks the
     * whole database for the transaction); empty when there is none.
     */
    Optional<GatewayRow> lock(Handle h, long id, String lock) throws SQLException;

    /**
     * Moves the row from {@code from} to {@code to} only if it is still at {@code from}, noting {@code reason} where
     * the table keeps one.
     *
     * @return the rows changed: 0 when the status had moved on
     */
    int setStatus(Handle h, long id, GatewayRow row, int from, int to, String reason, Instant now);

    /**
     * Whether the row, already at the intended status, shows that this write (with this reason) committed rather
     * than someone else's; a table without a reason column can only go by the status.
     */
    boolean carries(GatewayRow row, String reason);
}
