package io.tokenmonitor.exporter.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;

/**
 * Scrapes a /metrics endpoint on a fixed interval as Prometheus does (its Accept header, gzip, a
 * kept-alive connection), from the first moment on, until closed; keeps what the last answer held.
 */
final class IntervalScraper implements AutoCloseable {

    /** Prometheus 2.x's Accept header for a scrape (OpenMetrics first, then the text format). */
    static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,"
            + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    /** What the scrapes got: how many, the last body's size on the wire and unpacked, its samples. */
    record Stats(int scrapes, int failures, long wireBytes, long bodyBytes, int samples, String contentType) {}

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final HttpRequest request;
    private final Duration every;
    private final Thread thread;
    private final AtomicReference<Stats> stats = new AtomicReference<>(new Stats(0, 0, 0, 0, 0, ""));
    private volatile boolean running = true;

    private IntervalScraper(URI metrics, Duration every) {
        this.request = HttpRequest.newBuilder(metrics)
                .header("Accept", PROMETHEUS_ACCEPT)
                .header("Accept-Encoding", "gzip")
                .timeout(Duration.ofSeconds(10))
                .build();
        this.every = every;
        this.thread = new Thread(this::loop, "bench-scraper-" + metrics.getPort());
        this.thread.setDaemon(true);
    }

    static IntervalScraper start(int port, Duration every) {
        IntervalScraper scraper = new IntervalScraper(URI.create("http://127.0.0.1:" + port + "/metrics"), every);
        scraper.thread.start();
        return scraper;
    }

    Stats stats() {
        return stats.get();
    }

    private void loop() {
        long next = System.nanoTime();
        while (running) {
            Stats before = stats.get();
            try {
                HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                byte[] wire = response.body();
                boolean gzip = response.headers()
                        .firstValue("Content-Encoding")
                        .map("gzip"::equalsIgnoreCase)
                        .orElse(false);
                byte[] body = gzip ? gunzip(wire) : wire;
                String text = new String(body, StandardCharsets.UTF_8);
                stats.set(new Stats(
                        before.scrapes() + 1,
                        before.failures() + (response.statusCode() == 200 ? 0 : 1),
                        wire.length,
                        body.length,
                        Exposition.samples(text),
                        response.headers().firstValue("Content-Type").orElse("")));
            } catch (IOException e) {
                stats.set(new Stats(
                        before.scrapes() + 1,
                        before.failures() + 1,
                        before.wireBytes(),
                        before.bodyBytes(),
                        before.samples(),
                        before.contentType()));
            } catch (InterruptedException e) {
                return;
            }
            next += every.toNanos();
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private static byte[] gunzip(byte[] wire) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(wire))) {
            return in.readAllBytes();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(10_000);
    }
}
