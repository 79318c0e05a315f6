package io.tokenmonitor.exporter;

import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.common.config.HostPort;
import io.tokenmonitor.exporter.config.ExporterConfig;
import io.tokenmonitor.exporter.http.HealthProbe;
import io.tokenmonitor.exporter.http.WebConfig;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The container's health check: {@code java -cp token-monitor-exporter.jar
 * io.tokenmonitor.exporter.Healthcheck}. Reads the exporter's {@code LISTEN_ADDRESS} (its port) and
 * {@code WEB_CONFIG_FILE} (TLS or not) from the same environment, asks 127.0.0.1 for
 * {@code /healthz} and exits 0 on a 200, 1 otherwise with one line on stderr.
 */
public final class Healthcheck {

    private Healthcheck() {}

    public static void main(String[] args) {
        String listen = System.getenv().getOrDefault("LISTEN_ADDRESS", ExporterConfig.DEFAULT_LISTEN_ADDRESS);
        String webFile = System.getenv("WEB_CONFIG_FILE");
        try {
            int port = HostPort.parse("LISTEN_ADDRESS", listen).port();
            WebConfig web = webFile == null || webFile.isBlank() ? WebConfig.NONE : WebConfig.read(Path.of(webFile));
            String status = HealthProbe.statusLine(port, web);
            if (status.matches("HTTP/1\\.[01] 200\\b.*")) {
                System.exit(0);
            }
            System.err.println("unhealthy: /healthz on 127.0.0.1:" + port + " answered \"" + status + "\"");
        } catch (ConfigException e) {
            System.err.println("unhealthy: " + e.getMessage());
        } catch (IOException e) {
            System.err.println("unhealthy: no answer from the exporter on 127.0.0.1 (" + listen + "): " + e);
        }
        System.exit(1);
    }
}
