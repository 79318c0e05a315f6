package io.tokenmonitor.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.testing.GatewayDatabase;
import io.tokenmonitor.common.testing.GatewayDatabase.Flavor;
import io.tokenmonitor.common.testing.TestLog;
import io.tokenmonitor.exporter.testing.Await;
import io.tokenmonitor.exporter.testing.ExporterProcess;
import io.tokenmonitor.exporter.testing.MetricsScrape;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client sending 100,000 distinct model names cannot blow up the series count or the exporter's heap. */
class CardinalityIT {

    private static final int MODELS = 100_000;
    private static final int CAP = 500;

    @TempDir
    Path dir;

    @Test
    void givenHundredThousandModelNames_whenSynced_thenSeriesAreCappedAndTheRestFoldsIntoOther() throws Exception {
        long now = Instant.now().getEpochSecond();
        try (GatewayDatabase db = GatewayDatabase.create(Dialect.SQLITE, Flavor.NEW_API, dir)) {
            List<TestLog> rows = new ArrayList<>(MODELS);
            for (int i = 0; i < MODELS; i++) {
                rows.add(TestLog.consume(
                        now - MODELS + i, 1, "random-model-" + i + "-" + Long.toHexString(i * 2654435761L), 10, 5, 15));
            }
            db.insert(rows);
            Map<String, String> env = Map.of(
                    "SQL_DSN",
                    db.sqlDsn(),
                    "STORE_PATH",
                    dir.resolve("store.db").toString(),
                    "MAX_MODELS",
                    Integer.toString(CAP));
            // A small heap: holding 100,000 series (or their histograms) would not fit.
            try (ExporterProcess exporter =
                    ExporterProcess.start(env, dir.resolve("exporter.log"), List.of("-Xmx96m"))) {
                MetricsScrape scrape = Await.until(
                        () -> MetricsScrape.of(exporter.port()),
                        s -> total(s, "newapi_usage_requests_total") == MODELS,
                        Duration.ofSeconds(120));

                assertThat(total(scrape, "newapi_usage_requests_total")).isEqualTo(MODELS);
                long distinctModels = scrape.samples().stream()
                        .filter(s -> s.name().equals("newapi_usage_requests_total"))
                        .map(s -> s.labels().get("model"))
                        .distinct()
                        .count();
                assertThat(distinctModels).isEqualTo(CAP + 1);
                assertThat(scrape.usage().get("1|__other__").requests()).isEqualTo(MODELS - CAP);
                assertThat(scrape.value("newapi_label_overflow_total")).isEqualTo(MODELS - CAP);
                assertThat(scrape.samples().size())
                        .as("whole exposition stays small")
                        .isLessThan(60_000);
                assertThat(exporter.isAlive()).isTrue();
            }
        }
    }

    private static double total(MetricsScrape scrape, String name) {
        return scrape.samples().stream()
                .filter(s -> s.name().equals(name))
                .mapToDouble(MetricsScrape.Sample::value)
                .sum();
    }
}
