package io.tokenmonitor.bridge.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.bridge.testing.BridgeProcess;
import io.tokenmonitor.bridge.testing.FakePlatform;
import io.tokenmonitor.bridge.testing.Webhooks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of the real jar with a full outbox: nothing acknowledged is lost, nothing is sent twice. */
class KillNineIT {
    private static final int ALERTS = 60;
    private static final Pattern ID = Pattern.compile("id=(\\d+)");
    private static final FakePlatform.Answer FEISHU_DOWN =
            new FakePlatform.Answer(503, "{\"code\":500,\"msg\":\"maintenance\"}");

    @TempDir
    Path dir;

    private final FakePlatform feishu = new FakePlatform(FEISHU_DOWN);
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        feishu.close();
    }

    private Map<String, String> env() {
        return Map.of(
                "STATE_PATH",
                dir.resolve("bridge.db").toString(),
                "BRIDGE_TOKEN",
                "t",
                "FEISHU_WEBHOOK",
                feishu.url("/open-apis/bot/v2/hook/k").toString(),
                "PATH",
                System.getenv().getOrDefault("PATH", "/usr/bin"));
    }

    private int post(int port, int id) throws Exception {
        String body = Webhooks.body(
                String.format("%016x", id), "firing", "2026-11-30T01:00:00Z", Map.of("id", Integer.toString(id)));
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/alerts"))
                                .header("Authorization", "Bearer t")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** How often each alert id reached the platform. */
    private Map<Integer, Long> deliveries() {
        return feishu.accepted().stream()
                .map(r -> {
                    Matcher m = ID.matcher(r.body());
                    return m.find() ? Integer.parseInt(m.group(1)) : -1;
                })
                .collect(Collectors.groupingBy(i -> i, TreeMap::new, Collectors.counting()));
    }

    private void awaitDeliveries(int distinct, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (deliveries().size() < distinct && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
    }

    @Test
    void givenFullOutboxAndPlatformDown_whenKilledAndRestarted_thenEveryAlertArrivesExactlyOnce() throws Exception {
        int port = BridgeProcess.freePort();
        Path log = dir.resolve("bridge.log");
        BridgeProcess first = BridgeProcess.start(port, env(), log, List.of());
        for (int id = 0; id < ALERTS; id++) {
            assertThat(post(port, id)).isEqualTo(200);
        }
        Instant tried = Instant.now().plusSeconds(10);
        while (feishu.all().isEmpty() && Instant.now().isBefore(tried)) {
            Thread.sleep(50);
        }
        assertThat(feishu.all()).as("the worker tried and failed").isNotEmpty();
        first.kill();

        feishu.answer(FakePlatform.FEISHU_OK);
        try (BridgeProcess second = BridgeProcess.start(port, env(), log, List.of())) {
            awaitDeliveries(ALERTS, Duration.ofSeconds(90));
        }
        Map<Integer, Long> counts = deliveries();
        assertThat(counts).hasSize(ALERTS);
        assertThat(counts.values()).allMatch(n -> n == 1);
    }

    @Test
    void givenOutboxDraining_whenKilledMidway_thenNothingIsLostAndAtMostTheInFlightPartRepeats() throws Exception {
        int port = BridgeProcess.freePort();
        Path log = dir.resolve("bridge.log");
        BridgeProcess first = BridgeProcess.start(port, env(), log, List.of());
        for (int id = 0; id < ALERTS; id++) {
            assertThat(post(port, id)).isEqualTo(200);
        }
        feishu.answer(FakePlatform.FEISHU_OK);
        awaitDeliveries(10, Duration.ofSeconds(60));
        first.kill();
        int beforeRestart = deliveries().size();
        assertThat(beforeRestart).isLessThan(ALERTS);

        try (BridgeProcess second = BridgeProcess.start(port, env(), log, List.of())) {
            awaitDeliveries(ALERTS, Duration.ofSeconds(90));
        }
        Map<Integer, Long> counts = deliveries();
        assertThat(counts).hasSize(ALERTS);
        // A platform cannot tell us about a message it received just as we died: that one part may repeat.
        assertThat(counts.values().stream().filter(n -> n > 1).count()).isLessThanOrEqualTo(1);
        assertThat(counts.values()).allMatch(n -> n <= 2);
    }
}
