package io.tokenmonitor.e2e.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.common.alert.TargetName;
import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.common.config.HostPort;
import io.tokenmonitor.common.gateway.GatewayDsn;
import io.tokenmonitor.common.time.ActiveWindow;
import io.tokenmonitor.common.time.PromDuration;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One table of inputs (durations, active windows, target names, gateway DSNs, listen addresses) fed to both programs' real config
 * loaders, which must give the answers of docs/alert-labels.md and docs/gateway-dsn.md: the same accept or refuse, and no password in a
 * refusal. The loaders run from the packaged jars, each in a class loader of its own (the shaded jars carry their
 * own copies of everything), through their public entry points: the exporter's
 * {@code ExporterConfig.fromEnvironment(Map, boolean)} and {@code BudgetConfig.parse(String, String)}, the bridge's
 * {@code new ConfigLoader().load(Env, Optional<Path>)}. The shared module's own parser answers each row too, so the
 * table itself is checked against the one implementation.
 */
class SharedGrammarIT {
    private static final String EXPORTER_CONFIG = "io.tokenmonitor.exporter.config.ExporterConfig";
    private static final String BUDGET_CONFIG = "io.tokenmonitor.exporter.rule.RulesFile";
    private static final String CONFIG_LOADER = "io.tokenmonitor.bridge.config.ConfigLoader";
    /** In every refused DSN: neither program may echo it. */
    private static final String PASSWORD = "s3cret";

    enum Concept {
        DURATION,
        ACTIVE_WINDOW,
        TARGET_NAME,
        DSN,
        LISTEN_ADDRESS
    }

    /** What a loader did with a row. */
    enum Answer {
        ACCEPTED,
        REFUSED
    }

    record Outcome(Answer answer, String message) {
        static Outcome accepted() {
            return new Outcome(Answer.ACCEPTED, "");
        }
    }

    private static URLClassLoader exporter;
    private static URLClassLoader bridge;

    @TempDir
    static Path dir;

    @BeforeAll
    static void loadTheJars() throws Exception {
        exporter = isolated("exporter.jar");
        bridge = isolated("bridge.jar");
    }

    @AfterAll
    static void closeTheJars() throws Exception {
        for (URLClassLoader loader : new URLClassLoader[] {exporter, bridge}) {
            if (loader != null) {
                loader.close();
            }
        }
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                // 1. Durations: exactly Prometheus' model.ParseDuration.
                row(Concept.DURATION, "1h30m", true),
                row(Concept.DURATION, "30m1h", false),
                row(Concept.DURATION, "1h1h", false),
                row(Concept.DURATION, "0", true),
                row(Concept.DURATION, "0s", true),
                row(Concept.DURATION, "", false),
                row(Concept.DURATION, "30", false),
                row(Concept.DURATION, "500ms", true),
                row(Concept.DURATION, "7d", true),
                row(Concept.DURATION, "2w", true),
                row(Concept.DURATION, "1y", true),
                row(Concept.DURATION, "1d12h", true),
                row(Concept.DURATION, "1.5h", false),
                row(Concept.DURATION, "-5m", false),
                row(Concept.DURATION, "5x", false),
                row(Concept.DURATION, "300y", false),
                // 2. Active windows: strict HH:MM as Alertmanager's time intervals.
                row(Concept.ACTIVE_WINDOW, "always", true),
                row(Concept.ACTIVE_WINDOW, "", true),
                row(Concept.ACTIVE_WINDOW, "09:00-12:00,13:00-18:00", true),
                row(Concept.ACTIVE_WINDOW, "Mon-Fri 09:00-18:00", true),
                row(Concept.ACTIVE_WINDOW, "mon-fri 09:00-18:00", true),
                row(Concept.ACTIVE_WINDOW, "Monday,Wednesday 09:00-18:00", true),
                row(Concept.ACTIVE_WINDOW, "Sat,Sun 10:00-16:00", true),
                row(Concept.ACTIVE_WINDOW, "Fri-Mon 22:00-06:00", true),
                row(Concept.ACTIVE_WINDOW, "22:00-06:00", true),
                row(Concept.ACTIVE_WINDOW, "00:00-24:00", true),
                row(Concept.ACTIVE_WINDOW, "22:00-24:00", true),
                row(Concept.ACTIVE_WINDOW, "9:00-17:00", false),
                row(Concept.ACTIVE_WINDOW, "22:00-24:30", false),
                row(Concept.ACTIVE_WINDOW, "10:00-10:00", false),
                row(Concept.ACTIVE_WINDOW, "24:00-06:00", false),
                row(Concept.ACTIVE_WINDOW, "25:00-26:00", false),
                row(Concept.ACTIVE_WINDOW, "Mon-Fry 09:00-18:00", false),
                row(Concept.ACTIVE_WINDOW, "09:00", false),
                // 3. Target names: [A-Za-z0-9_.-]+, the bridge's rule.
                row(Concept.TARGET_NAME, "telegram", true),
                row(Concept.TARGET_NAME, "ops-team", true),
                row(Concept.TARGET_NAME, "ops_team", true),
                row(Concept.TARGET_NAME, "team.oncall", true),
                row(Concept.TARGET_NAME, "ops team", false),
                row(Concept.TARGET_NAME, "ops:team", false),
                row(Concept.TARGET_NAME, "ops/team", false),
                row(Concept.TARGET_NAME, "运维", false),
                // 4. The gateway DSN: every form the gateways accept.
                row(
                        Concept.DSN,
                        "root:" + PASSWORD + "@tcp(db:3306)/new-api?charset=utf8mb4&parseTime=True&loc=Local",
                        true),
                row(Concept.DSN, "root:p@ss:w@tcp(db:3306)/new-api", true),
                row(Concept.DSN, "root:pw@tcp(db:3306)/new-api?tls=skip-verify", true),
                row(Concept.DSN, "root:pw@unix(/run/mysqld/mysqld.sock)/new-api", true),
                row(Concept.DSN, "root:pw@/new-api", true),
                row(Concept.DSN, "postgres://u:p%40ss@pg:5432/new-api?sslmode=disable", true),
                row(Concept.DSN, "postgresql://u@pg/new-api", true),
                row(Concept.DSN, "host=pg port=5432 user=u password='a b' dbname=new-api sslmode=disable", true),
                row(Concept.DSN, "mysql://root:pw@db:3306/new-api", true),
                row(Concept.DSN, "local", true),
                row(Concept.DSN, "/data/one-api.db?_busy_timeout=30000", true),
                row(Concept.DSN, "file:/data/one-api.db", true),
                row(Concept.DSN, "jdbc:mysql://db:3306/new-api", true),
                row(Concept.DSN, "jdbc:mariadb://db:3306/new-api", true),
                row(Concept.DSN, "jdbc:postgresql://pg:5432/new-api", true),
                row(Concept.DSN, "jdbc:sqlite:/data/one-api.db", true),
                row(Concept.DSN, "root:" + PASSWORD + "@tcp(db:3306)/", false),
                row(Concept.DSN, "root:" + PASSWORD + "@tcp(db:3306)/new-api?tls=custom", false),
                row(Concept.DSN, "postgres://u:" + PASSWORD + "@pg:5432", false),
                row(Concept.DSN, "host=pg user=u password=" + PASSWORD, false),
                row(Concept.DSN, "gateway", false),
                row(Concept.DSN, "http://u:" + PASSWORD + "@db/new-api", false),
                row(Concept.DSN, "jdbc:oracle:thin:u/" + PASSWORD + "@db:1521:x", false),
                // host:port (LISTEN_ADDRESS of both): one parser, an IPv6 address in brackets.
                row(Concept.LISTEN_ADDRESS, "0.0.0.0:9466", true),
                row(Concept.LISTEN_ADDRESS, "127.0.0.1:0", true),
                row(Concept.LISTEN_ADDRESS, ":9466", true),
                row(Concept.LISTEN_ADDRESS, "[::1]:9466", true),
                row(Concept.LISTEN_ADDRESS, "9466", false),
                row(Concept.LISTEN_ADDRESS, "0.0.0.0:", false),
                row(Concept.LISTEN_ADDRESS, "0.0.0.0:65536", false),
                row(Concept.LISTEN_ADDRESS, "0.0.0.0:http", false),
                row(Concept.LISTEN_ADDRESS, "::1:9466", false));
    }

    private static Arguments row(Concept concept, String input, boolean accepted) {
        return Arguments.of(concept, input, accepted ? Answer.ACCEPTED : Answer.REFUSED);
    }

    @ParameterizedTest(name = "[{index}] {0} \"{1}\" {2}")
    @MethodSource("rows")
    void givenSharedInput_whenBothProgramsLoadIt_thenBothGiveTheAnswerOfTheDecisions(
            Concept concept, String input, Answer expected) throws Exception {
        SoftAssertions soft = new SoftAssertions();
        check(soft, "common", input, common(concept, input), expected);
        check(soft, "exporter", input, exporterLoads(concept, input), expected);
        check(soft, "bridge", input, bridgeLoads(concept, input), expected);
        soft.assertAll();
    }

    private static void check(SoftAssertions soft, String program, String input, Outcome outcome, Answer expected) {
        soft.assertThat(outcome.answer())
                .as("%s on \"%s\" (%s)", program, input, outcome.message())
                .isEqualTo(expected);
        soft.assertThat(outcome.message())
                .as("%s on \"%s\": a refusal never shows the password", program, input)
                .doesNotContain(PASSWORD);
    }

    /** The shared module's answer: the reference the table is written against. */
    private static Outcome common(Concept concept, String input) {
        try {
            switch (concept) {
                case DURATION -> PromDuration.parse("cooldown", input);
                case ACTIVE_WINDOW -> ActiveWindow.parse("active", input);
                case TARGET_NAME -> TargetName.check("notify", input);
                case DSN -> GatewayDsn.parse("SQL_DSN", input, null);
                case LISTEN_ADDRESS -> HostPort.parse("LISTEN_ADDRESS", input);
            }
            return Outcome.accepted();
        } catch (ConfigException e) {
            return new Outcome(Answer.REFUSED, e.getMessage());
        }
    }

    /** Durations, windows and names as a budget's cooldown, active and notify; a DSN as SQL_DSN; an address as LISTEN_ADDRESS. */
    private static Outcome exporterLoads(Concept concept, String input) throws Exception {
        if (concept == Concept.DSN || concept == Concept.LISTEN_ADDRESS) {
            Method fromEnvironment =
                    exporter.loadClass(EXPORTER_CONFIG).getMethod("fromEnvironment", Map.class, boolean.class);
            Map<String, String> env = concept == Concept.DSN
                    ? Map.of("SQL_DSN", input)
                    : Map.of("SQL_DSN", "root:pw@tcp(db:3306)/new-api", "LISTEN_ADDRESS", input);
            return outcome(() -> fromEnvironment.invoke(null, env, false));
        }
        String key = switch (concept) {
            case DURATION -> "cooldown";
            case ACTIVE_WINDOW -> "active";
            default -> "notify";
        };
        String yaml = "budgets:\n  - name: shared-grammar\n    window: 1h\n    limit: {tokens: 100}\n    " + key + ": "
                + quoted(input) + "\n";
        Method parse = exporter.loadClass(BUDGET_CONFIG).getMethod("parse", String.class, String.class);
        return outcome(() -> parse.invoke(null, yaml, "budgets.yml"));
    }

    /** Durations and windows as the alert defaults' cooldown and active; a name as a target's; SQL_DSN; LISTEN_ADDRESS. */
    private static Outcome bridgeLoads(Concept concept, String input) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("BRIDGE_TOKEN", "t0ken"));
        String yaml = switch (concept) {
            case DURATION -> "defaults:\n  cooldown: " + quoted(input) + "\n";
            case ACTIVE_WINDOW -> "defaults:\n  active: " + quoted(input) + "\n";
            case TARGET_NAME ->
                "targets:\n  " + quoted(input)
                        + ":\n    type: wecom\n    webhook: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k\n";
            case DSN -> {
                env.put("SQL_DSN", input);
                yield "";
            }
            case LISTEN_ADDRESS -> {
                env.put("LISTEN_ADDRESS", input);
                yield "";
            }
        };
        Path file = Files.writeString(Files.createTempFile(dir, "bridge", ".yml"), yaml);
        Class<?> loaderClass = bridge.loadClass(CONFIG_LOADER);
        Method load = Stream.of(loaderClass.getMethods())
                .filter(m -> m.getName().equals("load") && m.getParameterCount() == 2)
                .findFirst()
                .orElseThrow(() -> new AssertionError(CONFIG_LOADER + " has no load(Env, Optional<Path>)"));
        // Env is wherever the bridge keeps it (its config package today, the shared module after issue 10).
        Object envObject = load.getParameterTypes()[0].getConstructor(Map.class).newInstance(env);
        Object loader = loaderClass.getConstructor().newInstance();
        return outcome(() -> load.invoke(loader, envObject, Optional.of(file)));
    }

    private interface Call {
        Object run() throws Exception;
    }

    /** A ConfigException (of either program's package) is a refusal; anything else thrown is a crash, not an answer. */
    private static Outcome outcome(Call call) throws Exception {
        try {
            call.run();
            return Outcome.accepted();
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause.getClass().getSimpleName().equals("ConfigException")) {
                return new Outcome(Answer.REFUSED, cause.getMessage());
            }
            throw new AssertionError("the loader crashed instead of answering: " + cause, cause);
        }
    }

    /** A YAML double-quoted scalar. */
    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static URLClassLoader isolated(String property) throws Exception {
        String jar = System.getProperty(property);
        assertThat(jar)
                .as("system property " + property + " (set by the e2e pom)")
                .isNotBlank();
        assertThat(Path.of(jar))
                .as("the packaged jar; build it with mvn -pl e2e -am verify")
                .exists();
        return new URLClassLoader(new URL[] {Path.of(jar).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    }
}
