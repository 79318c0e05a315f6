package io.tokenmonitor.exporter.source;

import io.tokenmonitor.exporter.model.LogRow;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * Reads the gateway's {@code logs} table by primary key only, so every query is an index range
 * scan however large the table is. Tolerates values of unexpected types: they become 0 or "" and
 * are counted in {@link LogRow#problems()}.
 */
public final class LogReader {

    /** Ranges per recheck query: enough for ordinary gaps, small enough for any planner. */
    public static final int MAX_RANGES_PER_QUERY = 100;

    private static final String PROBE_COLUMNS = "SELECT * FROM logs WHERE 1 = 0";
    private static final String MAX_ID = "SELECT MAX(id) FROM logs";
    private static final String TOKEN_IDS =
            "SELECT id, COALESCE(token_id, 0) FROM logs WHERE id BETWEEN :from AND :to ORDER BY id";

    private final Jdbi jdbi;
    private final SourceDialect dialect;
    private final LogTableShape shape;
    private final String selectList;
    private final int[] optionalIndex;

    private LogReader(Jdbi jdbi, SourceDialect dialect, LogTableShape shape) {
        this.jdbi = jdbi;
        this.dialect = dialect;
        this.shape = shape;
        List<String> columns = shape.selectedColumns();
        this.selectList = columns.stream().map(this::quoteIfReserved).collect(Collectors.joining(", "));
        this.optionalIndex = LogTableShape.OPTIONAL.stream()
                .mapToInt(c -> columns.indexOf(c) + 1)
                .toArray();
    }

    /** Looks at the {@code logs} table once and returns a reader for its shape. */
    public static LogReader open(Jdbi jdbi, SourceDialect dialect) {
        LogTableShape shape = jdbi.withHandle(h -> h.createQuery(PROBE_COLUMNS).scanResultSet((supplier, ctx) -> {
            ResultSetMetaData meta = supplier.get().getMetaData();
            Set<String> names = new HashSet<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                names.add(meta.getColumnName(i));
            }
            return LogTableShape.of(names);
        }));
        return new LogReader(jdbi, dialect, shape);
    }

    public LogTableShape shape() {
        return shape;
    }

    /** Rows with {@code id > afterId}, lowest first, at most {@code limit}. */
    public List<LogRow> readAfter(long afterId, int limit) {
        String sql = "SELECT " + selectList + " FROM logs WHERE id > :afterId ORDER BY id LIMIT :limit";
        return jdbi.withHandle(
                h -> map(h.createQuery(sql).bind("afterId", afterId).bind("limit", limit)));
    }

    /** Rows whose id lies in one of {@code ranges} (at most {@link #MAX_RANGES_PER_QUERY}), lowest first. */
    public List<LogRow> readRanges(List<IdRange> ranges) {
        if (ranges.isEmpty()) {
            return List.of();
        }
        if (ranges.size() > MAX_RANGES_PER_QUERY) {
            throw new IllegalArgumentException(
                    ranges.size() + " ranges: at most " + MAX_RANGES_PER_QUERY + " per query");
        }
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < ranges.size(); i++) {
            where.append(i == 0 ? "" : " OR ")
                    .append("id BETWEEN :from")
                    .append(i)
                    .append(" AND :to")
                    .append(i);
        }
        String sql = "SELECT " + selectList + " FROM logs WHERE " + where + " ORDER BY id";
        return jdbi.withHandle(h -> {
            Query query = h.createQuery(sql);
            for (int i = 0; i < ranges.size(); i++) {
                query.bind("from" + i, ranges.get(i).from())
                        .bind("to" + i, ranges.get(i).to());
            }
            return map(query);
        });
    }

    /**
     * The gateway's {@code token_id} of each row with an id in {@code range} (for the upgrade of a store synced
     * before it kept them); empty when the table has no such column (One API).
     */
    public java.util.Map<Long, Long> tokenIds(IdRange range) {
        java.util.Map<Long, Long> ids = new java.util.HashMap<>();
        if (!shape.has("token_id")) {
            return ids;
        }
        jdbi.useHandle(h -> h.createQuery(TOKEN_IDS)
                .bind("from", range.from())
                .bind("to", range.to())
                .map((rs, ctx) -> ids.put(rs.getLong(1), rs.getLong(2)))
                .list());
        return ids;
    }

    /** The highest id in the table, 0 when it is empty. */
    public long maxId() {
        return jdbi.withHandle(
                h -> h.createQuery(MAX_ID).mapTo(Long.class).findOne().orElse(0L));
    }

    private List<LogRow> map(Query query) {
        return query.map((rs, ctx) -> toRow(rs)).list();
    }

    private String quoteIfReserved(String column) {
        return column.equals("group") ? dialect.quote(column) : column;
    }

    private LogRow toRow(ResultSet rs) throws SQLException {
        ValueReader values = new ValueReader(rs);
        long useTimeMillis = -1;
        int useTime = optionalIndex[0];
        int elapsedTime = optionalIndex[1];
        if (useTime > 0 && rs.getObject(useTime) != null) {
            useTimeMillis = values.longAt(useTime) * 1000; // New API: whole seconds
        } else if (elapsedTime > 0 && rs.getObject(elapsedTime) != null) {
            useTimeMillis = values.longAt(elapsedTime); // One API: milliseconds
        }
        // One API has no token_id: the store looks the key up by user and name
        long tokenId = optionalIndex[6] > 0 ? values.longAt(optionalIndex[6]) : LogRow.NO_TOKEN_ID;
        return new LogRow(
                values.longAt(1),
                values.longAt(2),
                (int) values.longAt(3),
                values.longAt(4),
                values.textAt(5),
                values.textAt(6),
                values.textAt(7),
                values.longAt(8),
                values.longAt(9),
                values.longAt(10),
                useTimeMillis,
                values.booleanAt(11),
                values.longAt(12),
                values.textAt(optionalIndex[2]),
                values.textAt(optionalIndex[3]),
                values.textAt(13),
                values.textAt(optionalIndex[4]),
                values.textAt(optionalIndex[5]),
                values.problems(),
                tokenId);
    }

    /** Reads one row's values, replacing what does not fit and counting each replacement. */
    private static final class ValueReader {
        private final ResultSet rs;
        private int problems;

        ValueReader(ResultSet rs) {
            this.rs = rs;
        }

        long longAt(int column) throws SQLException {
            Object value = rs.getObject(column);
            if (value == null) {
                return 0;
            }
            if (value instanceof Number number) {
                return number.longValue();
            }
            if (value instanceof Boolean bool) {
                return bool ? 1 : 0;
            }
            try {
                return Long.parseLong(value.toString().trim());
            } catch (NumberFormatException e) {
                try {
                    return (long) Double.parseDouble(value.toString().trim());
                } catch (NumberFormatException notANumber) {
                    problems++;
                    return 0;
                }
            }
        }

        boolean booleanAt(int column) throws SQLException {
            Object value = rs.getObject(column);
            if (value == null) {
                return false;
            }
            if (value instanceof Boolean bool) {
                return bool;
            }
            if (value instanceof Number number) {
                return number.longValue() != 0;
            }
            String text = value.toString().trim();
            if (text.equalsIgnoreCase("true") || text.equals("1") || text.equalsIgnoreCase("t")) {
                return true;
            }
            if (!text.isEmpty()
                    && !text.equalsIgnoreCase("false")
                    && !text.equals("0")
                    && !text.equalsIgnoreCase("f")) {
                problems++;
            }
            return false;
        }

        String textAt(int column) throws SQLException {
            if (column <= 0) {
                return "";
            }
            String value = rs.getString(column);
            return value == null ? "" : value;
        }

        int problems() {
            return problems;
        }
    }
}
