package io.tokenmonitor.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tokenmonitor.e2e.harness.FakeChatPlatform;
import io.tokenmonitor.e2e.harness.FakeChatPlatform.Message;
import io.tokenmonitor.e2e.harness.PrometheusApi;
import io.tokenmonitor.e2e.harness.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * docker-compose.yml run for real (issue 9): the demo profile — exporter-demo, bridge, Prometheus,
 * Alertmanager — built and started by {@code docker compose} with deploy/test/compose.test.yml on
 * top (host network on 127.0.0.1, stand-in Prometheus/Alertmanager images, a budget that fires at
 * once, Telegram pointed at a local fake). Run by deploy/test.sh, which starts dockerd and builds
 * the base images; skipped unless {@code -Ddeploy=true}.
 */
@EnabledIfSystemProperty(named = "deploy", matches = "true")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class ComposeDeploymentIT {
    private static final String PROJECT = "token-monitor-test";
    private static final List<String> SERVICES = List.of("exporter-demo", "bridge", "prometheus", "alertmanager");
    /** What the shipped files and the override bind on 127.0.0.1. */
    private static final Map<String, Integer> PORTS =
            Map.of("exporter-demo", 9466, "bridge", 9467, "prometheus", 9090, "alertmanager", 9093);
    /** The Dockerfiles' users; the Prometheus images (real and stand-in) run as nobody. */
    private static final Map<String, String> UIDS_GIDS = Map.of(
            "exporter-demo",
            "10001:0",
            "bridge",
            "10002:0",
            "prometheus",
            "65534:65534",
            "alertmanager",
            "65534:65534");

    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
    /** Exporter health check: start period 60 s, interval 15 s. */
    private static final Duration HEALTHY_TIMEOUT = Duration.ofSeconds(120);
    /** Scrape and evaluation every 15 s, Alertmanager's group_wait 15 s, then the bridge's outbox. */
    private static final Duration ALERT_TIMEOUT = Duration.ofSeconds(150);

    private static final String TELEGRAM_TOKEN = "123456789:AAComposeTestBotTokenForTokenMonitor";
    private static final String TELEGRAM_CHAT = "-1009876543210";
    /** The bridge image's user, and Alertmanager's group (nobody:nogroup): the readers of the secrets. */
    private static final int BRIDGE_UID = 10002;

    private static final int NOBODY_GID = 65534;
    private static final String BUDGET = "compose-demo";
    /** The bridge marks resolved messages with ✅ (as AlertPathIT tells them apart). */
    private static final Predicate<Message> FIRING = m -> m.mentions("TokenMonitorBudgetExceeded", "budget=" + BUDGET)
            && !m.text().contains("✅");

    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)");
    private static final Pattern PERMISSION = Pattern.compile(
            "(?i)permission denied|operation not permitted|read-only file system|AccessDeniedException|SQLITE_READONLY|SQLITE_CANTOPEN");

    private final Path root = RepoPaths.root();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PrometheusApi prometheus = new PrometheusApi(URI.create("http://127.0.0.1:9090"));
    private Path dir;
    private String bridgeToken;
    private FakeChatPlatform telegram;

    @BeforeAll
    void upTheDemoProfile() throws IOException {
        for (String variable : List.of(
                "TM_BUILD_IMAGE", "TM_RUNTIME_IMAGE", "TM_TEST_PROMETHEUS_IMAGE", "TM_TEST_ALERTMANAGER_IMAGE")) {
            assertThat(System.getenv(variable))
                    .as(variable + " (set by deploy/test.sh; run the test through it)")
                    .isNotBlank();
        }
        removeLeftovers(); // of a run that was killed before its teardown
        PORTS.forEach((service, port) -> assertThat(free(port))
                .as("127.0.0.1:%d (%s) is taken by another program; stop it first", port, service)
                .isTrue());

        // The directories readable by the containers' users whatever the umask (a JUnit @TempDir is
        // 0700); the secrets as the README creates them: under umask 077, then given to their readers
        // only. Compose keeps a file secret's host owner and mode, so this checks that the bridge
        // (uid 10002) and Alertmanager (gid 65534) read the token and the bridge its bot token.
        dir = Files.createTempDirectory("token-monitor-compose-");
        Files.createDirectories(dir.resolve("config"));
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        bridgeToken = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
        Files.writeString(dir.resolve("config/budgets.yml"), """
                timezone: UTC
                budgets:
                  - name: %s
                    window: 1h
                    limit: {requests: 1}
                    notify: [telegram]
                """.formatted(BUDGET));
        for (Path p : List.of(dir, dir.resolve("config"), secrets)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(dir.resolve("config/budgets.yml"), PosixFilePermissions.fromString("rw-r--r--"));
        secret(secrets.resolve("bridge_token"), bridgeToken + "\n", BRIDGE_UID, NOBODY_GID, "r--r-----");
        secret(secrets.resolve("telegram_bot_token"), TELEGRAM_TOKEN + "\n", BRIDGE_UID, 0, "r--------");
        telegram = FakeChatPlatform.telegram(TELEGRAM_TOKEN, TELEGRAM_CHAT);

        compose(BUILD_TIMEOUT, true, "build", "exporter-demo", "bridge");
        compose(
                COMMAND_TIMEOUT,
                true,
                "up",
                "-d",
                "--no-build",
                "exporter-demo",
                "bridge",
                "prometheus",
                "alertmanager");
    }

    @AfterAll
    void downEverything() {
        try {
            if (dir != null) {
                compose(COMMAND_TIMEOUT, false, "down", "--volumes", "--remove-orphans");
            }
        } finally {
            // Whatever compose could not remove (a failed test may have left the project half up).
            removeLeftovers();
            if (telegram != null) {
                telegram.close();
            }
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder())
                            .forEach(p -> p.toFile().delete());
                } catch (IOException e) {
                    System.err.println("cannot delete " + dir + ": " + e);
                }
            }
        }
    }

    /** Containers, volumes and networks of the test's project, found by compose's labels, not by its file. */
    private static void removeLeftovers() {
        String project = "label=com.docker.compose.project=" + PROJECT;
        remove(docker("ps", "-aq", "--filter", project), "rm", "-f");
        remove(docker("volume", "ls", "-q", "--filter", project), "volume", "rm");
        remove(docker("network", "ls", "-q", "--filter", project), "network", "rm");
    }

    private static void remove(String ids, String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        ids.lines().filter(l -> !l.isBlank()).forEach(args::add);
        if (args.size() > command.length) {
            docker(args.toArray(String[]::new));
        }
    }

    @Test
    @Order(1)
    void everyContainerIsHealthy_andRunsAsItsNonRootUser() {
        for (String service : SERVICES) {
            awaitHealthy(service);
            String id = containerId(service);
            // The process's real ids as the kernel has them (pid 1 of the container, seen from the host).
            String pid = docker("inspect", "-f", "{{.State.Pid}}", id).strip();
            String status = read(Path.of("/proc", pid, "status"));
            assertThat(ids(status, "Uid") + ":" + ids(status, "Gid"))
                    .as(service + " process uid:gid")
                    .isEqualTo(UIDS_GIDS.get(service));
        }
    }

    @Test
    @Order(2)
    void prometheusScrapesTheExporterTheBridgeAlertmanagerAndItself() {
        Map<String, String> expected = Map.of(
                "http://exporter:9466/metrics",
                "up",
                "http://bridge:9467/metrics",
                "up",
                "http://alertmanager:9093/metrics",
                "up",
                "http://localhost:9090/metrics",
                "up");
        await(
                "Prometheus reporting every target of prometheus.yml up " + expected.keySet(),
                ALERT_TIMEOUT,
                () -> prometheus.targetHealthByScrapeUrl().equals(expected));
    }

    @Test
    @Order(3)
    void prometheusLoadedEveryRuleGroupOfTheRepository() throws IOException {
        Set<String> groups = new TreeSet<>();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (Stream<Path> files = Files.list(root.resolve("prometheus/rules"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yml")).toList()) {
                yaml.readTree(f.toFile())
                        .path("groups")
                        .forEach(g -> groups.add(g.path("name").asText()));
            }
        }
        assertThat(groups).as("rule groups in prometheus/rules/*.yml").isNotEmpty();
        assertThat(new TreeSet<>(prometheus.ruleGroups()))
                .as("/api/v1/rules groups")
                .isEqualTo(groups);
    }

    @Test
    @Order(4)
    void theBridgeRefusesWebhooksWithoutTheTokenOfItsSecretFile() {
        String alert = "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[]}";
        assertThat(postAlerts(alert, null))
                .as("POST /alerts without credentials")
                .isEqualTo(401);
        assertThat(postAlerts(alert, "Bearer wrong-" + bridgeToken))
                .as("POST /alerts with another token")
                .isEqualTo(401);
    }

    @Test
    @Order(5)
    void anExceededBudgetReachesTelegramThroughAlertmanagerAndTheBridge() {
        await(
                "a firing TokenMonitorBudgetExceeded message for budget " + BUDGET + " at the fake Telegram",
                ALERT_TIMEOUT,
                () -> !telegram.messages(FIRING).isEmpty());
        assertThat(telegram.rejected()).as("requests the fake Telegram refused").isEmpty();
        // Alertmanager sent it with the token it read from its secret file: the bridge counted it, and
        // Alertmanager recorded no failed webhook.
        assertThat(metric(
                        get("http://127.0.0.1:9467/metrics"),
                        "newapi_bridge_alerts_received_total",
                        "status=\"firing\""))
                .as("bridge: alerts received")
                .isGreaterThanOrEqualTo(1);
        assertThat(metric(
                        get("http://127.0.0.1:9093/metrics"),
                        "alertmanager_notifications_failed_total",
                        "integration=\"webhook\""))
                .as("alertmanager: failed webhook notifications")
                .isZero();
    }

    @Test
    @Order(6)
    void downAndUp_keepsCountersStateAndHistory() {
        assertThat(telegram.messages(FIRING))
                .as("firing messages before the restart")
                .hasSize(1);
        double rowsBefore = metric(get("http://127.0.0.1:9466/metrics"), "newapi_ingest_rows_total", "");
        double requestsBefore = metric(get("http://127.0.0.1:9466/metrics"), "newapi_usage_requests_total", "");
        assertThat(requestsBefore)
                .as("demo requests counted before the restart")
                .isPositive();
        await(
                "Prometheus holding a scrape of the exporter's requests",
                ALERT_TIMEOUT,
                () -> !prometheus
                        .query("sum(newapi_usage_requests_total)", Instant.now())
                        .isEmpty());
        // A file in each program's volume, to tell a kept volume from a new (anonymous) one after up.
        for (String service : List.of("exporter-demo", "bridge")) {
            docker("exec", containerId(service), "sh", "-c", "echo kept > /data/compose-test-marker");
        }
        Instant beforeDown = Instant.now();

        // Without ACCESS_PASSWORD: stopping the stack must not need Grafana's password.
        compose(COMMAND_TIMEOUT, false, "down");
        assertThat(docker("ps", "-q", "--filter", "label=com.docker.compose.project=" + PROJECT)
                        .strip())
                .as("containers of the project after down")
                .isEmpty();
        compose(
                COMMAND_TIMEOUT,
                true,
                "up",
                "-d",
                "--no-build",
                "exporter-demo",
                "bridge",
                "prometheus",
                "alertmanager");
        for (String service : SERVICES) {
            awaitHealthy(service);
        }

        for (String service : List.of("exporter-demo", "bridge")) {
            assertThat(docker("exec", containerId(service), "cat", "/data/compose-test-marker")
                            .strip())
                    .as(service + ": /data is the volume of before the restart")
                    .isEqualTo("kept");
        }
        String metrics = get("http://127.0.0.1:9466/metrics");
        assertThat(metric(metrics, "newapi_ingest_rows_total", ""))
                .as("exporter rows synced after the restart")
                .isGreaterThanOrEqualTo(rowsBefore);
        assertThat(metric(metrics, "newapi_usage_requests_total", ""))
                .as("exporter requests after the restart")
                .isGreaterThanOrEqualTo(requestsBefore);
        assertThat(prometheus.query("sum(newapi_usage_requests_total)", beforeDown))
                .as("Prometheus's samples from before the restart (its volume)")
                .isNotEmpty();
        // Prometheus sees the counters continue: no reset across the restart in any series.
        Instant upAgain = Instant.now();
        await(
                "a scrape of the restarted exporter in Prometheus",
                ALERT_TIMEOUT,
                () -> !prometheus
                        .query("timestamp(newapi_ingest_rows_total) > " + upAgain.getEpochSecond(), Instant.now())
                        .isEmpty());
        assertThat(prometheus
                        .query(
                                "sum(resets(newapi_ingest_rows_total[30m])) + sum(resets(newapi_usage_requests_total[30m]))",
                                Instant.now())
                        .get(0)
                        .values()
                        .get(0))
                .as("counter resets seen by Prometheus across the restart")
                .isZero();

        // The alert still fires after the restart and reaches the bridge again, which remembers (its
        // volume) that Telegram was told within the cooldown: no second message.
        await(
                "Prometheus's firing TokenMonitorBudgetExceeded after the restart",
                ALERT_TIMEOUT,
                () -> !prometheus
                        .query(
                                "ALERTS{alertname=\"TokenMonitorBudgetExceeded\",budget=\"" + BUDGET
                                        + "\",alertstate=\"firing\"}",
                                Instant.now())
                        .isEmpty());
        sleep(Duration.ofSeconds(45)); // > group_wait 15 s + an evaluation + the outbox
        assertThat(telegram.messages(FIRING))
                .as("firing messages after the restart (bridge cooldown state kept)")
                .hasSize(1);

        // The containers are new since `down`: their logs are those of the restart.
        String logs = compose(COMMAND_TIMEOUT, true, "logs", "--no-color");
        List<String> denied =
                logs.lines().filter(l -> PERMISSION.matcher(l).find()).toList();
        assertThat(denied)
                .as("permission errors in the containers' logs after the restart")
                .isEmpty();
    }

    // --- docker ------------------------------------------------------------------------------------

    /** Runs {@code docker compose} on the shipped file and the test override; fails with its output if it fails. */
    private String compose(Duration timeout, boolean withAccessPassword, String... args) {
        List<String> command = new ArrayList<>(List.of(
                "docker",
                "compose",
                "-p",
                PROJECT,
                "-f",
                root.resolve("docker-compose.yml").toString(),
                "-f",
                root.resolve("deploy/test/compose.test.yml").toString(),
                "--profile",
                "demo"));
        command.addAll(List.of(args));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TM_TEST_DIR", dir.toString());
        env.put("TM_VERSION", "compose-test");
        // As a file of ./secrets (the compose secret mounted at /run/secrets), not in the environment.
        env.put("TELEGRAM_BOT_TOKEN_FILE", "/run/secrets/telegram_bot_token");
        env.put("TELEGRAM_CHAT_ID", TELEGRAM_CHAT);
        env.put("TELEGRAM_API_URL", telegram.baseUrl());
        // The classic builder: no buildx here, and `build.network: host` reaches Maven Central.
        env.put("DOCKER_BUILDKIT", "0");
        if (withAccessPassword) {
            env.put("ACCESS_PASSWORD", "compose-test-only");
        }
        return run(command, env, !withAccessPassword, timeout);
    }

    private static String docker(String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return run(command, Map.of(), false, COMMAND_TIMEOUT);
    }

    private static String run(
            List<String> command, Map<String, String> env, boolean withoutAccessPassword, Duration timeout) {
        try {
            Path output = Files.createTempFile("compose-", ".log");
            ProcessBuilder pb =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            if (withoutAccessPassword) {
                pb.environment().remove("ACCESS_PASSWORD");
            }
            pb.environment().putAll(env);
            Process p = pb.start();
            boolean done = p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            String text = Files.readString(output);
            Files.deleteIfExists(output);
            if (!done || p.exitValue() != 0) {
                fail(String.join(" ", command)
                        + (done ? " exited " + p.exitValue() : " did not finish within " + timeout) + ":\n"
                        + tail(text, 60));
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String containerId(String service) {
        String id = compose(COMMAND_TIMEOUT, true, "ps", "-q", service).strip();
        assertThat(id).as("container of service " + service).isNotEmpty();
        return id;
    }

    private void awaitHealthy(String service) {
        String id = containerId(service);
        await(
                service + "'s health check passing (docker inspect .State.Health.Status = healthy)",
                HEALTHY_TIMEOUT,
                () -> docker("inspect", "-f", "{{if .State.Health}}{{.State.Health.Status}}{{end}}", id)
                        .strip()
                        .equals("healthy"),
                () -> docker("inspect", "-f", "{{.State.Status}} {{json .State.Health}}", id) + "\n"
                        + tail(compose(COMMAND_TIMEOUT, true, "logs", "--no-color", service), 30));
    }

    // --- helpers -----------------------------------------------------------------------------------

    private int postAlerts(String body, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:9467/alerts"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request.build()).statusCode();
    }

    private String get(String url) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build());
        assertThat(response.statusCode()).as("GET " + url).isEqualTo(200);
        return response.body();
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The sum of every sample of {@code name} (exact name, so not its _created) whose labels contain {@code labels}; fails if there is none. */
    static double metric(String exposition, String name, String labels) {
        double sum = 0;
        int found = 0;
        Matcher m = SAMPLE.matcher(exposition);
        while (m.find()) {
            if (m.group(1).equals(name) && (m.group(2) == null ? "" : m.group(2)).contains(labels)) {
                sum += Double.parseDouble(m.group(3));
                found++;
            }
        }
        assertThat(found)
                .as("samples of " + name + (labels.isEmpty() ? "" : "{" + labels + "}"))
                .isPositive();
        return sum;
    }

    /** "Uid:\t10001\t10001\t10001\t10001" → "10001", insisting that real, effective, saved and fs ids agree. */
    private static String ids(String procStatus, String field) {
        Matcher m = Pattern.compile("(?m)^" + field + ":\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)")
                .matcher(procStatus);
        assertThat(m.find()).as(field + " in /proc/<pid>/status").isTrue();
        assertThat(Stream.of(m.group(1), m.group(2), m.group(3), m.group(4)).distinct())
                .as(field + " real/effective/saved/fs")
                .hasSize(1);
        return m.group(1);
    }

    /** A secret file written under umask 077 (never readable by others), then handed to its readers. */
    private static void secret(Path file, String value, int uid, int gid, String mode) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, value);
        Files.setAttribute(file, "unix:uid", uid);
        Files.setAttribute(file, "unix:gid", gid);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) {
        await(what, timeout, condition, () -> "");
    }

    /** Polls {@code condition} every second; after {@code timeout} fails naming what did not happen, with {@code context}. */
    private static void await(
            String what, Duration timeout, BooleanSupplier condition, java.util.function.Supplier<String> context) {
        Instant deadline = Instant.now().plus(timeout);
        RuntimeException last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
                last = null;
            } catch (RuntimeException e) {
                last = e; // not answering yet
            }
            sleep(Duration.ofSeconds(1));
        }
        fail("not within " + timeout.toSeconds() + " s: " + what
                + (last != null ? " (last error: " + last.getMessage() + ")" : "") + "\n" + context.get());
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
