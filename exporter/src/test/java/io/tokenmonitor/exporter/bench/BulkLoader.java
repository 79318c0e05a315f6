package io.tokenmonitor.exporter.bench;

import com.mysql.cj.jdbc.JdbcStatement;
import io.tokenmonitor.common.testing.GatewayDatabase;
import io.tokenmonitor.common.testing.TestLog;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Fills a MariaDB gateway database fast: drops the secondary indexes of {@code logs}, streams the
 * rows in with {@code LOAD DATA LOCAL INFILE} (generated on another thread), then adds the same
 * indexes back in one {@code ALTER TABLE}, so the table ends with exactly the gateway's DDL.
 */
final class BulkLoader {

    private static final int CHUNK_ROWS = 100_000;
    private static final String COLUMNS =
            "user_id, created_at, type, content, username, token_name, model_name, quota, prompt_tokens, "
                    + "completion_tokens, use_time, is_stream, channel_id, token_id, `group`, ip, request_id, other";

    private final String jdbcUrl;
    private final GatewayRows rows;

    BulkLoader(GatewayDatabase db, GatewayRows rows) throws SQLException {
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT DATABASE()")) {
            rs.next();
            this.jdbcUrl = "jdbc:mysql://127.0.0.1:3306/" + rs.getString(1)
                    + "?useSSL=false&allowPublicKeyRetrieval=true&allowLoadLocalInfile=true";
        }
        this.rows = rows;
    }

    /** For a server elsewhere: {@code jdbcUrl} names the database and allows {@code LOAD DATA LOCAL} (root, no password). */
    BulkLoader(String jdbcUrl, GatewayRows rows) {
        this.jdbcUrl = jdbcUrl;
        this.rows = rows;
    }

    /** Appends {@code count} rows created between the two instants; returns the elapsed seconds of loading and of indexing. */
    double[] append(long count, long fromSecond, long toSecond) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "root", "");
                Statement s = c.createStatement()) {
            Map<String, String> indexes = secondaryIndexes(s);
            if (!indexes.isEmpty()) {
                s.execute("ALTER TABLE logs "
                        + String.join(
                                ", ",
                                indexes.keySet().stream()
                                        .map(n -> "DROP INDEX `" + n + "`")
                                        .toList()));
            }
            long start = System.nanoTime();
            load(s, count, fromSecond, toSecond);
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            if (!indexes.isEmpty()) {
                List<String> adds = new ArrayList<>();
                indexes.forEach((name, columns) -> adds.add("ADD INDEX `" + name + "` (" + columns + ")"));
                s.execute("ALTER TABLE logs " + String.join(", ", adds));
            }
            return new double[] {loadSeconds, (System.nanoTime() - start) / 1e9};
        }
    }

    private void load(Statement s, long count, long fromSecond, long toSecond) throws Exception {
        BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(2);
        ExecutorService generator = Executors.newSingleThreadExecutor(r -> new Thread(r, "bench-generate"));
        try {
            Future<?> produced = generator.submit(() -> {
                for (long done = 0; done < count; done += CHUNK_ROWS) {
                    int n = (int) Math.min(CHUNK_ROWS, count - done);
                    long from = fromSecond + (toSecond - fromSecond) * done / count;
                    long to = fromSecond + (toSecond - fromSecond) * (done + n) / count;
                    chunks.put(tsv(rows.next(n, from, to)));
                }
                return null;
            });
            JdbcStatement mysql = s.unwrap(JdbcStatement.class);
            long loaded = 0;
            long reportAt = 0;
            while (loaded < count) {
                byte[] chunk = chunks.take();
                mysql.setLocalInfileInputStream(new ByteArrayInputStream(chunk));
                loaded += s.executeUpdate("LOAD DATA LOCAL INFILE 'rows.tsv' INTO TABLE logs CHARACTER SET utf8mb4 "
                        + "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (" + COLUMNS + ")");
                if (loaded >= reportAt) {
                    System.out.printf("  loaded %,d / %,d rows%n", loaded, count);
                    reportAt += 1_000_000;
                }
            }
            produced.get();
        } finally {
            generator.shutdownNow();
        }
    }

    private static Map<String, String> secondaryIndexes(Statement s) throws SQLException {
        Map<String, String> indexes = new LinkedHashMap<>();
        try (ResultSet rs =
                s.executeQuery("SELECT INDEX_NAME, GROUP_CONCAT(CONCAT('`', COLUMN_NAME, '`') ORDER BY SEQ_IN_INDEX) "
                        + "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'logs' AND INDEX_NAME <> 'PRIMARY' "
                        + "GROUP BY INDEX_NAME ORDER BY MIN(SEQ_IN_INDEX), INDEX_NAME")) {
            while (rs.next()) {
                indexes.put(rs.getString(1), rs.getString(2));
            }
        }
        return indexes;
    }

    private static byte[] tsv(List<TestLog> logs) {
        StringBuilder out = new StringBuilder(logs.size() * 420);
        for (TestLog r : logs) {
            out.append(1)
                    .append('\t')
                    .append(r.createdAt())
                    .append('\t')
                    .append(r.type())
                    .append('\t');
            escaped(out, GatewayRows.content(r)).append('\t');
            escaped(out, r.username()).append('\t');
            escaped(out, r.tokenName()).append('\t');
            escaped(out, r.model()).append('\t');
            out.append(r.quota())
                    .append('\t')
                    .append(r.promptTokens())
                    .append('\t')
                    .append(r.completionTokens())
                    .append('\t')
                    .append(r.useTimeSeconds())
                    .append('\t')
                    .append(r.stream() ? 1 : 0)
                    .append('\t')
                    .append(r.channelId())
                    .append('\t')
                    .append(1)
                    .append('\t')
                    .append("default")
                    .append('\t')
                    .append('\t')
                    .append(
                            UUID.nameUUIDFromBytes(Long.toString(r.createdAt() * 31 + r.quota())
                                            .getBytes(StandardCharsets.UTF_8))
                                    .toString(),
                            0,
                            32)
                    .append('\t');
            escaped(out, r.other()).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static StringBuilder escaped(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                default -> out.append(ch);
            }
        }
        return out;
    }
}
