package io.tokenmonitor.e2e.harness;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The real exporter jar as a process, on a free port, with its store (and demo gateway) in {@code dir}. */
public final class ExporterProcess implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final ManagedProcess process;
    private final int port;
    private final Path storePath;

    private ExporterProcess(ManagedProcess process, int port, Path storePath) {
        this.process = process;
        this.port = port;
        this.storePath = storePath;
    }

    /** {@code --demo}: the built-in simulated New API gateway writing {@code rowsPerSecond} log rows a second. */
    public static ExporterProcess startDemo(Path dir, int rowsPerSecond) {
        return startDemo(dir, rowsPerSecond, Map.of());
    }

    /** The demo with more settings in {@code env} (e.g. CONFIG_FILE with budgets). */
    public static ExporterProcess startDemo(Path dir, int rowsPerSecond, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("DEMO_PATH", dir.resolve("demo-gateway.db").toString());
        all.put("DEMO_ROWS_PER_SECOND", Integer.toString(rowsPerSecond));
        return start(dir, List.of("--demo"), all);
    }

    /** Against a real gateway database: {@code env} holds at least SQL_DSN (and LOG_SQL_DSN, CONFIG_FILE … as needed). */
    public static ExporterProcess start(Path dir, List<String> arguments, Map<String, String> env) {
        int port = FreePort.pick();
        Path store = dir.resolve("token-monitor.db");
        Map<String, String> all = new HashMap<>(env);
        all.put("LISTEN_ADDRESS", "127.0.0.1:" + port);
        all.put("STORE_PATH", store.toString());
        List<String> command = new java.util.ArrayList<>(List.of(
                javaBinary(), "-Xmx256m", "-jar", RepoPaths.exporterJar().toString()));
        command.addAll(arguments);
        ManagedProcess process = ManagedProcess.start("exporter", command, all, dir);
        ExporterProcess exporter = new ExporterProcess(process, port, store);
        try {
            process.awaitHttpOk(exporter.url("/readyz"), READY_TIMEOUT);
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
        return exporter;
    }

    public int port() {
        return port;
    }

    /** host:port for a Prometheus scrape target. */
    public String target() {
        return "127.0.0.1:" + port;
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public Path storePath() {
        return storePath;
    }

    public String logTail() {
        return process.logTail();
    }

    @Override
    public void close() {
        process.close();
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
