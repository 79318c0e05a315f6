package io.tokenmonitor.exporter.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes New API log rows into the demo gateway as the gateway would: streamed and non-streamed
 * requests on several channels and models, cache hits, first-token times, failed attempts,
 * refunds and the gateway's own channel tests. Fills two days of history on first start.
 */
public final class TrafficSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrafficSimulator.class);
    private static final Duration HISTORY = Duration.ofDays(2);
    private static final int HISTORY_ROWS_PER_HOUR = 120;
    private static final Duration TICK = Duration.ofMillis(200);
    private static final Duration CHANNEL_TEST_EVERY = Duration.ofMinutes(5);
    private static final String INSERT =
            "INSERT INTO logs (user_id, created_at, type, content, username, token_name, model_name, quota, "
                    + "prompt_tokens, completion_tokens, use_time, is_stream, channel_id, token_id, \"group\", ip, request_id, other) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final List<String> USERS = List.of("alice", "bob", "研发组", "ops-bot", "carol");
    private static final List<String> TOKENS = List.of("default", "ci-pipeline", "生产环境", "notebook");

    private final DemoGateway gateway;
    private final int rowsPerSecond;
    private final Clock clock;
    private final Random random = new Random(20261130L);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread = new Thread(this::run, "demo-traffic");
    private long nextChannelTest;
    private long requestCounter;

    public TrafficSimulator(DemoGateway gateway, int rowsPerSecond, Clock clock) {
        this.gateway = gateway;
        this.rowsPerSecond = rowsPerSecond;
        this.clock = clock;
    }

    /** Fills history if the logs table is empty, then writes live traffic until closed. */
    public void start() throws SQLException {
        try (Connection c = gateway.connect()) {
            if (isEmpty(c)) {
                long now = clock.instant().getEpochSecond();
                long from = now - HISTORY.toSeconds();
                int rows = (int) (HISTORY.toHours() * HISTORY_ROWS_PER_HOUR);
                c.setAutoCommit(false);
                try (PreparedStatement insert = c.prepareStatement(INSERT)) {
                    for (int i = 0; i < rows; i++) {
                        addRow(insert, from + (long) i * HISTORY.toSeconds() / rows);
                    }
                    insert.executeBatch();
                }
                c.commit();
                LOG.info("demo: wrote {} rows of history ({} of traffic) into {}", rows, "2 days", gateway.file());
            }
        }
        thread.setDaemon(true);
        thread.start();
    }

    private static boolean isEmpty(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM logs")) {
            return rs.next() && rs.getLong(1) == 0;
        }
    }

    private void run() {
        double carry = 0;
        try (Connection c = gateway.connect();
                PreparedStatement insert = c.prepareStatement(INSERT)) {
            while (!stopped.await(TICK.toMillis(), TimeUnit.MILLISECONDS)) {
                carry += rowsPerSecond * TICK.toMillis() / 1000.0;
                long now = clock.instant().getEpochSecond();
                int rows = (int) carry;
                carry -= rows;
                for (int i = 0; i < rows; i++) {
                    addRow(insert, now);
                }
                if (now >= nextChannelTest) {
                    nextChannelTest = now + CHANNEL_TEST_EVERY.toSeconds();
                    addChannelTest(insert, now);
                }
                insert.executeBatch();
            }
        } catch (SQLException e) {
            LOG.warn(
                    "demo: writing traffic into {} failed: {}; the demo gateway stops", gateway.file(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void addRow(PreparedStatement insert, long createdAt) throws SQLException {
        DemoGateway.Channel channel = pickChannel();
        String model = channel.models().get(random.nextInt(channel.models().size()));
        String user = USERS.get(random.nextInt(USERS.size()));
        String token = TOKENS.get(random.nextInt(TOKENS.size()));
        double errorRate = channel.id() == 2 ? 0.15 : 0.03;
        double roll = random.nextDouble();
        if (roll < errorRate) {
            int status = List.of(429, 500, 502, 400, 503).get(random.nextInt(5));
            String other = String.format(
                    Locale.ROOT,
                    "{\"error_type\":\"upstream_error\",\"error_code\":\"%s\",\"status_code\":%d,"
                            + "\"channel_id\":%d,\"channel_name\":\"%s\",\"admin_info\":{\"use_channel\":[\"%d\"]}}",
                    status == 429 ? "rate_limit_exceeded" : "bad_response_status_code",
                    status,
                    channel.id(),
                    channel.name(),
                    channel.id());
            bind(
                    insert,
                    user,
                    createdAt,
                    5,
                    "status_code=" + status + ", upstream error",
                    token,
                    model,
                    0,
                    0,
                    0,
                    0,
                    false,
                    channel.id(),
                    other);
            return;
        }
        if (roll > 0.997) {
            long refund = 2_000 + random.nextInt(20_000);
            bind(
                    insert,
                    user,
                    createdAt,
                    6,
                    "异步任务失败，退还额度",
                    token,
                    model,
                    refund,
                    0,
                    0,
                    0,
                    false,
                    channel.id(),
                    "{\"task_id\":\"task_" + requestCounter + "\"}");
            return;
        }
        requestCounter++;
        boolean stream = random.nextDouble() < 0.7;
        boolean reasoning = model.startsWith("o3") || model.contains("reasoner") || model.contains("pro");
        long prompt = (long) Math.exp(5 + random.nextGaussian() * 1.1 + 1.5);
        long completion = (long) Math.exp(4.5 + random.nextGaussian() * 0.9 + (reasoning ? 1.2 : 0));
        double modelRatio = model.contains("mini")
                        || model.contains("flash")
                        || model.contains("haiku")
                        || model.startsWith("deepseek")
                ? 0.3
                : 2.5;
        long cache = 0;
        long cacheWrite = 0;
        if ((channel.tag().equals("openai") || channel.tag().equals("anthropic")) && random.nextDouble() < 0.35) {
            cache = prompt / 2;
        }
        if (channel.tag().equals("anthropic") && random.nextDouble() < 0.1) {
            cacheWrite = prompt / 3;
        }
        long quota = Math.max(1, Math.round((prompt - cache + cache * 0.5 + completion * 4.0) * modelRatio));
        long useTime = Math.max(
                0, Math.round((stream ? 3 : 2) + random.nextGaussian() * 2 + completion / 120.0 + (reasoning ? 8 : 0)));
        if (random.nextDouble() < 0.02) {
            useTime += 30 + random.nextInt(60); // a slow upstream now and then
        }
        long frt = stream
                ? Math.round(
                        300 + Math.abs(random.nextGaussian()) * (channel.tag().equals("anthropic") ? 1500 : 700))
                : -1000;
        String other = String.format(
                Locale.ROOT,
                "{\"model_ratio\":%.2f,\"group_ratio\":1,\"completion_ratio\":4,\"cache_tokens\":%d,"
                        + "\"cache_ratio\":0.5,%s\"model_price\":-1,\"frt\":%d,\"admin_info\":{\"use_channel\":[\"%d\"]}}",
                modelRatio,
                cache,
                cacheWrite > 0
                        ? "\"claude\":true,\"cache_creation_tokens\":" + cacheWrite + ",\"cache_creation_ratio\":1.25,"
                        : "",
                frt,
                channel.id());
        String content = String.format(Locale.ROOT, "模型倍率 %.2f，补全倍率 4.00，分组倍率 1.00", modelRatio);
        bind(
                insert,
                user,
                createdAt,
                2,
                content,
                token,
                model,
                quota,
                prompt,
                completion,
                useTime,
                stream,
                channel.id(),
                other);
    }

    private void addChannelTest(PreparedStatement insert, long createdAt) throws SQLException {
        DemoGateway.Channel channel = pickChannel();
        bind(
                insert,
                "root",
                createdAt,
                2,
                "模型测试",
                "模型测试",
                channel.models().get(0),
                35,
                12,
                5,
                1,
                false,
                channel.id(),
                "{\"model_ratio\":1,\"group_ratio\":1,\"completion_ratio\":1,\"frt\":-1000}");
    }

    private DemoGateway.Channel pickChannel() {
        int[] weights = {35, 8, 22, 12, 15, 8};
        int roll = random.nextInt(100);
        for (int i = 0; i < weights.length; i++) {
            roll -= weights[i];
            if (roll < 0) {
                return DemoGateway.CHANNELS.get(i);
            }
        }
        return DemoGateway.CHANNELS.get(0);
    }

    private void bind(
            PreparedStatement insert,
            String user,
            long createdAt,
            int type,
            String content,
            String token,
            String model,
            long quota,
            long prompt,
            long completion,
            long useTime,
            boolean stream,
            int channelId,
            String other)
            throws SQLException {
        insert.setInt(1, USERS.indexOf(user) + 1);
        insert.setLong(2, createdAt);
        insert.setInt(3, type);
        insert.setString(4, content);
        insert.setString(5, user);
        insert.setString(6, token);
        insert.setString(7, model);
        insert.setLong(8, quota);
        insert.setLong(9, prompt);
        insert.setLong(10, completion);
        insert.setLong(11, useTime);
        insert.setBoolean(12, stream);
        insert.setInt(13, channelId);
        insert.setInt(14, TOKENS.indexOf(token) + 1);
        insert.setString(15, "default");
        insert.setString(16, "");
        insert.setString(17, String.format(Locale.ROOT, "%016x", random.nextLong()));
        insert.setString(18, other);
        insert.addBatch();
    }

    @Override
    public void close() throws InterruptedException {
        stopped.countDown();
        thread.join(TimeUnit.SECONDS.toMillis(5));
    }
}
