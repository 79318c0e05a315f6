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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The exporter jar as its own process with a clean environment, and what the benchmark reads from it. */
final class ExporterRun implements AutoCloseable {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Pattern THREAD_CPU = Pattern.compile("^\"([^\"]+)\".* cpu=([0-9.]+)ms");

    /** What the backfill took, seen from outside through /metrics and /readyz. */
    record Backfill(
            long rows,
            double firstRowToCaughtUpSeconds,
            double startToReadySeconds,
            double maxHeapUsedMb,
            double peakRssMb) {
        double rowsPerSecond() {
            return rows / firstRowToCaughtUpSeconds;
        }
    }

    private final Process process;
    private final int port;
    private final Path log;

    private ExporterRun(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts {@code java <jvmOptions> -jar jar} with only {@code env} (plus PATH and HOME) and a free port. */
    static ExporterRun start(Path jar, Map<String, String> env, List<String> jvmOptions, Path log) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        String path = environment.get("PATH");
        String home = environment.get("HOME");
        environment.clear();
        environment.put("PATH", path == null ? "/usr/bin:/bin" : path);
        environment.put("HOME", home == null ? "/tmp" : home);
        environment.putAll(env);
        environment.put("LISTEN_ADDRESS", "127.0.0.1:" + port);
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new ExporterRun(builder.start(), port, log);
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /**
     * Polls until /readyz answers 200. The rate is measured from the first poll that sees synced rows
     * to the first that sees the backfill caught up (the rows synced before that first poll are left out).
     */
    Backfill awaitCaughtUp(Duration limit) throws Exception {
        long started = System.nanoTime();
        long deadline = started + limit.toNanos();
        long firstRows = -1;
        long firstAt = 0;
        double maxHeap = 0;
        double maxRss = 0;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("exporter exited with " + process.exitValue() + "; see " + log);
            }
            boolean ready = readyStatus() == 200;
            long now = System.nanoTime();
            String text = metricsOrNull();
            if (text != null) {
                long rows = (long) Exposition.sum(text, "newapi_ingest_rows_total");
                maxHeap = Math.max(
                        maxHeap, Exposition.sumWithLabel(text, "jvm_memory_used_bytes", "area=\"heap\"") / 1e6);
                maxRss = Math.max(maxRss, procStatusKb("VmRSS") / 1024.0);
                if (firstRows < 0 && rows > 0) {
                    firstRows = rows;
                    firstAt = now;
                }
                if (ready) {
                    double seconds = (now - firstAt) / 1e9;
                    System.out.printf("  caught up: %,d rows, %,.0f rows/s%n", rows, (rows - firstRows) / seconds);
                    return new Backfill(
                            rows - firstRows,
                            seconds,
                            (now - started) / 1e9,
                            maxHeap,
                            Math.max(maxRss, procStatusKb("VmHWM") / 1024.0));
                }
                if ((now - started) / POLL.toNanos() % 40 == 0) {
                    System.out.printf("  backfill: %,d rows synced, heap %.0f MB%n", rows, maxHeap);
                }
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new IllegalStateException("backfill not caught up within " + limit + "; see " + log);
    }

    int readyStatus() {
        try {
            return HTTP.send(get("/readyz"), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String metrics() throws IOException, InterruptedException {
        return HTTP.send(get("/metrics"), HttpResponse.BodyHandlers.ofString()).body();
    }

    private String metricsOrNull() throws InterruptedException {
        try {
            return metrics();
        } catch (IOException e) {
            return null;
        }
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .build();
    }

    /** A field of /proc/PID/status in kB (VmRSS, VmHWM), 0 when unreadable. */
    long procStatusKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** CPU seconds (user + system) the exporter process has used so far. */
    double cpuSeconds() {
        return ProcStat.cpuSeconds(process.pid());
    }

    /** CPU milliseconds per thread from {@code jcmd Thread.print}, GC and compiler threads merged by kind. */
    Map<String, Double> threadCpuMillis() throws IOException, InterruptedException {
        Map<String, Double> cpu = new TreeMap<>();
        for (String line : Tools.run(Duration.ofSeconds(30), "jcmd", Long.toString(process.pid()), "Thread.print")) {
            Matcher m = THREAD_CPU.matcher(line);
            if (m.find()) {
                String name = m.group(1)
                        .replaceAll("#?\\d+$", "")
                        .replaceAll("-\\d+$", "")
                        .trim();
                cpu.merge(name, Double.parseDouble(m.group(2)), Double::sum);
            }
        }
        return cpu;
    }

    /** Writes the running JFR recording (started with {@code -XX:StartFlightRecording=name=bench}) to {@code file}. */
    void dumpRecording(Path file) throws IOException, InterruptedException {
        Tools.run(
                Duration.ofSeconds(60),
                "jcmd",
                Long.toString(process.pid()),
                "JFR.dump",
                "name=bench",
                "filename=" + file);
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
