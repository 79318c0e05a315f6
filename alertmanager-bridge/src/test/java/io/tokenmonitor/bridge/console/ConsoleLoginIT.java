package io.tokenmonitor.bridge.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.bridge.Bridge;
import io.tokenmonitor.bridge.config.ConfigLoader;
import io.tokenmonitor.common.config.Env;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may open the console: nobody without a login configured, admin with ACCESS_PASSWORD; guessing is slowed. */
class ConsoleLoginIT {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private Bridge start(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "LISTEN_ADDRESS", "127.0.0.1:0",
                "STATE_PATH", dir.resolve("bridge.db").toString(),
                "BRIDGE_TOKEN", "tok"));
        env.putAll(extra);
        return Bridge.start(
                new ConfigLoader().load(new Env(env), Optional.empty()),
                Clock.systemUTC(),
                new PrometheusRegistry(),
                "test");
    }

    private HttpResponse<String> get(Bridge bridge, String path, String userPassword) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.port() + path));
        if (userPassword != null) {
            b.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(userPassword.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void givenNoLoginConfigured_whenConsoleOpened_then404SayingHowAndTheRestUnchanged() throws Exception {
        try (Bridge bridge = start(Map.of())) {
            HttpResponse<String> page = get(bridge, "/console/", null);
            assertThat(page.statusCode()).isEqualTo(404);
            assertThat(page.body()).contains("BRIDGE_USER").contains("ACCESS_PASSWORD");
            assertThat(get(bridge, "/api/v1/targets", "admin:x").statusCode()).isEqualTo(404);
            assertThat(get(bridge, "/metrics", null).statusCode()).isEqualTo(200);
            HttpResponse<String> alerts = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.port() + "/alerts"))
                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(alerts.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void givenAccessPassword_whenAdminLogsIn_thenServedAndOtherUsersAreNot() throws Exception {
        try (Bridge bridge = start(Map.of("ACCESS_PASSWORD", "open sesame"))) {
            assertThat(get(bridge, "/api/v1/targets", "admin:open sesame").statusCode())
                    .isEqualTo(200);
            HttpResponse<String> page = get(bridge, "/console/", "admin:open sesame");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy"))
                    .hasValueSatisfying(v -> assertThat(v).contains("default-src 'self'"));
            assertThat(get(bridge, "/api/v1/targets", "root:open sesame").statusCode())
                    .isEqualTo(401);
        }
    }

    @Test
    void givenManyWrongPasswords_whenGuessing_thenRefused429EvenWithTheRightOne() throws Exception {
        try (Bridge bridge = start(Map.of("ACCESS_PASSWORD", "open sesame"))) {
            for (int i = 0; i < 10; i++) {
                assertThat(get(bridge, "/api/v1/targets", "admin:guess" + i).statusCode())
                        .isEqualTo(401);
            }
            HttpResponse<String> throttled = get(bridge, "/api/v1/targets", "admin:open sesame");
            assertThat(throttled.statusCode()).isEqualTo(429);
            assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
        }
    }
}
