package io.tokenmonitor.exporter.bench;

import io.tokenmonitor.common.testing.TestLog;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes New API log rows at a fixed rate the way the gateway does: one single-row INSERT per
 * request, autocommitted, all columns GORM writes. Above 200 rows/s it spreads the rate over several
 * connections, as the gateway's concurrent requests do (one connection cannot commit 1,000 times a
 * second with a flush per commit).
 */
final class GatewayWriter implements AutoCloseable {

    static final String INSERT = "INSERT INTO logs (user_id, created_at, type, content, username, token_name, "
            + "model_name, quota, prompt_tokens, completion_tokens, use_time, is_stream, channel_id, token_id, "
            + "`group`, ip, request_id, other) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    private static final int ROWS_PER_SECOND_PER_CONNECTION = 200;

    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong rows = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final long startNanos = System.nanoTime();

    private GatewayWriter() {}

    /** Starts writing {@code rowsPerSecond} rows a second, created now, until {@link #close()}. */
    static GatewayWriter start(String jdbcUrl, int rowsPerSecond, long seed) {
        GatewayWriter writer = new GatewayWriter();
        int connections =
                Math.max(1, (rowsPerSecond + ROWS_PER_SECOND_PER_CONNECTION - 1) / ROWS_PER_SECOND_PER_CONNECTION);
        for (int i = 0; i < connections; i++) {
            double rate = (double) rowsPerSecond / connections;
            GatewayRows generator = new GatewayRows(seed + i);
            Thread t = new Thread(() -> writer.write(jdbcUrl, rate, generator), "bench-writer-" + i);
            t.setDaemon(true);
            writer.threads.add(t);
            t.start();
        }
        return writer;
    }

    /** Rows committed so far. */
    long rows() {
        return rows.get();
    }

    /** Rows per second achieved since the start. */
    double rate() {
        return rows.get() / ((System.nanoTime() - startNanos) / 1e9);
    }

    private void write(String jdbcUrl, double rowsPerSecond, GatewayRows generator) {
        long period = (long) (1e9 / rowsPerSecond);
        try (Connection c = DriverManager.getConnection(jdbcUrl, "root", "");
                PreparedStatement ps = c.prepareStatement(INSERT)) {
            long next = System.nanoTime();
            while (running.get()) {
                long now = System.currentTimeMillis() / 1000;
                bind(ps, generator.next(1, now, now + 1).get(0));
                ps.executeUpdate();
                rows.incrementAndGet();
                next += period;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
        } catch (SQLException e) {
            failure.compareAndSet(null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Binds one row to {@link #INSERT}. */
    static void bind(PreparedStatement ps, TestLog r) throws SQLException {
        ps.setLong(1, 1);
        ps.setLong(2, r.createdAt());
        ps.setInt(3, r.type());
        ps.setString(4, GatewayRows.content(r));
        ps.setString(5, r.username());
        ps.setString(6, r.tokenName());
        ps.setString(7, r.model());
        ps.setLong(8, r.quota());
        ps.setLong(9, r.promptTokens());
        ps.setLong(10, r.completionTokens());
        ps.setLong(11, r.useTimeSeconds());
        ps.setBoolean(12, r.stream());
        ps.setLong(13, r.channelId());
        ps.setLong(14, 1);
        ps.setString(15, "default");
        ps.setString(16, "");
        ps.setString(
                17,
                UUID.nameUUIDFromBytes(Long.toString(System.nanoTime()).getBytes(StandardCharsets.UTF_8))
                        .toString()
                        .replace("-", ""));
        ps.setString(18, r.other());
    }

    /**
     * Inserts rows on {@code c} with {@link #INSERT} as one JDBC batch (a multi-row INSERT with
     * rewriteBatchedStatements), leaving the transaction to the caller: the freshness probe's batches,
     * which one connection must commit at 1,000 rows/s even on a loaded machine.
     */
    static void insert(Connection c, List<TestLog> batch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (TestLog r : batch) {
                bind(ps, r);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Stops the writers; throws what stopped one early, if anything did. */
    @Override
    public void close() throws Exception {
        running.set(false);
        for (Thread t : threads) {
            t.join(10_000);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("writer failed: " + failure.get().getMessage(), failure.get());
        }
    }
}
