package io.tokenmonitor.bridge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.bridge.Bridge;
import io.tokenmonitor.bridge.testing.FakePlatform;
import io.tokenmonitor.bridge.testing.TestConfigs;
import io.tokenmonitor.bridge.testing.Webhooks;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that send a POST's headers and one byte of body, then nothing, must not stop the bridge: the issue
 * reproduced a full outage of {@code /alerts}, {@code /healthz} and {@code /metrics} with 16 of them.
 */
class SlowClientsIT {
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final FakePlatform telegram = new FakePlatform(FakePlatform.TELEGRAM_OK);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(ANSWER_WITHIN).build();
    private final List<Socket> slow = new ArrayList<>();
    private Bridge bridge;

    @BeforeEach
    void start() {
        bridge = Bridge.start(
                TestConfigs.telegramAt(telegram, dir, Map.of()), Clock.systemUTC(), new PrometheusRegistry(), "test");
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket s : slow) {
            s.close();
        }
        bridge.close();
        telegram.close();
    }

    private Socket openSlow(String path, String authorization) throws Exception {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", bridge.port()), 5_000);
        socket.setSoTimeout((int) ANSWER_WITHIN.toMillis());
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "Content-Length: 100000\r\n\r\n{";
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        slow.add(socket);
        return socket;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(ANSWER_WITHIN).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + bridge.port() + path);
    }

    @Test
    void givenHundredSlowBodies_whenHealthMetricsAndAlertsAsked_thenEachAnswersWithinSeconds() throws Exception {
        for (int i = 0; i < 100; i++) {
            switch (i % 4) {
                case 0 -> openSlow("/alerts", null);
                case 1 -> openSlow("/alerts", "Bearer wrong");
                case 2 -> openSlow("/alerts", "Bearer " + TestConfigs.TOKEN);
                default -> openSlow(i % 8 == 3 ? "/healthz" : "/metrics", null);
            }
        }
        Thread.sleep(300); // let the server take every slow request in

        assertThat(send(HttpRequest.newBuilder(uri("/healthz"))).statusCode()).isEqualTo(200);
        assertThat(send(HttpRequest.newBuilder(uri("/metrics"))).body()).contains("newapi_bridge_");
        HttpResponse<String> alert = send(HttpRequest.newBuilder(uri("/alerts"))
                .header("Authorization", "Bearer " + TestConfigs.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(
                        Webhooks.body("slow01", "firing", "2026-11-30T01:00:00Z", Map.of()))));
        assertThat(alert.statusCode()).isEqualTo(200);
    }

    @Test
    void givenUnauthenticatedSlowBody_whenHeadersArrive_thenAnswered401AndClosedWithoutWaitingForTheBody()
            throws Exception {
        Socket socket = openSlow("/alerts", "Bearer wrong");
        InputStream in = socket.getInputStream();
        String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(response).startsWith("HTTP/1.1 401").containsIgnoringCase("connection: close");
    }

    @Test
    void givenAuthenticatedBodyThatTrickles_whenTheDeadlinePasses_thenTheConnectionIsClosed() throws Exception {
        Socket socket = openSlow("/alerts", "Bearer " + TestConfigs.TOKEN);
        socket.setSoTimeout(20_000); // the 10 s body deadline, with room for a loaded machine
        long start = System.nanoTime();
        int read = socket.getInputStream().read();
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(read).as("closed without an answer").isEqualTo(-1);
        assertThat(waitedMs).as("not before the deadline").isGreaterThanOrEqualTo(9_000);
    }
}
