package io.tokenmonitor.exporter.source;

import io.tokenmonitor.exporter.model.Channel;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.OptionalDouble;
import org.jdbi.v3.core.Jdbi;

/**
 * Reads the gateway's channels and its {@code QuotaPerUnit} option from the main database. Selects
 * named columns only: {@code channels.key} is never read, so a user granted SELECT on the other
 * columns is enough.
 */
public final class ChannelReader {

    private static final double MILLIS_PER_SECOND = 1000.0;

    private final Jdbi jdbi;
    private final SourceDialect dialect;

    public ChannelReader(Jdbi jdbi, SourceDialect dialect) {
        this.jdbi = jdbi;
        this.dialect = dialect;
    }

    public List<Channel> readChannels() {
        boolean hasTag = jdbi.withHandle(h -> hasColumn(h.getConnection(), "channels", "tag"));
        String sql = "SELECT id, name, type, " + dialect.quote("group") + ", " + (hasTag ? "tag" : "''")
                + ", status, balance, response_time" + " FROM channels ORDER BY id";
        return jdbi.withHandle(h -> h.createQuery(sql)
                .map((rs, ctx) -> new Channel(
                        Long.toString(rs.getLong(1)),
                        text(rs, 2),
                        rs.getInt(3),
                        text(rs, 4),
                        text(rs, 5),
                        rs.getInt(6),
                        rs.getDouble(7),
                        rs.getLong(8) / MILLIS_PER_SECOND))
                .list());
    }

    /** The gateway's {@code options.QuotaPerUnit}, when set and readable. */
    public OptionalDouble quotaPerUnit() {
        String sql = "SELECT " + dialect.quote("value") + " FROM options WHERE " + dialect.quote("key")
                + " = 'QuotaPerUnit'";
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(String.class).findOne())
                .map(String::trim)
                .filter(v -> v.matches("[0-9.]+"))
                .map(v -> OptionalDouble.of(Double.parseDouble(v)))
                .orElse(OptionalDouble.empty());
    }

    private static boolean hasColumn(Connection connection, String table, String column) {
        try (ResultSet columns = connection.getMetaData().getColumns(connection.getCatalog(), null, table, column)) {
            return columns.next();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the columns of " + table + ": " + e.getMessage(), e);
        }
    }

    private static String text(ResultSet rs, int column) throws SQLException {
        String value = rs.getString(column);
        return value == null ? "" : value;
    }
}
