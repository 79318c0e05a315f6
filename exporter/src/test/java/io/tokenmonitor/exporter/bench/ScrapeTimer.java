package io.tokenmonitor.exporter.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Times whole /metrics responses the way Prometheus asks for them (OpenMetrics, kept-alive connection). */
final class ScrapeTimer {

    private static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0;q=0.5,"
            + "application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";
    private static final int WARM_UP = 20;
    private static final Duration PAUSE = Duration.ofMillis(20);

    /** Latencies of {@code count} scrapes, plus what one response held. */
    record Result(LatencyStats latency, int bytes, int requestSeries, int sampleLines, String largestFamilies) {}

    private ScrapeTimer() {}

    static Result time(int port, int count) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .header("Accept", PROMETHEUS_ACCEPT)
                .timeout(Duration.ofSeconds(10))
                .build();
        byte[] body = new byte[0];
        for (int i = 0; i < WARM_UP; i++) {
            body = http.send(request, HttpResponse.BodyHandlers.ofByteArray()).body();
        }
        double[] millis = new double[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            body = http.send(request, HttpResponse.BodyHandlers.ofByteArray()).body();
            millis[i] = (System.nanoTime() - start) / 1e6;
            Thread.sleep(PAUSE.toMillis());
        }
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        int samples = Exposition.samples(text);
        java.util.Map<String, Long> families = text.lines()
                .filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.split("[{ ]", 2)[0].replaceAll("_(bucket|count|sum|created|total)$", ""))
                .collect(java.util.stream.Collectors.groupingBy(f -> f, java.util.stream.Collectors.counting()));
        String largest = families.entrySet().stream()
                .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(5)
                .map(e -> String.format("%s %,d", e.getKey(), e.getValue()))
                .collect(java.util.stream.Collectors.joining(", "));
        return new Result(
                LatencyStats.of(millis),
                body.length,
                Exposition.count(text, "newapi_usage_requests_total"),
                samples,
                largest);
    }
}
