package io.tokenmonitor.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real Prometheus on a free port, configured from the repository's {@code prometheus/prometheus.yml}
 * with only the targets, the intervals and the paths replaced: the same jobs, the same
 * {@code rules/*.yml}.
 */
public final class PrometheusProcess implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final ManagedProcess process;
    private final PrometheusApi api;
    private final Path configFile;

    private PrometheusProcess(ManagedProcess process, PrometheusApi api, Path configFile) {
        this.process = process;
        this.api = api;
        this.configFile = configFile;
    }

    /**
     * Starts Prometheus in {@code dir}. {@code targets} maps a job name of prometheus.yml to its
     * host:port ({@code prometheus} itself is filled in); {@code alertmanager} is host:port or null
     * for an address where nothing listens.
     */
    public static PrometheusProcess start(
            Path dir, Map<String, String> targets, String alertmanager, Duration interval) {
        return start(dir, targets, alertmanager, interval, Map.of());
    }

    /**
     * As {@link #start(Path, Map, String, Duration)}, plus jobs that prometheus.yml does not have
     * ({@code extraJobs}: job name to host:port), e.g. a fixture publishing series of a contract no
     * program in the test publishes yet.
     */
    public static PrometheusProcess start(
            Path dir,
            Map<String, String> targets,
            String alertmanager,
            Duration interval,
            Map<String, String> extraJobs) {
        int port = FreePort.pick();
        Path config = writeConfig(
                dir,
                port,
                targets,
                alertmanager == null ? "127.0.0.1:" + FreePort.pick() : alertmanager,
                interval,
                extraJobs);
        return launch(dir, port, config, List.of());
    }

    /**
     * A fleet: prometheus.yml's exporter job scrapes one target per gateway ({@code gateways}: the
     * gateway label to host:port), each with its own {@code gateway} target label as prometheus.yml
     * sets it, and remote-writes everything to {@code remoteWrite} (null: none).
     */
    public static PrometheusProcess startFleet(
            Path dir, Map<String, String> gateways, Duration interval, URI remoteWrite) {
        int port = FreePort.pick();
        Path config = writeConfig(dir, port, Map.of(), "127.0.0.1:" + FreePort.pick(), interval, Map.of());
        try {
            ObjectNode root = (ObjectNode) YAML.readTree(config.toFile());
            for (JsonNode job : root.path("scrape_configs")) {
                if (job.path("job_name").asText().equals("token-monitor-exporter")) {
                    ArrayNode configs = ((ObjectNode) job).putArray("static_configs");
                    gateways.forEach((gateway, target) -> {
                        ObjectNode sc = configs.addObject();
                        sc.putArray("targets").add(target);
                        sc.putObject("labels").put("gateway", gateway);
                    });
                }
            }
            if (remoteWrite != null) {
                root.putArray("remote_write").addObject().put("url", remoteWrite.toString());
            }
            YAML.writeValue(config.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return launch(dir, port, config, List.of());
    }

    /**
     * A Prometheus that scrapes nothing and loads no rules, and takes samples by remote_write on
     * {@link #remoteWriteUrl()}: the receiving end a fleet's Prometheus servers write to, standing
     * in for Thanos Receive, Mimir or VictoriaMetrics (the same remote-write protocol).
     */
    public static PrometheusProcess startReceiver(Path dir) {
        int port = FreePort.pick();
        try {
            Files.createDirectories(dir);
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, "global: {}\n");
            return launch(dir, port, config, List.of("--web.enable-remote-write-receiver"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PrometheusProcess launch(Path dir, int port, Path config, List<String> flags) {
        List<String> command = new java.util.ArrayList<>(List.of(
                RepoPaths.prometheusBinary().toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port,
                "--storage.tsdb.retention.time=1d",
                "--log.level=warn"));
        command.addAll(flags);
        ManagedProcess process = ManagedProcess.start("prometheus", command, Map.of(), dir);
        PrometheusProcess prometheus =
                new PrometheusProcess(process, new PrometheusApi(URI.create("http://127.0.0.1:" + port)), config);
        try {
            process.awaitHttpOk(URI.create("http://127.0.0.1:" + port + "/-/ready"), READY_TIMEOUT);
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
        return prometheus;
    }

    /** prometheus.yml with scrape and evaluation interval, every job's target, alertmanager and rule paths replaced. */
    static Path writeConfig(
            Path dir, int ownPort, Map<String, String> targets, String alertmanager, Duration interval) {
        return writeConfig(dir, ownPort, targets, alertmanager, interval, Map.of());
    }

    static Path writeConfig(
            Path dir,
            int ownPort,
            Map<String, String> targets,
            String alertmanager,
            Duration interval,
            Map<String, String> extraJobs) {
        Path repo = RepoPaths.root();
        try {
            ObjectNode root = (ObjectNode)
                    YAML.readTree(repo.resolve("prometheus/prometheus.yml").toFile());
            ObjectNode global = (ObjectNode) root.path("global");
            String every = interval.toMillis() + "ms";
            global.put("scrape_interval", every);
            global.put("evaluation_interval", every);
            ArrayNode rules = root.putArray("rule_files");
            rules.add(repo.resolve("prometheus/rules").toAbsolutePath() + "/*.yml");
            for (JsonNode am : root.path("alerting").path("alertmanagers")) {
                for (JsonNode sc : am.path("static_configs")) {
                    ((ObjectNode) sc).putArray("targets").add(alertmanager);
                }
            }
            for (JsonNode job : root.path("scrape_configs")) {
                String name = job.path("job_name").asText();
                String target = name.equals("prometheus") ? "127.0.0.1:" + ownPort : targets.get(name);
                if (target == null) {
                    target = "127.0.0.1:"
                            + FreePort.pick(); // the job stays, its target is down (as when the program is stopped)
                }
                for (JsonNode sc : job.path("static_configs")) {
                    ((ObjectNode) sc).putArray("targets").add(target);
                }
            }
            ArrayNode jobs = (ArrayNode) root.path("scrape_configs");
            extraJobs.forEach((name, target) -> {
                ObjectNode job = jobs.addObject();
                job.put("job_name", name);
                job.putArray("static_configs").addObject().putArray("targets").add(target);
            });
            Files.createDirectories(dir);
            Path out = dir.resolve("prometheus.yml");
            YAML.writeValue(out.toFile(), root);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("prometheus/prometheus.yml: cannot derive the test configuration", e);
        }
    }

    public PrometheusApi api() {
        return api;
    }

    /** Where remote_write sends to, for a receiver started by {@link #startReceiver(Path)}. */
    public URI remoteWriteUrl() {
        return api.base().resolve("/api/v1/write");
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
