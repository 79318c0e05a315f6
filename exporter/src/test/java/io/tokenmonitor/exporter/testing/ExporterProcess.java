package io.tokenmonitor.exporter.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The exporter jar running as its own process, which a test can kill with SIGKILL. */
public final class ExporterProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final int port;

    private ExporterProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts {@code java -jar} on the shaded jar with {@code env} added; output goes to {@code log}. */
    public static ExporterProcess start(Map<String, String> env, Path log, List<String> jvmOptions) throws IOException {
        return start(List.of(), env, log, jvmOptions, List.of());
    }

    /** As {@link #start(Map, Path, List)}, run through {@code runAs} (e.g. setpriv with another uid), with the exporter's {@code arguments}. */
    public static ExporterProcess start(
            List<String> runAs, Map<String, String> env, Path log, List<String> jvmOptions, List<String> arguments)
            throws IOException {
        String jar = System.getProperty("exporter.jar", "target/token-monitor-exporter.jar");
        if (!runAs.isEmpty()) {
            // Another uid may not reach into the checkout (a clone in a mode-700 mktemp directory): it runs a
            // world-readable copy of the jar, from the directory of its log, which the test opened to it.
            Path copy = Files.createTempFile("token-monitor-exporter-", ".jar");
            Files.copy(Path.of(jar), copy, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
            copy.toFile().deleteOnExit();
            jar = copy.toString();
        }
        int port = freePort();
        List<String> command = new java.util.ArrayList<>(runAs);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar);
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.environment().put("LISTEN_ADDRESS", "127.0.0.1:" + port);
        if (!runAs.isEmpty()) {
            builder.directory(log.toAbsolutePath().getParent().toFile());
        }
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new ExporterProcess(builder.start(), port);
    }

    public int port() {
        return port;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** HTTP status of /readyz, or -1 when the process does not answer yet. */
    public int readyStatus() {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** SIGKILL: no shutdown hook, no flush, like a crash or an OOM kill. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, as docker stop sends it, and waits for the exit; returns the exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        return awaitExit(Duration.ofSeconds(30));
    }

    /** Waits up to {@code limit} for the process to end by itself; its exit code, or -1 if it still runs. */
    public int awaitExit(Duration limit) throws InterruptedException {
        return process.waitFor(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
