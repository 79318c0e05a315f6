package io.tokenmonitor.exporter.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The second baseline: what any copy of the rows into SQLite costs. One thread reads every row of
 * {@code logs} with the exporter's select list (streaming JDBC, as {@link StreamingRead}) and inserts
 * the same raw columns with one prepared INSERT, in 5,000-row transactions, into a fresh SQLite file
 * (WAL, {@code synchronous=NORMAL}, no secondary index).
 */
final class SqliteCopy {

    static final int TRANSACTION_ROWS = 5_000;

    private SqliteCopy() {}

    static StreamingRead.Result run(String jdbcUrl, String user, String password, Path file) throws SQLException {
        long start = System.nanoTime();
        long rows = 0;
        try (Connection source = DriverManager.getConnection(jdbcUrl, user, password);
                Connection target = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            List<String> columns = StreamingRead.exporterColumns(source);
            try (Statement s = target.createStatement()) {
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = NORMAL");
            }
            String sql = "SELECT " + StreamingRead.selectList(columns) + " FROM logs ORDER BY id";
            try (Statement s = source.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                s.setFetchSize(Integer.MIN_VALUE);
                try (ResultSet rs = s.executeQuery(sql)) {
                    ResultSetMetaData meta = rs.getMetaData();
                    int n = meta.getColumnCount();
                    boolean[] numeric = new boolean[n + 1];
                    List<String> definitions = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        int type = meta.getColumnType(i);
                        numeric[i] = type == Types.BIGINT
                                || type == Types.INTEGER
                                || type == Types.SMALLINT
                                || type == Types.TINYINT
                                || type == Types.BIT
                                || type == Types.BOOLEAN;
                        String name = "\"" + meta.getColumnLabel(i) + "\"";
                        definitions.add(
                                i == 1 ? name + " INTEGER PRIMARY KEY" : name + (numeric[i] ? " INTEGER" : " TEXT"));
                    }
                    try (Statement s2 = target.createStatement()) {
                        s2.execute("CREATE TABLE logs (" + String.join(", ", definitions) + ")");
                    }
                    target.setAutoCommit(false);
                    try (PreparedStatement insert = target.prepareStatement(
                            "INSERT INTO logs VALUES (" + String.join(", ", Collections.nCopies(n, "?")) + ")")) {
                        while (rs.next()) {
                            for (int i = 1; i <= n; i++) {
                                if (numeric[i]) {
                                    insert.setLong(i, rs.getLong(i));
                                } else {
                                    insert.setString(i, rs.getString(i));
                                }
                            }
                            insert.executeUpdate();
                            if (++rows % TRANSACTION_ROWS == 0) {
                                target.commit();
                            }
                        }
                        target.commit();
                    }
                }
            }
        } finally {
            for (String suffix : List.of("", "-wal", "-shm")) {
                try {
                    Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
                } catch (java.io.IOException e) {
                    // a scratch file in the benchmark's directory, removed with it
                }
            }
        }
        return new StreamingRead.Result(rows, (System.nanoTime() - start) / 1e9, rows);
    }
}
