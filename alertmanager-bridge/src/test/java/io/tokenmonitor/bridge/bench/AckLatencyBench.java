package io.tokenmonitor.bridge.bench;

import io.tokenmonitor.bridge.testing.BridgeProcess;
import io.tokenmonitor.bridge.testing.FakePlatform;
import io.tokenmonitor.bridge.testing.Webhooks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Webhook acknowledgement latency of the real jar at a fixed arrival rate (default 200 alerts/s for 60 s), with
 * the outbox draining to a local fake Telegram at Telegram's rate limit. Latency is measured from each request's
 * scheduled send time, so a stalled server cannot hide behind a slowed-down client (coordinated omission).
 *
 * <pre>
 * mvn -q -B -pl alertmanager-bridge -am verify
 * java -cp alertmanager-bridge/target/test-classes:alertmanager-bridge/target/token-monitor-bridge.jar \
 *      -Dbridge.jar=alertmanager-bridge/target/token-monitor-bridge.jar io.tokenmonitor.bridge.bench.AckLatencyBench [rate] [seconds]
 * </pre>
 */
public final class AckLatencyBench {
    private static final Duration WARMUP = Duration.ofSeconds(10);

    private AckLatencyBench() {}

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        Path dir = Files.createTempDirectory("bridge-bench");
        try (FakePlatform telegram = new FakePlatform(FakePlatform.TELEGRAM_OK)) {
            int port = BridgeProcess.freePort();
            Map<String, String> env = Map.of(
                    "STATE_PATH",
                    dir.resolve("bridge.db").toString(),
                    "BRIDGE_TOKEN",
                    "bench",
                    "TELEGRAM_BOT_TOKEN",
                    "1:BENCH",
                    "TELEGRAM_CHAT_ID",
                    "42",
                    "TELEGRAM_API_URL",
                    telegram.url("").toString(),
                    "PATH",
                    System.getenv().getOrDefault("PATH", "/usr/bin"));
            try (BridgeProcess bridge =
                    BridgeProcess.start(port, env, dir.resolve("bridge.log"), List.of("-Xmx256m"))) {
                HttpClient http = HttpClient.newBuilder()
                        .executor(Executors.newFixedThreadPool(8, r -> {
                            Thread t = new Thread(r, "bench-http");
                            t.setDaemon(true); // the JVM must end when main does
                            return t;
                        }))
                        .build();
                URI alerts = URI.create("http://127.0.0.1:" + port + "/alerts");
                System.out.printf("warm-up %ds at %d alerts/s ...%n", WARMUP.toSeconds(), rate);
                run(http, alerts, rate, (int) WARMUP.toSeconds(), 0);
                System.out.printf("measuring %ds at %d alerts/s ...%n", seconds, rate);
                long[] latencies = run(http, alerts, rate, seconds, 1_000_000);
                report(latencies, rate, seconds, telegram.accepted().size());
                System.out.printf(
                        "load average during the run (1 min): %.2f on %d cores%n",
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                                .getSystemLoadAverage(),
                        Runtime.getRuntime().availableProcessors());
                String metrics = http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                metrics.lines()
                        .filter(l -> l.startsWith("newapi_bridge_outbox_pending")
                                || l.startsWith("newapi_bridge_notifications_sent_total"))
                        .forEach(l -> System.out.println("  " + l));
            }
        }
    }

    /** Sends {@code rate} alerts per second for {@code seconds}; returns latencies in microseconds (-1 = not 200). */
    private static long[] run(HttpClient http, URI uri, int rate, int seconds, int idBase) throws Exception {
        int total = rate * seconds;
        long[] latencies = new long[total];
        List<CompletableFuture<?>> pending = new ArrayList<>(total);
        AtomicInteger failures = new AtomicInteger();
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long scheduled = start + i * intervalNanos;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            int index = i;
            String body = Webhooks.body(
                    String.format("%016x", idBase + i),
                    "firing",
                    "2026-11-30T01:00:00Z",
                    Map.of("id", Integer.toString(i)));
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .header("Authorization", "Bearer bench")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> {
                        boolean ok = e == null && r.statusCode() == 200;
                        if (!ok) {
                            failures.incrementAndGet();
                        }
                        latencies[index] = ok ? (System.nanoTime() - scheduled) / 1_000 : -1;
                    }));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                .exceptionally(e -> null)
                .join();
        if (failures.get() > 0) {
            System.out.printf("  %d requests were not answered 200%n", failures.get());
        }
        return latencies;
    }

    private static void report(long[] micros, int rate, int seconds, int delivered) {
        long[] ok = Arrays.stream(micros).filter(m -> m >= 0).sorted().toArray();
        System.out.printf("requests %d (200: %d), rate %d/s for %ds%n", micros.length, ok.length, rate, seconds);
        System.out.printf(
                "ack latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                pct(ok, 50), pct(ok, 90), pct(ok, 99), pct(ok, 99.9), ok.length == 0 ? 0 : ok[ok.length - 1] / 1000.0);
        System.out.printf(
                "delivered to fake Telegram meanwhile: %d (limit 1/s and 20/min; the rest waits in the outbox)%n",
                delivered);
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000.0;
    }
}
