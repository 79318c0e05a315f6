package io.tokenmonitor.bridge.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The shaded bridge jar run as a child process, as in production; {@link #kill()} is a SIGKILL. */
public final class BridgeProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private BridgeProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static Path jar() {
        return Path.of(System.getProperty("bridge.jar", "target/token-monitor-bridge.jar"));
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Starts the jar with {@code env} (LISTEN_ADDRESS is set here) and waits until /healthz answers. */
    public static BridgeProcess start(int port, Map<String, String> env, Path log, List<String> jvmOptions)
            throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().put("LISTEN_ADDRESS", "127.0.0.1:" + port);
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        BridgeProcess bridge = new BridgeProcess(builder.start(), port);
        bridge.awaitHealthy(Duration.ofSeconds(30));
        return bridge;
    }

    private void awaitHealthy(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("bridge exited with " + process.exitValue());
            }
            try {
                HttpResponse<Void> r = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("bridge not healthy within " + timeout);
    }

    public int port() {
        return port;
    }

    /** SIGKILL: no shutdown hook, no flush, like a crash or the OOM killer. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            kill();
        }
    }
}
