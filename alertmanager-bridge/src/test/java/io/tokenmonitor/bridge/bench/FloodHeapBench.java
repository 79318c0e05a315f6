package io.tokenmonitor.bridge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.bridge.Bridge;
import io.tokenmonitor.bridge.testing.FakePlatform;
import io.tokenmonitor.bridge.testing.TestConfigs;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.Map;

/**
 * Heap cost of flood webhooks, in process: one of {@code alerts} alerts (default 1,000, as many labels each as
 * fit in the 1 MiB body limit) and one alert with 30,000 labels. Prints heap in use after a full GC before and
 * after each webhook, the peak during it, and the outbox rows it produced.
 *
 * <pre>
 * mvn -q -B -pl alertmanager-bridge -am verify -DskipTests
 * java -Xmx256m -cp alertmanager-bridge/target/test-classes:alertmanager-bridge/target/token-monitor-bridge.jar \
 *      io.tokenmonitor.bridge.bench.FloodHeapBench [alerts]
 * </pre>
 */
public final class FloodHeapBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FloodHeapBench() {}

    public static void main(String[] args) throws Exception {
        int alerts = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        Path dir = Files.createTempDirectory("bridge-flood");
        try (FakePlatform telegram = new FakePlatform(FakePlatform.TELEGRAM_OK)) {
            Bridge bridge = Bridge.start(
                    TestConfigs.telegramAt(telegram, dir, Map.of()),
                    Clock.systemUTC(),
                    new PrometheusRegistry(),
                    "bench");
            try {
                HttpClient http = HttpClient.newHttpClient();
                int labelsEach = Math.max(1, (1_000_000 / alerts - 400) / 24);
                measure(http, bridge, dir, alerts + " alerts x " + labelsEach + " labels", body(alerts, labelsEach, 0));
                measure(http, bridge, dir, "1 alert x 30,000 labels", body(1, 30_000, 1));
            } finally {
                bridge.close();
            }
        }
    }

    private static void measure(HttpClient http, Bridge bridge, Path dir, String what, String body) throws Exception {
        long before = usedAfterGc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.port() + "/alerts"))
                        .header("Authorization", "Bearer " + TestConfigs.TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        long peak = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed())
                .sum();
        long after = usedAfterGc();
        long rows;
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("bridge.db"));
                var rs = c.createStatement().executeQuery("SELECT count(*) FROM outbox")) {
            rows = rs.getLong(1);
        }
        System.out.printf(
                "%s: body %,d bytes, HTTP %d; heap after GC %,d KiB before, %,d KiB after; peak %,d KiB;"
                        + " outbox rows so far %,d%n",
                what, body.length(), response.statusCode(), before / 1024, after / 1024, peak / 1024, rows);
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String body(int alerts, int labels, int seed) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "4");
        root.put("groupKey", "{}:{alertname=\"Flood\"}");
        root.put("status", "firing");
        root.put("receiver", "bridge");
        root.putObject("groupLabels");
        root.putObject("commonLabels");
        root.putObject("commonAnnotations");
        root.put("externalURL", "http://alertmanager.example:9093");
        ArrayNode list = root.putArray("alerts");
        for (int a = 0; a < alerts; a++) {
            ObjectNode alert = list.addObject();
            alert.put("status", "firing");
            ObjectNode l = alert.putObject("labels");
            l.put("alertname", "Flood" + seed);
            for (int i = 0; i < labels; i++) {
                l.put("l" + i, "v" + a + "-" + i);
            }
            alert.putObject("annotations").put("summary", "flood " + a);
            alert.put("startsAt", "2026-11-30T01:00:00Z");
            alert.put("endsAt", "0001-01-01T00:00:00Z");
            alert.put("fingerprint", String.format("%016x", (long) seed << 32 | a));
        }
        return root.toString();
    }
}
