package io.tokenmonitor.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.e2e.grafana.ProvisioningExpansion;
import io.tokenmonitor.e2e.harness.RepoPaths;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Docker cannot run here, so docker-compose.yml and the Dockerfiles are checked by reading: every
 * environment variable exists in the programs' configuration code, and ports, host names and paths
 * agree with prometheus.yml, alertmanager.yml and Grafana's provisioning.
 */
class DeploymentFilesTest {
    private static final Path ROOT = RepoPaths.root();
    private static final Set<String> EXPORTER_SERVICES = Set.of("exporter", "exporter-demo");
    /** The directory of secret files the README creates, mounted read-only into the two programs. */
    private static final String SECRETS_DIR = "./secrets";
    /** What reads a secret: Env.secret("NAME") or a settings section's secret("NAME"). */
    private static final Pattern SECRET_READ = Pattern.compile("secret\\(\"([A-Z][A-Z0-9_]*)\"\\)");
    /** The readers of ./secrets/bridge_token: the bridge image's uid and Alertmanager's gid (nobody:nogroup). */
    private static final int BRIDGE_UID = 10002;

    private static final int ALERTMANAGER_GID = 65534;

    private final Map<String, Object> compose = yaml(ROOT.resolve("docker-compose.yml"));
    private final Map<String, Object> services = map(compose.get("services"));

    @Test
    void givenComposeServices_thenTheWholeStackIsThereWithRestartPolicyAndHealthCheck() {
        assertThat(services)
                .containsKeys("exporter", "exporter-demo", "bridge", "prometheus", "alertmanager", "grafana");
        for (Map.Entry<String, Object> e : services.entrySet()) {
            Map<String, Object> s = map(e.getValue());
            assertThat(s.get("restart")).as(e.getKey() + " restart").isEqualTo("unless-stopped");
            boolean built = s.containsKey("build");
            assertThat(s.containsKey("healthcheck") || built && dockerfileOf(s).contains("\nHEALTHCHECK "))
                    .as(e.getKey() + ": a health check in compose or its Dockerfile")
                    .isTrue();
        }
        assertThat(map(compose.get("volumes")))
                .containsKeys("exporter-data", "bridge-data", "prometheus-data", "alertmanager-data", "grafana-data");
    }

    @Test
    void givenDemoProfile_thenAnExporterRunsWithDemoUnderTheExporterHostName() {
        Map<String, Object> demo = map(services.get("exporter-demo"));
        assertThat(list(demo.get("profiles"))).containsExactly("demo");
        assertThat(list(demo.get("command"))).contains("--demo");
        assertThat(list(map(map(demo.get("networks")).get("default")).get("aliases")))
                .contains("exporter");
        assertThat(list(map(services.get("exporter")).get("profiles"))).containsExactly("gateway");
    }

    @Test
    void givenExporterEnvironment_thenEveryNameIsReadByTheExporterConfigCode() throws IOException {
        // The shared module reads the *_FILE variants (Env.secret), so it counts as the program's code.
        String code = sources(ROOT.resolve("exporter/src/main/java")) + sources(ROOT.resolve("common/src/main/java"));
        for (String service : EXPORTER_SERVICES) {
            for (String name : environment(service).keySet()) {
                assertThat(knows(code, name))
                        .as(service + ": " + name + " is not read by the exporter")
                        .isTrue();
            }
        }
    }

    @Test
    void givenBridgeEnvironment_thenEveryNameIsReadByTheBridgeConfigCode() throws IOException {
        String code = sources(ROOT.resolve("alertmanager-bridge/src/main/java"))
                + sources(ROOT.resolve("common/src/main/java"));
        for (String name : environment("bridge").keySet()) {
            assertThat(knows(code, name))
                    .as("bridge: " + name + " is not read by the bridge")
                    .isTrue();
        }
    }

    @Test
    void givenPrometheusTargets_thenComposeServesThemOnTheSamePorts() {
        Map<String, Object> prom = yaml(ROOT.resolve("prometheus/prometheus.yml"));
        List<String> targets = new ArrayList<>();
        for (Object job : list(prom.get("scrape_configs"))) {
            String name = String.valueOf(map(job).get("job_name"));
            for (Object sc : list(map(job).get("static_configs"))) {
                for (Object t : list(map(sc).get("targets"))) {
                    if (!name.equals("prometheus")) {
                        targets.add(String.valueOf(t));
                    }
                }
            }
        }
        assertThat(targets).contains("exporter:9466", "bridge:9467");
        assertThat(listenPort("exporter")).isEqualTo(9466);
        assertThat(listenPort("exporter-demo")).isEqualTo(9466);
        assertThat(listenPort("bridge")).isEqualTo(9467);
        String alertmanagers = String.valueOf(map(prom.get("alerting")).get("alertmanagers"));
        assertThat(alertmanagers).contains("alertmanager:9093");
        assertThat(String.valueOf(map(services.get("alertmanager")).get("ports")))
                .contains(":9093");
        assertThat(mounts("prometheus"))
                .containsEntry("./prometheus/prometheus.yml", "/etc/prometheus/prometheus.yml")
                .containsEntry("./prometheus/rules", "/etc/prometheus/rules");
        assertThat(list(map(services.get("prometheus")).get("command")))
                .contains("--config.file=/etc/prometheus/prometheus.yml");
    }

    @Test
    void givenAlertmanagerWebhook_thenItReachesTheBridgeWithTheMountedToken() throws IOException {
        String am = Files.readString(ROOT.resolve("prometheus/alertmanager.yml"));
        assertThat(am).contains("http://bridge:9467/alerts");
        Matcher file = Pattern.compile("credentials_file:\\s*(\\S+)").matcher(am);
        assertThat(file.find()).as("alertmanager.yml credentials_file").isTrue();
        assertThat(String.valueOf(map(services.get("alertmanager")).get("secrets")))
                .contains("target=" + file.group(1));
        // The bridge reads the same file, ./secrets/bridge_token, in its mount of ./secrets.
        String bridgeTokenFile = environment("bridge").get("BRIDGE_TOKEN_FILE");
        assertThat(bridgeTokenFile).isEqualTo(secretsMount("bridge") + "/bridge_token");
        assertThat(String.valueOf(
                        map(map(compose.get("secrets")).get("bridge_token")).get("file")))
                .isEqualTo(SECRETS_DIR + "/bridge_token");
        assertThat(mounts("alertmanager"))
                .containsEntry("./prometheus/alertmanager.yml", "/etc/alertmanager/alertmanager.yml");
    }

    /**
     * Grafana expands the provisioning files with its own rule (no {@code ${VAR:-default}}), in the
     * environment compose gives the container; what comes out must be the addresses and mounts of
     * this compose file.
     */
    @Test
    void givenGrafanaProvisioningExpandedAsGrafanaDoes_thenUrlsAndPathsAreTheComposeOnes() throws IOException {
        ProvisioningExpansion grafana = new ProvisioningExpansion(interpolated(environment("grafana"), Map.of()));
        Map<String, Object> datasources = null;
        Map<String, Object> dashboards = null;
        try (Stream<Path> files = Files.walk(ROOT.resolve("grafana/provisioning"))) {
            for (Path file : files.filter(f -> f.toString().matches(".*\\.ya?ml"))
                    .sorted()
                    .toList()) {
                Object raw = yaml(file);
                Map<String, Object> expanded = map(grafana.tree(raw));
                assertFilled(ROOT.relativize(file).toString(), raw, expanded);
                if (expanded.containsKey("datasources")) {
                    datasources = expanded;
                }
                if (expanded.containsKey("providers")) {
                    dashboards = expanded;
                }
            }
        }
        assertThat(datasources).as("a datasources file").isNotNull();
        assertThat(dashboards).as("a dashboards file").isNotNull();

        Map<String, Object> prometheus = datasource(datasources, "tm-prometheus");
        URI url = URI.create(String.valueOf(prometheus.get("url")));
        assertThat(url.getHost())
                .as("Prometheus datasource host: the compose service")
                .isEqualTo("prometheus");
        assertThat(services).containsKey(url.getHost());
        assertThat(url.getPort())
                .as("the port Prometheus listens on (prometheus.yml scrapes itself there)")
                .isEqualTo(prometheusPort())
                .isEqualTo(9090);
        assertThat(url.toString()).isEqualTo("http://prometheus:9090");

        Map<String, String> mounts = mounts("grafana");
        Path store = Path.of(String.valueOf(
                map(datasource(datasources, "tm-store").get("jsonData")).get("path")));
        assertThat(store.getParent())
                .as("the store's directory: Grafana's mount of the exporter volume")
                .isEqualTo(Path.of(mounts.get("exporter-data")));
        for (String service : EXPORTER_SERVICES) {
            Path exporterStore = Path.of(environment(service).get("STORE_PATH"));
            assertThat(mounts(service).get("exporter-data"))
                    .as(service + " volume")
                    .isEqualTo(exporterStore.getParent().toString());
            assertThat(exporterStore.getFileName())
                    .as(service + " store file = Grafana's")
                    .isEqualTo(store.getFileName());
        }
        assertThat(String.valueOf(
                        map(datasource(datasources, "tm-store").get("jsonData")).get("pathOptions")))
                .isEqualTo("mode=ro");

        List<Object> providers = list(dashboards.get("providers"));
        assertThat(providers).hasSize(1);
        String dashboardsPath =
                String.valueOf(map(map(providers.get(0)).get("options")).get("path"));
        assertThat(dashboardsPath)
                .as("the provider reads the mount of ./grafana/dashboards")
                .isEqualTo(mounts.get("./grafana/dashboards"));
        assertThat(mounts).containsEntry("./grafana/provisioning", "/etc/grafana/provisioning");

        Map<String, String> env = interpolated(environment("grafana"), Map.of());
        assertThat(env.get("GF_PLUGINS_PREINSTALL_SYNC")).contains("frser-sqlite-datasource");
        String home = env.get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertThat(home).startsWith(dashboardsPath + "/");
        assertThat(ROOT.resolve("grafana/dashboards").resolve(home.substring(dashboardsPath.length() + 1)))
                .exists();
    }

    /**
     * Every compose command (down, ps, logs too) interpolates the whole file, so a required variable
     * ({@code ${VAR:?…}}) would make each of them fail without it. The admin password is only used at
     * Grafana's first start; unset it is empty, and Grafana ignores an empty GF_ override.
     */
    @Test
    void givenNoVariablesSet_thenComposeCanInterpolateTheWholeFile() {
        ComposeInterpolation none = new ComposeInterpolation(Map.of());
        assertThat(none.tree(compose)).isInstanceOf(Map.class);
        assertThat(interpolated(environment("grafana"), Map.of()).get("GF_SECURITY_ADMIN_PASSWORD"))
                .isEmpty();
        assertThat(interpolated(environment("grafana"), Map.of("ACCESS_PASSWORD", "s3cret"))
                        .get("GF_SECURITY_ADMIN_PASSWORD"))
                .isEqualTo("s3cret");
    }

    @Test
    void givenGrafanaPort_thenPublishedOnLoopbackUnlessConfigured() {
        List<Object> ports = list(map(services.get("grafana")).get("ports"));
        assertThat(ports).hasSize(1);
        String port = String.valueOf(ports.get(0));
        assertThat(new ComposeInterpolation(Map.of()).value(port)).isEqualTo("127.0.0.1:3000:3000");
        assertThat(new ComposeInterpolation(Map.of("GRAFANA_ADDRESS", "0.0.0.0", "GRAFANA_PORT", "3001")).value(port))
                .isEqualTo("0.0.0.0:3001:3000");
    }

    /**
     * Every secret variable compose passes to a program can be a file instead: NAME_FILE is in the
     * environment next to NAME, and the program mounts ./secrets (as a compose secret, read-only) where
     * NAME_FILE=/run/secrets/NAME finds it.
     */
    @Test
    void givenSecretVariables_thenComposeOffersEachAsAFileOfTheMountedSecretsDirectory() throws IOException {
        assertThat(String.valueOf(
                        map(map(compose.get("secrets")).get("secrets")).get("file")))
                .isEqualTo(SECRETS_DIR);
        Map<String, String> programs = Map.of(
                "exporter", sources(ROOT.resolve("exporter/src/main/java")),
                "bridge", sources(ROOT.resolve("alertmanager-bridge/src/main/java")));
        programs.forEach((service, code) -> {
            Set<String> secrets = SECRET_READ
                    .matcher(code)
                    .results()
                    .map(r -> r.group(1))
                    .collect(java.util.stream.Collectors.toSet());
            Map<String, String> env = environment(service);
            List<String> passed =
                    env.keySet().stream().filter(secrets::contains).toList();
            assertThat(passed).as(service + ": secret variables in compose").isNotEmpty();
            for (String name : passed) {
                assertThat(env).as(service + ": " + name + " as a file too").containsKey(name + "_FILE");
            }
            assertThat(secretsMount(service))
                    .as(service + ": ./secrets mounted")
                    .isEqualTo("/run/secrets");
        });
    }

    /**
     * The README's commands create the bridge token under umask 077 (never readable by others, not
     * even for a moment), then give it to its two readers only: compose keeps a secret file's host
     * owner and mode, so the bridge's uid and Alertmanager's gid must be able to read it.
     */
    @Test
    void givenTheDocumentedTokenCommands_thenTheTokenIsReadableByTheBridgeAndAlertmanagerOnly() {
        Matcher uid = Pattern.compile("(?m)^USER (\\d+):").matcher(read("alertmanager-bridge/Dockerfile"));
        assertThat(uid.find()).isTrue();
        assertThat(Integer.parseInt(uid.group(1))).isEqualTo(BRIDGE_UID);
        for (String file : List.of("README.md", "README.zh-CN.md", "docker-compose.yml")) {
            String text = read(file);
            List<String> writes = text.lines()
                    .filter(l -> l.contains("> secrets/bridge_token"))
                    .toList();
            assertThat(writes).as(file + ": creates secrets/bridge_token").isNotEmpty();
            for (String line : writes) {
                assertThat(line)
                        .as(file + ": written under umask 077")
                        .containsPattern("\\(umask 077 && [^)]*> secrets/bridge_token\\)");
            }
            assertThat(text)
                    .as(file)
                    .contains("chown " + BRIDGE_UID + ":" + ALERTMANAGER_GID + " secrets/bridge_token")
                    .contains("chmod 440 secrets/bridge_token");
        }
    }

    /** No example password a copy-paste would make Grafana's: the documented way generates one into .env. */
    @Test
    void givenTheDocumentedGrafanaPassword_thenItIsGeneratedNeverAnExampleValue() {
        for (String file : List.of("README.md", "README.zh-CN.md", "docker-compose.yml")) {
            List<String> values = Pattern.compile("ACCESS_PASSWORD=(\\S*)")
                    .matcher(read(file))
                    .results()
                    .map(r -> r.group(1))
                    .toList();
            assertThat(values).as(file + ": how ACCESS_PASSWORD is set").isNotEmpty();
            for (String value : values) {
                assertThat(value).as(file + ": ACCESS_PASSWORD=" + value).startsWith("%s");
            }
            assertThat(read(file)).as(file).contains("printf 'ACCESS_PASSWORD=%s\\n' \"$(openssl rand");
        }
    }

    /**
     * The exporter and the bridge publish no host port (Prometheus and Alertmanager reach them on the
     * compose network), so the compose sections of the READMEs name only the published ones.
     */
    @Test
    void givenTheComposeSectionsOfTheReadmes_thenEveryHostPortTheyNameIsPublished() {
        Set<Integer> published = new java.util.TreeSet<>();
        for (Map.Entry<String, Object> e : services.entrySet()) {
            Map<String, Object> s = map(e.getValue());
            assertThat(s).as(e.getKey()).doesNotContainKey("network_mode");
            if (EXPORTER_SERVICES.contains(e.getKey()) || e.getKey().equals("bridge")) {
                assertThat(s).as(e.getKey() + " publishes no port").doesNotContainKey("ports");
            }
            if (s.containsKey("ports")) {
                for (Object p : list(s.get("ports"))) {
                    String host = new ComposeInterpolation(Map.of()).value(String.valueOf(p));
                    published.add(Integer.parseInt(host.split(":")[1]));
                }
            }
        }
        assertThat(published).containsExactly(3000, 9090, 9093);
        Map<String, String> sections = Map.of(
                "README.md", "## Deployment with docker compose",
                "README.zh-CN.md", "## 接入真实网关（docker compose）");
        sections.forEach((file, heading) -> {
            String text = read(file);
            int start = text.indexOf(heading);
            assertThat(start).as(file + ": " + heading).isNotNegative();
            int end = text.indexOf("\n## ", start + heading.length());
            String section = text.substring(start, end < 0 ? text.length() : end);
            Pattern.compile("(?:localhost|127\\.0\\.0\\.1):(\\d+)")
                    .matcher(section)
                    .results()
                    .map(r -> Integer.parseInt(r.group(1)))
                    .forEach(port -> assertThat(published)
                            .as(file + " (" + heading + ") names :" + port)
                            .contains(port));
        });
    }

    /** Grafana reads the exporter's volume only: nothing sent to its datasources can write or delete the store. */
    @Test
    void givenGrafana_thenItMountsTheExporterVolumeReadOnly() {
        List<String> exporterData = list(map(services.get("grafana")).get("volumes")).stream()
                .map(String::valueOf)
                .filter(v -> v.startsWith("exporter-data:"))
                .toList();
        assertThat(exporterData).hasSize(1);
        assertThat(exporterData.get(0)).endsWith(":ro");
    }

    /**
     * The CI script runs on developers' machines too: it must not open a database server to
     * password-less logins, nor stop programs it did not start (deploy/test/ci-databases.sh runs its
     * database start in a fresh Debian container).
     */
    @Test
    void givenTheCiScript_thenItChangesNoServersAuthenticationAndKillsNothingByName() {
        for (String file : List.of(".ci/run", ".ci/databases.sh")) {
            String script = read(file);
            assertThat(script)
                    .as(file)
                    .doesNotContainPattern("(?i)ALTER\\s+USER")
                    .doesNotContainPattern("(?i)(CREATE|GRANT|SET\\s+PASSWORD)\\b.*root")
                    .doesNotContain("pg_hba.conf\"")
                    .doesNotContainPattern("sed -i[^\\n]*hba")
                    .doesNotContainPattern("\\b(pkill|killall)\\b");
        }
        assertThat(read(".ci/run")).contains("source .ci/databases.sh").contains("trap ci_databases_stop EXIT");
        assertThat(read("deploy/test.sh")).contains("deploy/test/ci-databases.sh");
    }

    /** Where a service mounts the directory secret ./secrets. */
    private String secretsMount(String service) {
        for (Object s : list(map(services.get(service)).get("secrets"))) {
            if (s instanceof Map<?, ?> m && "secrets".equals(m.get("source"))) {
                return String.valueOf(m.get("target"));
            }
        }
        throw new AssertionError(service + " does not mount the secret \"secrets\" (" + SECRETS_DIR + ")");
    }

    /** A string value that is not empty in the file must not be empty after expansion, nor keep ${ or :-. */
    private static void assertFilled(String file, Object raw, Object expanded) {
        if (raw instanceof Map<?, ?> r) {
            Map<?, ?> e = (Map<?, ?>) expanded;
            r.forEach((k, v) -> assertFilled(file + " " + k, v, e.get(k)));
        } else if (raw instanceof List<?> r) {
            List<?> e = (List<?>) expanded;
            for (int i = 0; i < r.size(); i++) {
                assertFilled(file + "[" + i + "]", r.get(i), e.get(i));
            }
        } else if (raw instanceof String r && !r.isEmpty()) {
            assertThat(String.valueOf(expanded))
                    .as(file + ": \"" + r + "\" as Grafana expands it")
                    .isNotEmpty()
                    .doesNotContain("${")
                    .doesNotContain(":-");
        }
    }

    private static Map<String, Object> datasource(Map<String, Object> file, String uid) {
        for (Object d : list(file.get("datasources"))) {
            if (uid.equals(map(d).get("uid"))) {
                return map(d);
            }
        }
        throw new AssertionError("no datasource " + uid);
    }

    /** Prometheus's listen port: the container side of its published port, and where prometheus.yml scrapes itself. */
    private int prometheusPort() {
        Map<String, Object> prometheus = map(services.get("prometheus"));
        assertThat(String.valueOf(prometheus.get("command"))).doesNotContain("--web.listen-address");
        String published = String.valueOf(list(prometheus.get("ports")).get(0));
        int containerPort = Integer.parseInt(published.substring(published.lastIndexOf(':') + 1));
        String self =
                String.valueOf(yaml(ROOT.resolve("prometheus/prometheus.yml")).get("scrape_configs"));
        assertThat(self).contains("job_name=prometheus").contains("localhost:" + containerPort);
        return containerPort;
    }

    private static Map<String, String> interpolated(Map<String, String> environment, Map<String, String> shell) {
        ComposeInterpolation compose = new ComposeInterpolation(shell);
        Map<String, String> out = new java.util.LinkedHashMap<>();
        environment.forEach((k, v) -> out.put(k, compose.value(v)));
        return out;
    }

    @Test
    void givenBindMounts_thenTheirSourcesExistInTheRepository() {
        for (String service : services.keySet()) {
            for (String source : mounts(service).keySet()) {
                if (source.startsWith("./") && !source.equals("./config")) {
                    assertThat(ROOT.resolve(source))
                            .as(service + " mounts " + source)
                            .exists();
                }
            }
        }
    }

    @Test
    void givenDockerfiles_thenMultiStageNonRootWithHealthCheckOnTheDefaultPort() throws IOException {
        check(
                "exporter/Dockerfile",
                "token-monitor-exporter.jar",
                9466,
                sources(ROOT.resolve("exporter/src/main/java")));
        check(
                "alertmanager-bridge/Dockerfile",
                "token-monitor-bridge.jar",
                9467,
                sources(ROOT.resolve("alertmanager-bridge/src/main/java")));
    }

    @Test
    void givenImages_thenEveryPullGoesThroughTheRegistryVariable_andTheBuildArgsDefaultAsTheDockerfiles() {
        for (Map.Entry<String, Object> e : services.entrySet()) {
            Map<String, Object> s = map(e.getValue());
            String image = String.valueOf(s.get("image"));
            if (s.containsKey("build")) {
                Map<String, Object> args = map(map(s.get("build")).get("args"));
                String dockerfile = dockerfileOf(s);
                for (String arg : List.of("BUILD_IMAGE", "RUNTIME_IMAGE")) {
                    Matcher def =
                            Pattern.compile("(?m)^ARG " + arg + "=(\\S+)$").matcher(dockerfile);
                    assertThat(def.find())
                            .as(e.getKey() + ": ARG " + arg + " in its Dockerfile")
                            .isTrue();
                    String shortName = def.group(1).contains("/") ? def.group(1) : "library/" + def.group(1);
                    assertThat(String.valueOf(args.get(arg)))
                            .as(e.getKey() + " build arg " + arg)
                            .isEqualTo("${TM_" + arg + ":-${TM_REGISTRY:-docker.io}/" + shortName + "}");
                }
            } else {
                assertThat(image).as(e.getKey() + " image").startsWith("${TM_REGISTRY:-docker.io}/");
            }
        }
    }

    private static void check(String file, String jar, int port, String code) {
        String d = read(file);
        assertThat(d)
                .as(file)
                .contains("--from=build")
                .contains(jar)
                .contains("\nHEALTHCHECK ")
                .contains("EXPOSE " + port);
        // The base images are build args declared before the first FROM, defaulting to the public images.
        assertThat(d)
                .as(file + " base image args")
                .containsPattern("(?m)^ARG BUILD_IMAGE=maven:3\\.9-eclipse-temurin-17$")
                .containsPattern("(?m)^ARG RUNTIME_IMAGE=eclipse-temurin:17-jre$");
        assertThat(d.indexOf("\nARG RUNTIME_IMAGE="))
                .as(file + ": ARG before FROM")
                .isLessThan(d.indexOf("\nFROM "));
        List<String> froms = Pattern.compile("(?m)^FROM (.+)$")
                .matcher(d)
                .results()
                .map(r -> r.group(1).strip())
                .toList();
        assertThat(froms).as(file + " stages").containsExactly("${BUILD_IMAGE} AS build", "${RUNTIME_IMAGE}");
        // The classic builder (DOCKER_BUILDKIT=0) must build it: no BuildKit-only syntax.
        assertThat(d).as(file).doesNotContain("# syntax=").doesNotContain("--mount=");
        // Dependencies resolved in a layer of their own, before the program's sources are copied (the
        // shared module comes first: the program's dependencies include it).
        String module = file.substring(0, file.indexOf('/'));
        Matcher sources =
                Pattern.compile("(?m)^COPY " + Pattern.quote(module) + "/src ").matcher(d);
        assertThat(sources.find()).as(file + " copies the sources").isTrue();
        assertThat(d.indexOf("dependency:go-offline"))
                .as(file + ": dependencies resolved before the sources are copied")
                .isPositive()
                .isLessThan(sources.start());
        Matcher user = Pattern.compile("(?m)^USER (\\S+)").matcher(d);
        assertThat(user.find()).as(file + " USER").isTrue();
        assertThat(user.group(1))
                .as(file + " USER")
                .doesNotStartWith("root")
                .doesNotStartWith("0:")
                .isNotEqualTo("0");
        assertThat(code).as(file + ": default listen address in the code").contains("\"0.0.0.0:" + port + "\"");
        for (String pom : List.of(
                "pom.xml", "common/pom.xml", "exporter/pom.xml", "alertmanager-bridge/pom.xml", "e2e/pom.xml")) {
            assertThat(d)
                    .as(file + " copies every module pom (the parent lists them)")
                    .contains("COPY " + pom);
        }
    }

    private int listenPort(String service) {
        String listen = environment(service).get("LISTEN_ADDRESS");
        return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    }

    /** NAME is read by the code as "NAME", or NAME_FILE where the code builds name + "_FILE". */
    private static boolean knows(String code, String name) {
        if (code.contains("\"" + name + "\"")) {
            return true;
        }
        return name.endsWith("_FILE")
                && code.contains("\"" + name.substring(0, name.length() - 5) + "\"")
                && code.contains("\"_FILE\"");
    }

    private Map<String, String> environment(String service) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        Object env = map(services.get(service)).get("environment");
        map(env).forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    /** Volume mounts "source:target[:mode]" of a service, source → target. */
    private Map<String, String> mounts(String service) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Object v : list(map(services.get(service)).get("volumes"))) {
            String[] parts = String.valueOf(v).split(":");
            out.put(parts[0], parts[1]);
        }
        return out;
    }

    private static String dockerfileOf(Map<String, Object> service) {
        return read(String.valueOf(map(service.get("build")).get("dockerfile")));
    }

    private static String sources(Path dir) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                all.append(Files.readString(f));
            }
        }
        return all.toString();
    }

    private static String read(String path) {
        try {
            return Files.readString(ROOT.resolve(path));
        } catch (IOException e) {
            throw new AssertionError(path + ": cannot read", e);
        }
    }

    private static Map<String, Object> yaml(Path file) {
        try {
            return new Yaml().load(Files.readString(file));
        } catch (IOException e) {
            throw new AssertionError(file + ": cannot read", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).as("a YAML mapping").isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertThat(o).as("a YAML list").isInstanceOf(List.class);
        return (List<Object>) o;
    }
}
