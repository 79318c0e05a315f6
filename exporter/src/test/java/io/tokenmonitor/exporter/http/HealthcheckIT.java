package io.tokenmonitor.exporter.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.exporter.metrics.UsageExposition;
import io.tokenmonitor.exporter.model.UsageTotals;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's HEALTHCHECK command, as exporter/Dockerfile writes it, run here against the packaged jar:
 * it passes against a plain and a TLS exporter (client certificate required too), and fails when none answers.
 */
class HealthcheckIT {

    private static final String IMAGE_JAR = "/app/token-monitor-exporter.jar";

    @TempDir
    Path dir;

    @Test
    void givenPlainExporter_whenTheImageHealthCheckRuns_thenItPasses() throws Exception {
        try (ExporterHttpServer server = start(WebConfig.NONE)) {
            assertThat(healthcheck(Map.of("LISTEN_ADDRESS", "0.0.0.0:" + server.port())))
                    .isEqualTo(0);
        }
    }

    @Test
    void givenTlsExporter_whenTheImageHealthCheckRuns_thenItPasses() throws Exception {
        SelfSigned pair = SelfSigned.create(dir, "server");
        for (String clientAuth : List.of("NoClientCert", "RequireAnyClientCert")) {
            Path file = Files.writeString(
                    dir.resolve(clientAuth + ".yml"), """
                    tls_server_config: {cert_file: %s, key_file: %s, client_auth_type: %s}
                    """.formatted(pair.cert(), pair.key(), clientAuth));
            try (ExporterHttpServer server = start(WebConfig.read(file))) {
                assertThat(healthcheck(Map.of(
                                "LISTEN_ADDRESS", "0.0.0.0:" + server.port(), "WEB_CONFIG_FILE", file.toString())))
                        .as(clientAuth)
                        .isEqualTo(0);
                if (clientAuth.equals("NoClientCert")) {
                    assertThat(healthcheck(Map.of("LISTEN_ADDRESS", "0.0.0.0:" + server.port())))
                            .as("web config given as --web.config.file, out of the health check's sight")
                            .isEqualTo(0);
                }
            }
        }
    }

    @Test
    void givenNothingListening_whenTheImageHealthCheckRuns_thenItFails() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        assertThat(healthcheck(Map.of("LISTEN_ADDRESS", "0.0.0.0:" + port))).isNotZero();
    }

    private static ExporterHttpServer start(WebConfig web) throws IOException {
        return ExporterHttpServer.start(
                new InetSocketAddress("127.0.0.1", 0),
                new PrometheusRegistry(),
                new UsageExposition(() -> UsageTotals.EMPTY, () -> true),
                () -> true,
                web);
    }

    /** Runs the Dockerfile's HEALTHCHECK CMD with the packaged jar in place of the image's; its exit code. */
    private int healthcheck(Map<String, String> env) throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        Matcher cmd = Pattern.compile("(?m)^HEALTHCHECK [^\\n]*\\\\\\n\\s*CMD (\\[.*])$")
                .matcher(dockerfile);
        assertThat(cmd.find())
                .as("exporter/Dockerfile: HEALTHCHECK … CMD [exec form]")
                .isTrue();
        List<String> command = new ArrayList<>();
        for (String part : new ObjectMapper().readValue(cmd.group(1), String[].class)) {
            command.add(part.replace(IMAGE_JAR, System.getProperty("exporter.jar")));
        }
        if (command.get(0).equals("java")) {
            command.set(
                    0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("WEB_CONFIG_FILE");
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(20, TimeUnit.SECONDS))
                .as("health check ends")
                .isTrue();
        System.out.println(
                "health check: " + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        return process.exitValue();
    }
}
