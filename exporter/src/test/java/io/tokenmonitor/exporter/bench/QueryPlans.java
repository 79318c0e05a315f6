package io.tokenmonitor.exporter.bench;

import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.testing.GatewayDatabase;
import io.tokenmonitor.common.testing.GatewayDatabase.Flavor;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shows how the source database runs each query {@code LogReader} sends to {@code logs}: MariaDB's
 * {@code ANALYZE} (the plan plus the rows really examined, {@code r_rows}) and PostgreSQL's
 * {@code EXPLAIN (ANALYZE, BUFFERS)}. Values are literals in the shapes the exporter binds.
 */
final class QueryPlans {

    /** One query's plan, and whether it stays on the primary key. */
    record Plan(String label, String sql, List<String> lines, boolean primaryKeyOnly) {}

    private QueryPlans() {}

    /** The exporter's queries with realistic values for a table whose ids run up to {@code maxId}. */
    static Map<String, String> queries(String selectList, long maxId, int batchSize) {
        Map<String, String> q = new LinkedHashMap<>();
        String read = "SELECT " + selectList + " FROM logs WHERE id > %d ORDER BY id LIMIT " + batchSize;
        q.put("readAfter, backfill start", read.formatted(0));
        q.put("readAfter, middle of backfill", read.formatted(maxId / 2));
        q.put("readAfter, tail (caught up)", read.formatted(maxId - 800));
        q.put(
                "readRanges, gap recheck (3 gaps)",
                "SELECT " + selectList
                        + " FROM logs WHERE id BETWEEN %d AND %d OR id BETWEEN %d AND %d OR id BETWEEN %d AND %d ORDER BY id"
                                .formatted(maxId - 900, maxId - 890, maxId - 500, maxId - 500, maxId - 20, maxId - 11));
        q.put("maxId", "SELECT MAX(id) FROM logs");
        q.put("open (column probe)", "SELECT * FROM logs WHERE 1 = 0");
        return q;
    }

    static List<Plan> mariadb(Connection c, Map<String, String> queries) throws SQLException {
        List<Plan> plans = new ArrayList<>();
        for (Map.Entry<String, String> q : queries.entrySet()) {
            List<String> lines = new ArrayList<>();
            boolean primaryOnly = true;
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("ANALYZE " + q.getValue())) {
                ResultSetMetaData meta = rs.getMetaData();
                List<String> columns = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    columns.add(meta.getColumnLabel(i));
                }
                lines.add(String.join(" | ", columns));
                while (rs.next()) {
                    List<String> values = new ArrayList<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        values.add(String.valueOf(rs.getString(i)));
                    }
                    lines.add(String.join(" | ", values));
                    String type = rs.getString("type");
                    String key = rs.getString("key");
                    String extra = String.valueOf(rs.getString("Extra"));
                    boolean noTable = extra.contains("optimized away") || extra.contains("Impossible WHERE");
                    if (!noTable && !("PRIMARY".equals(key) && !"ALL".equals(type))) {
                        primaryOnly = false;
                    }
                }
            }
            plans.add(new Plan(q.getKey(), q.getValue(), lines, primaryOnly));
        }
        return plans;
    }

    /** Creates a PostgreSQL gateway database with {@code rows} rows, explains the queries, and drops it. */
    static List<Plan> postgres(int rows, int batchSize, Path dir) throws Exception {
        try (GatewayDatabase pg = GatewayDatabase.create(Dialect.POSTGRES, Flavor.NEW_API, dir)) {
            GatewayRows generator = new GatewayRows(7);
            long now = System.currentTimeMillis() / 1000;
            for (int done = 0; done < rows; done += 10_000) {
                pg.insert(generator.next(Math.min(10_000, rows - done), now - 86_400, now));
            }
            List<Plan> plans = new ArrayList<>();
            try (Connection c = pg.connect();
                    Statement s = c.createStatement()) {
                s.execute("ANALYZE logs");
                String selectList =
                        String.join(", ", StreamingRead.exporterColumns(c)).replace("`group`", "\"group\"");
                for (Map.Entry<String, String> q :
                        queries(selectList, pg.maxId(), batchSize).entrySet()) {
                    List<String> lines = new ArrayList<>();
                    try (ResultSet rs =
                            s.executeQuery("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) " + q.getValue())) {
                        while (rs.next()) {
                            lines.add(rs.getString(1));
                        }
                    }
                    String plan = String.join("\n", lines);
                    boolean primaryOnly = !plan.contains("Seq Scan")
                            && (plan.contains("logs_pkey") || plan.contains("One-Time Filter: false"));
                    plans.add(new Plan(q.getKey(), q.getValue(), lines, primaryOnly));
                }
            }
            return plans;
        }
    }
}
