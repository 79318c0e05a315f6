package io.tokenmonitor.e2e.harness;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The real bridge jar as a process on a free port, its state file in {@code dir}. */
public final class BridgeProcess implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final ManagedProcess process;
    private final int port;

    private BridgeProcess(ManagedProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the bridge; {@code env} holds the rest of its settings (BRIDGE_TOKEN, TELEGRAM_*, FEISHU_*,
     * WECOM_WEBHOOK, SQL_DSN, CONFIG_FILE …). LISTEN_ADDRESS and STATE_PATH are set here.
     */
    public static BridgeProcess start(Path dir, Map<String, String> env) {
        int port = FreePort.pick();
        Map<String, String> all = new HashMap<>(env);
        all.put("LISTEN_ADDRESS", "127.0.0.1:" + port);
        all.put("STATE_PATH", dir.resolve("bridge.db").toString());
        ManagedProcess process = ManagedProcess.start(
                "bridge",
                List.of(
                        ExporterProcess.javaBinary(),
                        "-Xmx192m",
                        "-jar",
                        RepoPaths.bridgeJar().toString()),
                all,
                dir);
        BridgeProcess bridge = new BridgeProcess(process, port);
        try {
            process.awaitHttpOk(bridge.url("/healthz"), READY_TIMEOUT);
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
        return bridge;
    }

    /** host:port for a Prometheus scrape target. */
    public String target() {
        return "127.0.0.1:" + port;
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String logTail() {
        return process.logTail();
    }

    @Override
    public void close() {
        process.close();
    }
}
