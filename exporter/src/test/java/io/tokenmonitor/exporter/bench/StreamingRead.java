package io.tokenmonitor.exporter.bench;

import io.tokenmonitor.exporter.source.LogTableShape;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The baseline: one streaming JDBC read ({@code fetchSize = Integer.MIN_VALUE}) of every row of
 * {@code logs} in id order, with the exporter's select list, reading every column value.
 */
final class StreamingRead {

    /** Rows read, wall seconds, and a checksum that keeps the JIT from skipping the reads. */
    record Result(long rows, double seconds, long checksum) {
        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    private StreamingRead() {}

    /** The exporter's select list for this table, as {@code LogReader} builds it (MySQL quoting). */
    static List<String> exporterColumns(Connection c) throws SQLException {
        Set<String> names = new HashSet<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM logs WHERE 1 = 0")) {
            ResultSetMetaData meta = rs.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                names.add(meta.getColumnName(i));
            }
        }
        return LogTableShape.of(names).selectedColumns().stream()
                .map(col -> col.equals("group") ? "`group`" : col)
                .toList();
    }

    static String selectList(List<String> columns) {
        return columns.stream().collect(Collectors.joining(", "));
    }

    static Result run(String jdbcUrl, String user, String password) throws SQLException {
        long start = System.nanoTime();
        long rows = 0;
        long checksum = 0;
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            String sql = "SELECT " + selectList(exporterColumns(c)) + " FROM logs ORDER BY id";
            try (Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                s.setFetchSize(Integer.MIN_VALUE);
                try (ResultSet rs = s.executeQuery(sql)) {
                    ResultSetMetaData meta = rs.getMetaData();
                    int n = meta.getColumnCount();
                    boolean[] numeric = new boolean[n + 1];
                    for (int i = 1; i <= n; i++) {
                        int type = meta.getColumnType(i);
                        numeric[i] = type == Types.BIGINT
                                || type == Types.INTEGER
                                || type == Types.SMALLINT
                                || type == Types.TINYINT
                                || type == Types.BIT
                                || type == Types.BOOLEAN;
                    }
                    while (rs.next()) {
                        for (int i = 1; i <= n; i++) {
                            if (numeric[i]) {
                                checksum += rs.getLong(i);
                            } else {
                                String text = rs.getString(i);
                                checksum += text == null ? 0 : text.length();
                            }
                        }
                        rows++;
                    }
                }
            }
        }
        return new Result(rows, (System.nanoTime() - start) / 1e9, checksum);
    }
}
