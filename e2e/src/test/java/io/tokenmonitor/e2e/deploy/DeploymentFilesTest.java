package io.tokenmonitor.e2e.deploy;

import io.tokenmonitor.e2e.harness.RepoPaths;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Docker cannot run here, so docker-compose.yml and the Dockerfiles are checked by reading: every
 * environment variable exists in the programs' configuration code, and ports, host names and paths
 * agree with prometheus.yml, alertmanager.yml and Grafana's provisioning.
 */
class DeploymentFilesTest {
    private static final Path ROOT = RepoPaths.root();
    private static final Set<String> EXPORTER_SERVICES = Set.of("exporter", "exporter-demo");

    private final Map<String, Object> compose = yaml(ROOT.resolve("docker-compose.yml"));
    private final Map<String, Object> services = map(compose.get("services"));

    @Test
    void givenComposeServices_thenTheWholeStackIsThereWithRestartPolicyAndHealthCheck() {
        assertThat(services).containsKeys("exporter", "exporter-demo", "bridge", "prometheus", "alertmanager", "grafana");
        for (Map.Entry<String, Object> e : services.entrySet()) {
            Map<String, Object> s = map(e.getValue());
            assertThat(s.get("restart")).as(e.getKey() + " restart").isEqualTo("unless-stopped");
            boolean built = s.containsKey("build");
            assertThat(s.containsKey("healthcheck") || built && dockerfileOf(s).contains("\nHEALTHCHECK "))
                    .as(e.getKey() + ": a health check in compose or its Dockerfile").isTrue();
        }
        assertThat(map(compose.get("volumes"))).containsKeys("exporter-data", "bridge-data", "prometheus-data", "alertmanager-data", "grafana-data");
    }

    @Test
    void givenDemoProfile_thenAnExporterRunsWithDemoUnderTheExporterHostName() {
        Map<String, Object> demo = map(services.get("exporter-demo"));
        assertThat(list(demo.get("profiles"))).containsExactly("demo");
        assertThat(list(demo.get("command"))).contains("--demo");
        assertThat(list(map(map(demo.get("networks")).get("default")).get("aliases"))).contains("exporter");
        assertThat(list(map(services.get("exporter")).get("profiles"))).containsExactly("gateway");
    }

    @Test
    void givenExporterEnvironment_thenEveryNameIsReadByTheExporterConfigCode() throws IOException {
        String code = sources(ROOT.resolve("exporter/src/main/java"));
        for (String service : EXPORTER_SERVICES) {
            for (String name : environment(service).keySet()) {
                assertThat(knows(code, name)).as(service + ": " + name + " is not read by the exporter").isTrue();
            }
        }
    }

    @Test
    void givenBridgeEnvironment_thenEveryNameIsReadByTheBridgeConfigCode() throws IOException {
        String code = sources(ROOT.resolve("alertmanager-bridge/src/main/java"));
        for (String name : environment("bridge").keySet()) {
            assertThat(knows(code, name)).as("bridge: " + name + " is not read by the bridge").isTrue();
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
        assertThat(String.valueOf(map(services.get("alertmanager")).get("ports"))).contains(":9093");
        assertThat(mounts("prometheus")).containsEntry("./prometheus/prometheus.yml", "/etc/prometheus/prometheus.yml")
                .containsEntry("./prometheus/rules", "/etc/prometheus/rules");
        assertThat(list(map(services.get("prometheus")).get("command"))).contains("--config.file=/etc/prometheus/prometheus.yml");
    }

    @Test
    void givenAlertmanagerWebhook_thenItReachesTheBridgeWithTheMountedToken() throws IOException {
        String am = Files.readString(ROOT.resolve("prometheus/alertmanager.yml"));
        assertThat(am).contains("http://bridge:9467/alerts");
        Matcher file = Pattern.compile("credentials_file:\\s*(\\S+)").matcher(am);
        assertThat(file.find()).as("alertmanager.yml credentials_file").isTrue();
        assertThat(String.valueOf(map(services.get("alertmanager")).get("secrets"))).contains("target=" + file.group(1));
        String bridgeTokenFile = environment("bridge").get("BRIDGE_TOKEN_FILE");
        assertThat(String.valueOf(map(services.get("bridge")).get("secrets"))).contains("target=" + bridgeTokenFile);
        assertThat(mounts("alertmanager")).containsEntry("./prometheus/alertmanager.yml", "/etc/alertmanager/alertmanager.yml");
    }

    @Test
    void givenGrafana_thenProvisioningDashboardsPrometheusAndStorePathsAgree() {
        Map<String, String> env = environment("grafana");
        assertThat(env.get("GF_SECURITY_ADMIN_PASSWORD")).contains("ACCESS_PASSWORD");
        assertThat(env.get("GF_PLUGINS_PREINSTALL_SYNC")).contains("frser-sqlite-datasource");
        Map<String, String> mounts = mounts("grafana");
        assertThat(mounts).containsEntry("./grafana/provisioning", "/etc/grafana/provisioning");
        assertThat(mounts.get("./grafana/dashboards")).isEqualTo(env.get("TM_DASHBOARDS_PATH"));
        String dashboardsYml = read("grafana/provisioning/dashboards/dashboards.yml");
        assertThat(dashboardsYml).contains("${TM_DASHBOARDS_PATH:-" + env.get("TM_DASHBOARDS_PATH") + "}");
        assertThat(env.get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")).startsWith(env.get("TM_DASHBOARDS_PATH") + "/");
        assertThat(ROOT.resolve("grafana/dashboards").resolve(Path.of(env.get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")).getFileName())).exists();

        String datasources = read("grafana/provisioning/datasources/datasources.yml");
        assertThat(datasources).contains("${TM_PROMETHEUS_URL:-" + env.get("TM_PROMETHEUS_URL") + "}");
        assertThat(env.get("TM_PROMETHEUS_URL")).isEqualTo("http://prometheus:9090");
        assertThat(datasources).contains("${TM_STORE_PATH:-" + env.get("TM_STORE_PATH") + "}");
        Path store = Path.of(env.get("TM_STORE_PATH"));
        assertThat(mounts.get("exporter-data")).as("the exporter's volume in Grafana").isEqualTo(store.getParent().toString());
        for (String service : EXPORTER_SERVICES) {
            Path exporterStore = Path.of(environment(service).get("STORE_PATH"));
            assertThat(mounts(service).get("exporter-data")).as(service + " volume").isEqualTo(exporterStore.getParent().toString());
            assertThat(exporterStore.getFileName()).as(service + " store file = Grafana's").isEqualTo(store.getFileName());
        }
        assertThat(datasources).contains("pathOptions: mode=ro");
    }

    @Test
    void givenBindMounts_thenTheirSourcesExistInTheRepository() {
        for (String service : services.keySet()) {
            for (String source : mounts(service).keySet()) {
                if (source.startsWith("./") && !source.equals("./config")) {
                    assertThat(ROOT.resolve(source)).as(service + " mounts " + source).exists();
                }
            }
        }
    }

    @Test
    void givenDockerfiles_thenMultiStageNonRootWithHealthCheckOnTheDefaultPort() throws IOException {
        check("exporter/Dockerfile", "token-monitor-exporter.jar", 9466,
                sources(ROOT.resolve("exporter/src/main/java")));
        check("alertmanager-bridge/Dockerfile", "token-monitor-bridge.jar", 9467,
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
                    Matcher def = Pattern.compile("(?m)^ARG " + arg + "=(\\S+)$").matcher(dockerfile);
                    assertThat(def.find()).as(e.getKey() + ": ARG " + arg + " in its Dockerfile").isTrue();
                    String shortName = def.group(1).contains("/") ? def.group(1) : "library/" + def.group(1);
                    assertThat(String.valueOf(args.get(arg))).as(e.getKey() + " build arg " + arg)
                            .isEqualTo("${TM_" + arg + ":-${TM_REGISTRY:-docker.io}/" + shortName + "}");
                }
            } else {
                assertThat(image).as(e.getKey() + " image").startsWith("${TM_REGISTRY:-docker.io}/");
            }
        }
    }

    private static void check(String file, String jar, int port, String code) {
        String d = read(file);
        assertThat(d).as(file).contains("--from=build").contains(jar).contains("\nHEALTHCHECK ").contains("EXPOSE " + port);
        // The base images are build args declared before the first FROM, defaulting to the public images.
        assertThat(d).as(file + " base image args").containsPattern("(?m)^ARG BUILD_IMAGE=maven:3\\.9-eclipse-temurin-17$")
                .containsPattern("(?m)^ARG RUNTIME_IMAGE=eclipse-temurin:17-jre$");
        assertThat(d.indexOf("\nARG RUNTIME_IMAGE=")).as(file + ": ARG before FROM").isLessThan(d.indexOf("\nFROM "));
        List<String> froms = Pattern.compile("(?m)^FROM (.+)$").matcher(d).results().map(r -> r.group(1).strip()).toList();
        assertThat(froms).as(file + " stages").containsExactly("${BUILD_IMAGE} AS build", "${RUNTIME_IMAGE}");
        // The classic builder (DOCKER_BUILDKIT=0) must build it: no BuildKit-only syntax.
        assertThat(d).as(file).doesNotContain("# syntax=").doesNotContain("--mount=");
        // Dependencies resolved in a layer of their own, before the sources are copied.
        Matcher sources = Pattern.compile("(?m)^COPY \\S+/src ").matcher(d);
        assertThat(sources.find()).as(file + " copies the sources").isTrue();
        assertThat(d.indexOf("dependency:go-offline")).as(file + ": dependencies resolved before the sources are copied")
                .isPositive().isLessThan(sources.start());
        Matcher user = Pattern.compile("(?m)^USER (\\S+)").matcher(d);
        assertThat(user.find()).as(file + " USER").isTrue();
        assertThat(user.group(1)).as(file + " USER").doesNotStartWith("root").doesNotStartWith("0:").isNotEqualTo("0");
        assertThat(code).as(file + ": default listen address in the code").contains("\"0.0.0.0:" + port + "\"");
        for (String module : List.of("pom.xml", "exporter/pom.xml", "alertmanager-bridge/pom.xml", "e2e/pom.xml")) {
            assertThat(d).as(file + " copies every module pom (the parent lists them)").contains("COPY " + module);
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
        return name.endsWith("_FILE") && code.contains("\"" + name.substring(0, name.length() - 5) + "\"") && code.contains("\"_FILE\"");
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
