package io.tokenmonitor.exporter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.testing.GatewayDatabase;
import io.tokenmonitor.common.testing.GatewayDatabase.Flavor;
import io.tokenmonitor.exporter.testing.MetricsScrape;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration the benchmark gives prometheus-sql-exporter is one the real binary (Debian's
 * package) accepts, and it answers what an operator wants from it: per channel and model, the
 * consumption of the last 24 hours and of the last 30 days, and nothing else.
 */
class PeerExporterIT {

    @TempDir
    Path dir;

    @Test
    void givenConsumptionInsideAndOutsideTheDay_whenThePeerRuns_thenBothWindowsSumTheirRowsByChannelAndModel()
            throws Exception {
        long now = Instant.now().getEpochSecond();
        try (GatewayDatabase db = GatewayDatabase.create(Dialect.MYSQL, Flavor.NEW_API, dir)) {
            db.addConsumeLogs(3, "gpt-4o", 5, 100, 20, now - 3_600);
            db.addConsumeLogs(3, "gpt-4o", 2, 10, 1, now - Duration.ofDays(10).toSeconds());
            db.addConsumeLogs(4, "claude", 1, 7, 3, now - Duration.ofDays(40).toSeconds()); // outside both
            db.execute("INSERT INTO logs (created_at, type, model_name, channel_id, prompt_tokens, quota) " + "VALUES ("
                    + now + ", 5, 'gpt-4o', 3, 999, 999)"); // an error row: not consumption

            try (PeerExporter peer = PeerExporter.start(db.sqlDsn(), Duration.ofSeconds(1), dir)) {
                peer.awaitFirstRun(Duration.ofSeconds(60));
                MetricsScrape scrape = MetricsScrape.parse(peer.metrics());

                assertThat(value(scrape, "sql_newapi_usage_24h", "3", "gpt-4o", "requests"))
                        .isEqualTo(5);
                assertThat(value(scrape, "sql_newapi_usage_24h", "3", "gpt-4o", "prompt_tokens"))
                        .isEqualTo(500);
                assertThat(value(scrape, "sql_newapi_usage_24h", "3", "gpt-4o", "completion_tokens"))
                        .isEqualTo(100);
                assertThat(value(scrape, "sql_newapi_usage_24h", "3", "gpt-4o", "quota"))
                        .isEqualTo(600);
                assertThat(value(scrape, "sql_newapi_usage_30d", "3", "gpt-4o", "requests"))
                        .isEqualTo(7);
                assertThat(value(scrape, "sql_newapi_usage_30d", "3", "gpt-4o", "prompt_tokens"))
                        .isEqualTo(520);
                assertThat(scrape.samples())
                        .filteredOn(s -> s.name().startsWith("sql_newapi_usage_"))
                        .as("one series per window and column, none for the 40-day-old channel 4")
                        .hasSize(8)
                        .allMatch(s -> s.labels().get("channel_id").equals("3"));
            }
        }
    }

    private static double value(MetricsScrape scrape, String name, String channel, String model, String column) {
        return scrape.samples().stream()
                .filter(s -> s.name().equals(name)
                        && channel.equals(s.labels().get("channel_id"))
                        && model.equals(s.labels().get("model_name"))
                        && column.equals(s.labels().get("col")))
                .mapToDouble(MetricsScrape.Sample::value)
                .sum();
    }
}
