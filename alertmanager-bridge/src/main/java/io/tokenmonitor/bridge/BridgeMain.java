package io.tokenmonitor.bridge;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.bridge.breaker.Breaker;
import io.tokenmonitor.bridge.breaker.BreakerAudit;
import io.tokenmonitor.bridge.breaker.BreakerLimit;
import io.tokenmonitor.bridge.breaker.BreakerOutcome;
import io.tokenmonitor.bridge.breaker.Target;
import io.tokenmonitor.bridge.config.BridgeConfig;
import io.tokenmonitor.bridge.config.ConfigLoader;
import io.tokenmonitor.bridge.intake.WebhookAuth;
import io.tokenmonitor.bridge.notify.Delivery;
import io.tokenmonitor.bridge.notify.JsonPost;
import io.tokenmonitor.bridge.notify.Notification;
import io.tokenmonitor.bridge.notify.Notifier;
import io.tokenmonitor.bridge.notify.TargetConfig;
import io.tokenmonitor.bridge.notify.TargetNotifiers;
import io.tokenmonitor.bridge.state.StateStore;
import io.tokenmonitor.common.alert.AccountId;
import io.tokenmonitor.common.alert.ChannelId;
import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.common.config.Env;
import io.tokenmonitor.common.gateway.GatewayDsn;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point. {@code serve} (the default) runs the bridge; {@code test-send TARGET} sends a sample message;
 * {@code enable-channel ID}, {@code enable-token ID} and {@code enable-user ID} re-enable a channel, API key or user
 * the breaker disabled. Settings errors are one line and exit 2;
 * any other start-up failure is logged with its stack trace and exits 1.
 */
public final class BridgeMain {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeMain.class);
    private static final int EXIT_OK = 0;
    private static final int EXIT_FAILED = 1;
    private static final int EXIT_CONFIG = 2;
    private static final int KEEP_RUNNING = -1;
    private static final String USAGE =
            "usage: token-monitor-bridge [--config FILE] [serve | test-send TARGET | enable-channel ID | enable-token ID | enable-user ID]";

    private BridgeMain() {}

    public static void main(String[] args) {
        // Undertow logs through jboss-logging; send it to the same SLF4J backend as everything else.
        System.setProperty("org.jboss.logging.provider", "slf4j");
        int code;
        try {
            code = run(args, new Env(System.getenv()), System.out);
        } catch (ConfigException e) {
            System.err.println(e.getMessage()); // a settings mistake: one line saying what to change
            code = EXIT_CONFIG;
        } catch (RuntimeException e) {
            // Not a settings mistake: the state store, the network or a bug; the stack trace is for the report.
            LOG.error("start-up failed: {}", e.getMessage(), e);
            code = EXIT_FAILED;
        }
        if (code != KEEP_RUNNING) {
            System.exit(code);
        }
    }

    static int run(String[] args, Env env, PrintStream out) {
        List<String> rest = new ArrayList<>();
        Optional<Path> configFile = env.get("CONFIG_FILE").map(Path::of);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config")) {
                if (i + 1 >= args.length) {
                    throw new ConfigException("--config: needs a file name; " + USAGE);
                }
                configFile = Optional.of(Path.of(args[++i]));
            } else if (args[i].equals("--help") || args[i].equals("-h")) {
                out.println(USAGE);
                return EXIT_OK;
            } else {
                rest.add(args[i]);
            }
        }
        String command = rest.isEmpty() ? "serve" : rest.get(0);
        BridgeConfig config = new ConfigLoader().load(env, configFile);
        return switch (command) {
            case "serve" -> {
                expectArguments(rest, 1);
                serve(config);
                yield KEEP_RUNNING;
            }
            case "test-send" -> {
                expectArguments(rest, 2);
                yield testSend(config, rest.get(1), out);
            }
            case "enable-channel" -> {
                expectArguments(rest, 2);
                // The channel_id label's grammar: Long.parseLong would take "３", "+2" and "-2" too.
                yield enable(config, Target.channel(ChannelId.parse(command, rest.get(1))), command, out);
            }
            case "enable-token" -> {
                expectArguments(rest, 2);
                yield enable(config, Target.token(AccountId.token(command, rest.get(1))), command, out);
            }
            case "enable-user" -> {
                expectArguments(rest, 2);
                yield enable(config, Target.user(AccountId.user(command, rest.get(1))), command, out);
            }
            default -> throw new ConfigException("unknown command \"" + command + "\"; " + USAGE);
        };
    }

    private static void expectArguments(List<String> rest, int count) {
        if (rest.size() != Math.max(count, 1) && !(count == 1 && rest.isEmpty())) {
            throw new ConfigException(USAGE);
        }
    }

    private static void serve(BridgeConfig config) {
        WebhookAuth auth = config.auth();
        if (!auth.required() && !auth.allowUnauthenticated()) {
            throw new ConfigException("BRIDGE_TOKEN: the webhook needs credentials; set BRIDGE_TOKEN and/or "
                    + "BRIDGE_USER + BRIDGE_PASSWORD, or BRIDGE_ALLOW_UNAUTHENTICATED=true on a trusted network");
        }
        PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;
        JvmMetrics.builder().register(registry);
        Bridge bridge = Bridge.start(config, Clock.systemUTC(), registry, version());
        Runtime.getRuntime().addShutdownHook(new Thread(bridge::close, "bridge-shutdown"));
    }

    private static int testSend(BridgeConfig config, String name, PrintStream out) {
        TargetConfig target = config.targets().get(name);
        if (target == null) {
            throw new ConfigException("test-send: no target \"" + name + "\"; configured: "
                    + (config.targets().isEmpty()
                            ? "(none)"
                            : String.join(", ", config.targets().keySet())));
        }
        Clock clock = Clock.systemUTC();
        Notifier notifier = new TargetNotifiers(
                        new JsonPost(JsonPost.defaultClient(), JsonPost.DEFAULT_TIMEOUT), new ObjectMapper(), clock)
                .create(target);
        List<String> parts = notifier.render(Notification.sample(
                config.defaults().language(), config.defaults().zone(), clock.instant()));
        for (String part : parts) {
            Delivery delivery = notifier.send(part);
            if (delivery instanceof Delivery.Rejected rejected) {
                out.println("test-send " + name + ": rejected: " + rejected.reason());
                return EXIT_FAILED;
            }
            if (delivery instanceof Delivery.RetryLater retry) {
                out.println("test-send " + name + ": not delivered now (" + retry.reason() + "); try again later");
                return EXIT_FAILED;
            }
        }
        out.println("test-send " + name + ": sent (" + parts.size() + " part" + (parts.size() == 1 ? "" : "s") + ")");
        return EXIT_OK;
    }

    private static int enable(BridgeConfig config, Target target, String command, PrintStream out) {
        GatewayDsn dsn = config.breaker()
                .gateway()
                .orElseThrow(
                        () -> new ConfigException("SQL_DSN: " + command + " needs the gateway database; set SQL_DSN"));
        try (StateStore store = StateStore.open(config.statePath())) {
            // Limits and alert names play no part in enabling.
            BreakerLimit none = new BreakerLimit(0, Duration.ZERO);
            Breaker breaker = new Breaker(
                    dsn,
                    store,
                    new BreakerAudit(),
                    false,
                    Map.of(Target.Kind.CHANNEL, none, Target.Kind.TOKEN, none, Target.Kind.USER, none),
                    Set.of(),
                    Optional.empty(),
                    Clock.systemUTC(),
                    new ObjectMapper());
            BreakerOutcome outcome = breaker.enable(target);
            out.println(command + " " + target.id() + ": " + outcome.result().label()
                    + (outcome.detail().isEmpty() ? "" : " - " + outcome.detail()));
            return outcome.result() == BreakerOutcome.Result.ENABLED ? EXIT_OK : EXIT_FAILED;
        }
    }

    static String version() {
        String v = BridgeMain.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
