package io.tokenmonitor.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Alertmanager ({@code prometheus-alertmanager}) on a free port, configured from the
 * repository's {@code prometheus/alertmanager.yml} with only the webhook address, the bearer
 * token file's path and the grouping timers replaced; no clustering.
 */
public final class AlertmanagerProcess implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ManagedProcess process;
    private final int port;
    private final Path configFile;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AlertmanagerProcess(ManagedProcess process, int port, Path configFile) {
        this.process = process;
        this.port = port;
        this.configFile = configFile;
    }

    /** Timers the test shortens (Alertmanager duration strings, e.g. "1s"); null keeps the file's value. */
    public record Timers(String groupWait, String groupInterval, String repeatInterval) {}

    /**
     * Starts Alertmanager in {@code dir}, sending to {@code webhookUrl} with {@code bearerToken}
     * (written to a file, as alertmanager.yml expects).
     */
    public static AlertmanagerProcess start(Path dir, URI webhookUrl, String bearerToken, Timers timers) {
        int port = FreePort.pick();
        Path config = writeConfig(dir, webhookUrl, bearerToken, timers);
        ManagedProcess process = ManagedProcess.start(
                "alertmanager",
                List.of(
                        RepoPaths.alertmanagerBinary().toString(),
                        "--config.file=" + config,
                        "--storage.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--cluster.listen-address=",
                        "--log.level=info"),
                Map.of(),
                dir);
        AlertmanagerProcess am = new AlertmanagerProcess(process, port, config);
        try {
            process.awaitHttpOk(am.url("/-/ready"), READY_TIMEOUT);
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
        return am;
    }

    /** alertmanager.yml with every webhook URL, every credentials_file and the given route timers replaced. */
    static Path writeConfig(Path dir, URI webhookUrl, String bearerToken, Timers timers) {
        try {
            Files.createDirectories(dir);
            Path tokenFile = dir.resolve("bridge_token");
            Files.writeString(tokenFile, bearerToken + "\n");
            ObjectNode root = (ObjectNode) YAML.readTree(
                    RepoPaths.root().resolve("prometheus/alertmanager.yml").toFile());
            ObjectNode route = (ObjectNode) root.path("route");
            if (timers.groupWait() != null) {
                route.put("group_wait", timers.groupWait());
            }
            if (timers.groupInterval() != null) {
                route.put("group_interval", timers.groupInterval());
            }
            if (timers.repeatInterval() != null) {
                route.put("repeat_interval", timers.repeatInterval());
            }
            for (JsonNode receiver : root.path("receivers")) {
                for (JsonNode webhook : receiver.path("webhook_configs")) {
                    ((ObjectNode) webhook).put("url", webhookUrl.toString());
                    JsonNode auth = webhook.path("http_config").path("authorization");
                    if (auth.has("credentials_file")) {
                        ((ObjectNode) auth).put("credentials_file", tokenFile.toString());
                    }
                }
            }
            Path out = dir.resolve("alertmanager.yml");
            YAML.writeValue(out.toFile(), root);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("prometheus/alertmanager.yml: cannot derive the test configuration", e);
        }
    }

    /** Alerts Alertmanager holds now (GET /api/v2/alerts), as JSON objects. */
    public List<JsonNode> alerts() {
        try {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(url("/api/v2/alerts"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "alertmanager /api/v2/alerts answered " + response.statusCode() + ": " + response.body());
            }
            List<JsonNode> out = new ArrayList<>();
            JSON.readTree(response.body()).forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("alertmanager /api/v2/alerts failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** host:port for prometheus.yml's alerting section. */
    public String target() {
        return "127.0.0.1:" + port;
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public Path configFile() {
        return configFile;
    }

    public String logTail() {
        return process.logTail();
    }

    @Override
    public void close() {
        process.close();
    }
}
