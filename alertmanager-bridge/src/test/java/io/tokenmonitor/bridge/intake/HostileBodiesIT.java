package io.tokenmonitor.bridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.bridge.Bridge;
import io.tokenmonitor.bridge.testing.FakePlatform;
import io.tokenmonitor.bridge.testing.TestConfigs;
import io.tokenmonitor.bridge.testing.Webhooks;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 1,000 malformed or hostile bodies: every one gets a 4xx, and the service keeps answering. */
class HostileBodiesIT {
    @TempDir
    Path dir;

    private final FakePlatform telegram = new FakePlatform(FakePlatform.TELEGRAM_OK);
    private final HttpClient http = HttpClient.newHttpClient();
    private Bridge bridge;

    @BeforeEach
    void start() {
        bridge = Bridge.start(
                TestConfigs.telegramAt(telegram, dir, Map.of()), Clock.systemUTC(), new PrometheusRegistry(), "test");
    }

    @AfterEach
    void stop() {
        bridge.close();
        telegram.close();
    }

    private int post(byte[] body) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.port() + "/alerts"))
                                .header("Authorization", "Bearer " + TestConfigs.TOKEN)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** A deterministic mix of the ways a body can be wrong. */
    static List<byte[]> hostileBodies(int count) {
        SplittableRandom random = new SplittableRandom(20261130L);
        String valid = Webhooks.body("ff00", "firing", "2026-11-30T01:00:00Z", Map.of());
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bodies.add(
                    switch (i % 12) {
                        case 0 ->
                            utf8("{\"version\":\"4\",\"alerts\":\"" + "x".repeat(random.nextInt(1, 5000))
                                    + "\"}"); // wrong type
                        case 1 ->
                            utf8(valid.replace(
                                    "\"status\":\"firing\",\"labels\"",
                                    "\"status\":" + random.nextInt() + ",\"labels\""));
                        case 2 ->
                            utf8(valid.replace("\"labels\":{", "\"labels\":[{")
                                    .replace("},\"annotations\"", "}],\"annotations\""));
                        case 3 ->
                            utf8(valid.replace(
                                    "\"startsAt\":\"2026-11-30T01:00:00Z\"", "\"startsAt\":" + random.nextLong()));
                        case 4 ->
                            utf8("{\"version\":\"" + "9".repeat(random.nextInt(100_000, 900_000))
                                    + "\",\"alerts\":[]}"); // huge string
                        case 5 -> utf8("[".repeat(random.nextInt(50, 20_000)) + "]".repeat(10)); // deep nesting
                        case 6 ->
                            utf8("{\"alerts\":" + "{\"a\":".repeat(random.nextInt(40, 5_000)) + "1" + "}".repeat(3)
                                    + "}");
                        case 7 -> badUtf8(valid, random); // bad UTF-8
                        case 8 -> randomBytes(random);
                        case 9 -> utf8(valid.substring(0, random.nextInt(1, valid.length() - 1))); // truncated
                        case 10 ->
                            utf8(List.of(
                                            "",
                                            "null",
                                            "[]",
                                            "42",
                                            "\"x\"",
                                            "{}",
                                            "{\"alerts\":null}",
                                            "{\"alerts\":[null]}",
                                            valid + "garbage",
                                            "{\"version\":\"5\",\"alerts\":[]}")
                                    .get(random.nextInt(10)));
                        default ->
                            utf8(valid.replace("\"startsAt\":\"2026-11-30T01:00:00Z\"", "\"startsAt\":\"yesterday\""));
                    });
        }
        return bodies;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] badUtf8(String valid, SplittableRandom random) {
        byte[] base = utf8(valid);
        int at = valid.indexOf("budget exceeded");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(base, 0, at);
        byte[][] invalid = {
            {(byte) 0xC3, 0x28},
            {(byte) 0xFF},
            {(byte) 0xE2, (byte) 0x82},
            {(byte) 0xF0, 0x28, (byte) 0x8C, 0x28},
            {(byte) 0xC0, (byte) 0xAF}
        };
        out.writeBytes(invalid[random.nextInt(invalid.length)]);
        out.write(base, at, base.length - at);
        return out.toByteArray();
    }

    private static byte[] randomBytes(SplittableRandom random) {
        byte[] b = new byte[random.nextInt(1, 4096)];
        random.nextBytes(b);
        b[0] = '{';
        return b;
    }

    @Test
    void givenThousandHostileBodies_whenPosted_thenEachGets4xxAndServiceStaysUp() throws Exception {
        List<byte[]> bodies = hostileBodies(1000);
        List<String> not4xx = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            int status = post(bodies.get(i));
            if (status < 400 || status >= 500) {
                not4xx.add("#" + i + " (kind " + (i % 12) + ") -> " + status);
            }
        }
        assertThat(not4xx).isEmpty();
        assertThat(post(utf8(Webhooks.body("ok01", "firing", "2026-11-30T01:00:00Z", Map.of()))))
                .isEqualTo(200);
        int health = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.port() + "/healthz"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
        assertThat(health).isEqualTo(200);
    }

    /** A repeated key would let the last one win ({@code action} twice): refused, with the key named. */
    @Test
    void givenAlertWithARepeatedKey_whenPosted_then400NamingTheKey() throws Exception {
        String valid = Webhooks.body("dd01", "firing", "2026-11-30T01:00:00Z", Map.of("action", "notify"));
        String repeated =
                valid.replace("\"action\":\"notify\"", "\"action\":\"notify\",\"action\":\"disable_channel\"");
        assertThat(repeated).isNotEqualTo(valid);
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.port() + "/alerts"))
                        .header("Authorization", "Bearer " + TestConfigs.TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(repeated))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("Duplicate field 'action'");
        assertThat(post(utf8(valid))).isEqualTo(200);
    }
}
