package io.tokenmonitor.exporter.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * prometheus-sql-exporter (Debian's package, justwatchcom/sql_exporter 0.4.5) configured as an
 * operator would to get per-channel, per-model usage out of New API's {@code logs}: for the last
 * 24 hours and the last 30 days, the requests, prompt and completion tokens and quota of the
 * consumption rows ({@code type = 2}) GROUP BY channel and model, re-run every interval.
 */
final class PeerExporter implements AutoCloseable {

    static final String BINARY = "prometheus-sql-exporter";
    /** The series of the 30-day query, the job's last: present once a whole run finished. */
    static final String LAST_METRIC = "sql_newapi_usage_30d";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Path DEBIAN_DEFAULTS = Path.of("/etc/default/prometheus-sql-exporter");

    private final Process process;
    private final int port;
    private final Path log;

    private PeerExporter(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The configuration file (sql_exporter 0.4.5's format) for the database at {@code goDsn}. */
    static String config(String goDsn, Duration interval) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("# Per-channel, per-model usage of New API's logs, as an operator would ask for it.\n")
                .append("jobs:\n")
                .append("- name: newapi\n")
                .append("  interval: '")
                .append(interval.toSeconds())
                .append("s'\n")
                .append("  connections:\n")
                .append("  - 'mysql://")
                .append(goDsn)
                .append("'\n")
                .append("  queries:\n");
        for (Map.Entry<String, Long> window : windows().entrySet()) {
            yaml.append("  - name: newapi_usage_")
                    .append(window.getKey())
                    .append("\n")
                    .append("    help: 'New API consumption of the last ")
                    .append(window.getKey())
                    .append(" by channel and model'\n")
                    .append("    labels: [channel_id, model_name]\n")
                    .append("    values: [requests, prompt_tokens, completion_tokens, quota]\n")
                    .append("    query: |\n")
                    .append("      SELECT CAST(channel_id AS CHAR) AS channel_id, model_name,\n")
                    .append("             COUNT(*) AS requests, SUM(prompt_tokens) AS prompt_tokens,\n")
                    .append("             SUM(completion_tokens) AS completion_tokens, SUM(quota) AS quota\n")
                    .append("      FROM logs\n")
                    .append("      WHERE type = 2 AND created_at >= UNIX_TIMESTAMP() - ")
                    .append(window.getValue())
                    .append("\n")
                    .append("      GROUP BY channel_id, model_name\n");
        }
        return yaml.toString();
    }

    private static Map<String, Long> windows() {
        Map<String, Long> windows = new LinkedHashMap<>();
        windows.put("24h", Duration.ofHours(24).toSeconds());
        windows.put("30d", Duration.ofDays(30).toSeconds());
        return windows;
    }

    /**
     * Starts the binary on a free port with the configuration in {@code dir}, in the environment the
     * Debian service gives it (/etc/default/prometheus-sql-exporter: GOGC, GOMAXPROCS, LOGLEVEL).
     */
    static PeerExporter start(String goDsn, Duration interval, Path dir) throws IOException {
        Path config = dir.resolve("sql-exporter.yml");
        Files.writeString(config, config(goDsn, interval));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = dir.resolve("sql-exporter.log");
        ProcessBuilder builder = new ProcessBuilder(
                        BINARY, "-config.file", config.toString(), "-web.listen-address", "127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(debianDefaults());
        return new PeerExporter(builder.start(), port, log);
    }

    /** The service's environment file's variables (not CONFIG or PG*, which are the service's own). */
    static Map<String, String> debianDefaults() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        if (!Files.isReadable(DEBIAN_DEFAULTS)) {
            return env;
        }
        for (String line : Files.readAllLines(DEBIAN_DEFAULTS)) {
            String trimmed = line.trim();
            int eq = trimmed.indexOf('=');
            if (trimmed.startsWith("#") || eq <= 0) {
                continue;
            }
            String key = trimmed.substring(0, eq);
            if (List.of("GOGC", "GOMAXPROCS", "LOGLEVEL").contains(key)) {
                env.put(key, trimmed.substring(eq + 1).replace("\"", ""));
            }
        }
        return env;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    String metrics() throws IOException, InterruptedException {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** Waits until a whole job run has finished (the last query's series are there); the time it waited. */
    Duration awaitFirstRun(Duration limit) throws Exception {
        long start = System.nanoTime();
        while (System.nanoTime() - start < limit.toNanos()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(BINARY + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (Exposition.count(metrics(), LAST_METRIC) > 0) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(BINARY + ": no " + LAST_METRIC + " within " + limit + "; see " + log);
    }

    /** The installed package's version, as dpkg knows it (the binary's own -version is empty in Debian's build). */
    static String version() {
        try {
            List<String> out = Tools.run(Duration.ofSeconds(10), "dpkg-query", "-W", "-f=${Version}", BINARY);
            return out.isEmpty() ? "?" : String.join(" ", out);
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
