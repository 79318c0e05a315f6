package io.tokenmonitor.exporter.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a store file the way another program would (Grafana's SQLite datasource, an operator's
 * sqlite3), on its own connection: tests check the tables without a way into the store's API.
 */
public final class StoreSql {

    private StoreSql() {}

    /** The first column of every row of {@code sql}. */
    public static List<Long> longs(Path store, String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store.toAbsolutePath());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<Long> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getLong(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The single value {@code sql} returns. */
    public static long one(Path store, String sql) {
        List<Long> values = longs(store, sql);
        if (values.size() != 1) {
            throw new IllegalStateException(sql + ": " + values.size() + " rows, expected one");
        }
        return values.get(0);
    }

    public static void execute(Path store, String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store.toAbsolutePath());
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
