package io.tokenmonitor.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.testing.GatewayDatabase;
import io.tokenmonitor.common.testing.GatewayDatabase.Flavor;
import io.tokenmonitor.common.testing.TestLog;
import io.tokenmonitor.common.testing.Usage;
import io.tokenmonitor.exporter.config.ExporterConfig;
import io.tokenmonitor.exporter.testing.Await;
import io.tokenmonitor.exporter.testing.MetricsScrape;
import io.tokenmonitor.exporter.testing.TcpProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exporter against real gateway databases (MariaDB and PostgreSQL on 127.0.0.1, SQLite files),
 * New API and One API: what /metrics reports must equal GROUP BY over the source's logs.
 */
class SyncIT {

    private static final Duration CONVERGE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    static Stream<Arguments> everySource() {
        return Stream.of(Dialect.values())
                .flatMap(d -> Stream.of(Flavor.values()).map(f -> Arguments.of(d, f)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everySource")
    void givenHistory_whenBackfilledAndTailed_thenMetricsEqualGroupByOnSource(Dialect dialect, Flavor flavor)
            throws Exception {
        Random random = new Random(1);
        long now = Instant.now().getEpochSecond();
        try (GatewayDatabase db = GatewayDatabase.create(dialect, flavor, dir)) {
            db.insert(TestLog.traffic(random, 20_000, now - 86_400 * 3, now - 60, 7, 11));
            try (Exporter exporter = start(db.sqlDsn())) {
                Map<String, Usage> expected = db.usageByGroupBy(0);
                assertThat(awaitUsage(exporter, expected)).isEqualTo(expected);

                db.insert(TestLog.traffic(random, 700, now - 5, now, 7, 12));
                Map<String, Usage> afterTail = db.usageByGroupBy(0);
                assertThat(awaitUsage(exporter, afterTail)).isEqualTo(afterTail);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Dialect.class,
            names = {"MYSQL", "POSTGRES"})
    void givenRowCommittedLateWithLowerId_whenNextPollsRun_thenItIsCountedOnce(Dialect dialect) throws Exception {
        Random random = new Random(2);
        long now = Instant.now().getEpochSecond();
        try (GatewayDatabase db = GatewayDatabase.create(dialect, Flavor.NEW_API, dir);
                Exporter exporter = start(db.sqlDsn())) {
            db.insert(TestLog.traffic(random, 300, now - 600, now, 3, 4));
            awaitUsage(exporter, db.usageByGroupBy(0));

            try (Connection late = db.connect()) {
                late.setAutoCommit(false);
                db.insert(
                        late,
                        List.of(TestLog.consume(now, 9, "late-model", 1234, 567, 4321))); // id allocated, not visible
                db.insert(TestLog.traffic(random, 200, now, now, 3, 4)); // higher ids, committed
                Map<String, Usage> withoutLate = db.usageByGroupBy(0);
                assertThat(awaitUsage(exporter, withoutLate)).isEqualTo(withoutLate);
                late.commit();
            }

            Map<String, Usage> expected = db.usageByGroupBy(0);
            assertThat(expected).containsKey("9|late-model");
            assertThat(awaitUsage(exporter, expected)).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void givenGatewayDeletesOldLogs_whenSyncContinues_thenTotalsNeverGoDown(Dialect dialect) throws Exception {
        Random random = new Random(3);
        long now = Instant.now().getEpochSecond();
        try (GatewayDatabase db = GatewayDatabase.create(dialect, Flavor.NEW_API, dir);
                Exporter exporter = start(db.sqlDsn())) {
            db.insert(TestLog.traffic(random, 3_000, now - 86_400 * 10, now - 3_600, 4, 5));
            Map<String, Usage> beforePurge = db.usageByGroupBy(0);
            awaitUsage(exporter, beforePurge);
            long maxIdBeforePurge = db.maxId();

            // As the gateway's "delete logs before" does: DELETE FROM logs WHERE created_at < ?
            assertThat(db.execute("DELETE FROM logs WHERE created_at < " + (now - 86_400 * 2)))
                    .isPositive();
            db.insert(TestLog.traffic(random, 400, now - 10, now, 4, 5));

            Map<String, Usage> expected = sum(beforePurge, db.usageByGroupBy(maxIdBeforePurge));
            assertThat(awaitUsage(exporter, expected)).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Dialect.class,
            names = {"MYSQL", "POSTGRES"})
    void givenSourceOutage_whenDatabaseComesBack_thenUpDropsAndSyncResumesExactly(Dialect dialect) throws Exception {
        Random random = new Random(4);
        long now = Instant.now().getEpochSecond();
        try (GatewayDatabase db = GatewayDatabase.create(dialect, Flavor.NEW_API, dir);
                TcpProxy proxy = new TcpProxy(dialect == Dialect.MYSQL ? 3306 : 5432);
                Exporter exporter = start(db.sqlDsnVia("127.0.0.1:" + proxy.port()))) {
            db.insert(TestLog.traffic(random, 1_000, now - 3_600, now, 3, 4));
            Map<String, Usage> beforeOutage = db.usageByGroupBy(0);
            awaitUsage(exporter, beforeOutage);

            proxy.cut();
            db.insert(TestLog.traffic(random, 500, now, now, 3, 4));
            MetricsScrape during =
                    Await.until(() -> MetricsScrape.of(exporter.port()), s -> s.value("newapi_up") == 0.0, CONVERGE);
            assertThat(during.value("newapi_up")).isZero();
            assertThat(during.usage()).as("last known values keep being served").isEqualTo(beforeOutage);

            proxy.restore();
            Map<String, Usage> expected = db.usageByGroupBy(0);
            assertThat(awaitUsage(exporter, expected)).isEqualTo(expected);
            assertThat(MetricsScrape.of(exporter.port()).value("newapi_up")).isEqualTo(1.0);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Dialect.class,
            names = {"SQLITE", "MYSQL"})
    void givenHostileRows_whenSynced_thenTheyAreCountedAsFarAsPossibleAndTheSyncGoesOn(Dialect dialect)
            throws Exception {
        long now = Instant.now().getEpochSecond();
        try (GatewayDatabase db = GatewayDatabase.create(dialect, Flavor.NEW_API, dir);
                Exporter exporter = start(db.sqlDsn())) {
            String huge = "x".repeat(500_000); // SQLite refuses statements over 1 MB
            db.execute(
                    "INSERT INTO logs (created_at, type, model_name, channel_id, prompt_tokens, completion_tokens, quota, other) VALUES "
                            + "(" + now + ", 2, 'nulls', NULL, NULL, NULL, NULL, NULL),"
                            + "(" + now + ", 2, 'negative', 1, -50, 20, 30, '{}'),"
                            + "(" + now + ", 2, 'bad-other', 1, 10, 20, 30, 'not json at all'),"
                            + "(" + now + ", 2, 'huge-other', 1, 10, 20, 30, '{\"po\":\"" + huge
                            + "\",\"cache_tokens\":3}'),"
                            + "(" + now + ", 99, 'unknown-type', 1, 10, 20, 30, '{}'),"
                            + "(" + now + ", 2, 'line\nbreak \"quoted\"', 1, 10, 20, 30, '{}')");
            if (dialect == Dialect.SQLITE) { // SQLite stores whatever type it is given
                db.execute(
                        "INSERT INTO logs (created_at, type, model_name, channel_id, prompt_tokens, completion_tokens, quota, is_stream, other) "
                                + "VALUES ('" + now
                                + "', 2, 'text-in-numbers', 'one', 'lots', 5, 'abc', 'maybe', '{}')");
            }
            db.insert(List.of(TestLog.consume(now, 2, "after-the-bad-rows", 7, 8, 9)));

            MetricsScrape scrape = Await.until(
                    () -> MetricsScrape.of(exporter.port()),
                    s -> s.usage().containsKey("2|after-the-bad-rows"),
                    CONVERGE);
            Map<String, Usage> usage = scrape.usage();
            assertThat(usage.get("2|after-the-bad-rows")).isEqualTo(new Usage(1, 7, 8, 9, 0));
            assertThat(usage.get("0|nulls")).isEqualTo(new Usage(1, 0, 0, 0, 0));
            assertThat(usage.get("1|negative")).as("negative tokens become 0").isEqualTo(new Usage(1, 0, 20, 30, 0));
            assertThat(usage.get("1|bad-other")).isEqualTo(new Usage(1, 10, 20, 30, 0));
            assertThat(usage.get("1|huge-other")).isEqualTo(new Usage(1, 10, 20, 30, 0));
            assertThat(usage.get("1|line\nbreak \"quoted\"")).isEqualTo(new Usage(1, 10, 20, 30, 0));
            assertThat(usage).doesNotContainKey("1|unknown-type");
            double rowErrors = scrape.samples().stream()
                    .filter(s -> s.name().equals("newapi_ingest_errors_total")
                            && "row".equals(s.labels().get("stage")))
                    .mapToDouble(MetricsScrape.Sample::value)
                    .sum();
            assertThat(rowErrors).isEqualTo(dialect == Dialect.SQLITE ? 3 : 2);
            assertThat(scrape.value("newapi_up")).isEqualTo(1.0);
        }
    }

    /**
     * A history of whole batches on an idle gateway: the read that finds the backfill caught up brings no row, so
     * nothing is committed after the last full batch. The first backfill's bulk mode must still end before the
     * exporter is ready (it once ended only when the exporter stopped: no time index, no saved totals, and a restart
     * discarded the whole backfill).
     */
    @Test
    void givenHistoryOfWholeBatches_whenCaughtUp_thenTheFirstBackfillHasEndedBeforeReady() throws Exception {
        long now = Instant.now().getEpochSecond();
        Path store = dir.resolve("store-whole-batches.db");
        try (GatewayDatabase db = GatewayDatabase.create(Dialect.SQLITE, Flavor.NEW_API, dir)) {
            db.insert(TestLog.traffic(new Random(6), 3 * 1000, now - 86_400, now - 60, 3, 4)); // SYNC_BATCH_SIZE × 3
            try (Exporter exporter = start(db.sqlDsn(), store)) {
                Await.until(() -> readyStatus(exporter.port()), status -> status == 200, CONVERGE);
                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store);
                        Statement s = c.createStatement()) {
                    assertThat(count(s, "SELECT COUNT(*) FROM first_backfill"))
                            .as("bulk-mode marker left")
                            .isZero();
                    assertThat(count(s, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'logs_created_at'"))
                            .as("deferred time index built")
                            .isEqualTo(1);
                    assertThat(count(s, "SELECT COUNT(*) FROM usage_totals"))
                            .as("totals saved")
                            .isPositive();
                }
                assertThat(awaitUsage(exporter, db.usageByGroupBy(0))).isEqualTo(db.usageByGroupBy(0));
            }
        }
    }

    private static long count(Statement s, String sql) throws Exception {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static int readyStatus(int port) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private Exporter start(String sqlDsn) throws Exception {
        return start(sqlDsn, dir.resolve("store-" + System.nanoTime() + ".db"));
    }

    private Exporter start(String sqlDsn, Path store) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("SQL_DSN", sqlDsn);
        env.put("LISTEN_ADDRESS", "127.0.0.1:0");
        env.put("STORE_PATH", store.toString());
        env.put("POLL_INTERVAL", "200ms");
        env.put("SYNC_BATCH_SIZE", "1000");
        return Exporter.start(ExporterConfig.fromEnvironment(env, false), false);
    }

    private static Map<String, Usage> awaitUsage(Exporter exporter, Map<String, Usage> expected) throws Exception {
        return Await.until(() -> MetricsScrape.of(exporter.port()).usage(), expected::equals, CONVERGE);
    }

    private static Map<String, Usage> sum(Map<String, Usage> a, Map<String, Usage> b) {
        Map<String, Usage> total = new TreeMap<>(a);
        b.forEach((k, v) -> total.merge(k, v, Usage::plus));
        return total;
    }
}
