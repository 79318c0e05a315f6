package io.tokenmonitor.exporter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.tokenmonitor.exporter.metrics.UsageExposition;
import io.tokenmonitor.exporter.model.UsageTotals;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A scrape of megabytes, repeated until every server thread has served one, leaves the direct
 * memory nearly where it was. Before {@link BoundedWrites}, each thread kept a direct buffer as large
 * as the body: 128 × 2 MB took the whole default direct limit of an exporter under {@code -Xmx256m}
 * (OutOfMemoryError after the headers, a 30 s stall for the scraper; issue 12's bench).
 */
class LargeScrapesIT {

    private static final int SERIES = 25_000;

    @Test
    void givenATwoMegabyteScrape_whenEveryServerThreadServesOne_thenDirectMemoryStaysSmall() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(() -> {
            GaugeSnapshot.Builder gauge =
                    GaugeSnapshot.builder().name("bench_padding").help("makes the body large");
            for (int i = 0; i < SERIES; i++) {
                gauge.dataPoint(GaugeDataPointSnapshot.builder()
                        .labels(Labels.of("series", "a-label-value-long-enough-for-a-hundred-bytes-" + i, "k", "v"))
                        .value(i)
                        .build());
            }
            return gauge.build();
        });
        try (ExporterHttpServer server = ExporterHttpServer.start(
                new InetSocketAddress("127.0.0.1", 0),
                registry,
                new UsageExposition(() -> UsageTotals.EMPTY, () -> true),
                () -> true,
                WebConfig.NONE)) {
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                    .timeout(Duration.ofSeconds(10))
                    .build();
            int bodyBytes =
                    http.send(request, HttpResponse.BodyHandlers.ofByteArray()).body().length;
            assertThat(bodyBytes).isGreaterThan(2_000_000);
            long before = directMemoryUsed();
            // The pool starts a new thread for each task until it has THREADS of them, so this many
            // sequential scrapes reach every one.
            for (int i = 0; i < ExporterHttpServer.THREADS + 8; i++) {
                HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).hasSize(bodyBytes);
            }
            long grown = directMemoryUsed() - before;
            assertThat(grown)
                    .as("direct memory grown over %d scrapes of %,d bytes", ExporterHttpServer.THREADS + 8, bodyBytes)
                    .isLessThan(32L * 1024 * 1024);
        }
    }

    private static long directMemoryUsed() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct"))
                .mapToLong(BufferPoolMXBean::getMemoryUsed)
                .sum();
    }
}
