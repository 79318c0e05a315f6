package io.tokenmonitor.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.testing.GatewayDatabase;
import io.tokenmonitor.common.testing.GatewayDatabase.Flavor;
import io.tokenmonitor.common.testing.TestLog;
import io.tokenmonitor.common.testing.Usage;
import io.tokenmonitor.exporter.testing.Await;
import io.tokenmonitor.exporter.testing.ExporterProcess;
import io.tokenmonitor.exporter.testing.MetricsScrape;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the exporter process at random moments, during backfill and during tail, against a
 * MariaDB gateway database: afterwards every row is counted exactly once.
 */
class KillIT {

    private static final int HISTORY_ROWS = 200_000;
    private static final int KILLS_DURING_BACKFILL = 3;
    private static final int KILLS_DURING_TAIL = 3;

    @TempDir
    Path dir;

    @Test
    void givenExporterKilledRepeatedlyDuringBackfillAndTail_whenRestarted_thenEveryRowIsCountedOnce() throws Exception {
        Random random = new Random(5);
        long now = Instant.now().getEpochSecond();
        Path log = dir.resolve("exporter.log");
        try (GatewayDatabase db = GatewayDatabase.create(Dialect.MYSQL, Flavor.NEW_API, dir)) {
            for (int i = 0; i < HISTORY_ROWS; i += 10_000) {
                db.insert(TestLog.traffic(random, 10_000, now - 86_400 * 20, now - 600, 20, 40));
            }
            Map<String, String> env = Map.of(
                    "SQL_DSN",
                    db.sqlDsn(),
                    "STORE_PATH",
                    dir.resolve("store.db").toString(),
                    "POLL_INTERVAL",
                    "200ms",
                    "SYNC_BATCH_SIZE",
                    "500");

            int killedMidBackfill = 0;
            for (int k = 0; k < KILLS_DURING_BACKFILL; k++) {
                ExporterProcess exporter = ExporterProcess.start(env, log, List.of("-Xmx256m"));
                Await.until(() -> rowsSynced(exporter), n -> n > 0, Duration.ofSeconds(30));
                Thread.sleep(random.nextInt(1500));
                if (exporter.readyStatus() == 503) {
                    killedMidBackfill++;
                }
                exporter.kill();
            }
            assertThat(killedMidBackfill).as("kills that hit the backfill").isPositive();

            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writer = new Thread(
                    () -> {
                        Random r = new Random(6);
                        while (writing.get()) {
                            try {
                                long t = Instant.now().getEpochSecond();
                                db.insert(TestLog.traffic(r, 40, t, t, 20, 40));
                                Thread.sleep(20);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    },
                    "gateway-writer");
            writer.start();
            try {
                for (int k = 0; k < KILLS_DURING_TAIL; k++) {
                    ExporterProcess exporter = ExporterProcess.start(env, log, List.of("-Xmx256m"));
                    Await.until(exporter::readyStatus, status -> status == 200, Duration.ofSeconds(120));
                    Thread.sleep(300 + random.nextInt(1500));
                    exporter.kill();
                }
            } finally {
                writing.set(false);
                writer.join();
            }

            try (ExporterProcess exporter = ExporterProcess.start(env, log, List.of("-Xmx256m"))) {
                Map<String, Usage> expected = db.usageByGroupBy(0);
                Map<String, Usage> actual = Await.until(
                        () -> MetricsScrape.of(exporter.port()).usage(), expected::equals, Duration.ofSeconds(120));
                assertThat(actual).isEqualTo(expected);
            }
        }
    }

    private static double rowsSynced(ExporterProcess exporter) throws Exception {
        return MetricsScrape.of(exporter.port()).samples().stream()
                .filter(s -> s.name().equals("newapi_ingest_rows_total"))
                .mapToDouble(MetricsScrape.Sample::value)
                .sum();
    }
}
