package io.tokenmonitor.bridge;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.bridge.breaker.Breaker;
import io.tokenmonitor.bridge.config.BridgeConfig;
import io.tokenmonitor.bridge.console.ConsoleHttp;
import io.tokenmonitor.bridge.console.ConsoleService;
import io.tokenmonitor.bridge.digest.DigestScheduler;
import io.tokenmonitor.bridge.digest.DigestSource;
import io.tokenmonitor.bridge.digest.PrometheusQueries;
import io.tokenmonitor.bridge.http.BridgeServer;
import io.tokenmonitor.bridge.http.MetricsHandler;
import io.tokenmonitor.bridge.intake.AlertIntake;
import io.tokenmonitor.bridge.intake.BearerOrBasicAuth;
import io.tokenmonitor.bridge.intake.WebhookAuth;
import io.tokenmonitor.bridge.metrics.BridgeMetrics;
import io.tokenmonitor.bridge.notify.JsonPost;
import io.tokenmonitor.bridge.notify.Notifier;
import io.tokenmonitor.bridge.notify.TargetConfig;
import io.tokenmonitor.bridge.notify.TargetNotifiers;
import io.tokenmonitor.bridge.outbox.Backoff;
import io.tokenmonitor.bridge.outbox.Outbox;
import io.tokenmonitor.bridge.outbox.OutboxWorker;
import io.tokenmonitor.bridge.outbox.RateLimit;
import io.tokenmonitor.bridge.outbox.WorkSignal;
import io.tokenmonitor.bridge.policy.AlertPolicy;
import io.tokenmonitor.bridge.policy.BreakerJobs;
import io.tokenmonitor.bridge.policy.BreakerWorker;
import io.tokenmonitor.bridge.policy.Cooldown;
import io.tokenmonitor.bridge.policy.DeferredAlerts;
import io.tokenmonitor.bridge.policy.DeferredScheduler;
import io.tokenmonitor.bridge.policy.SeenEvents;
import io.tokenmonitor.bridge.state.ReceivedAlerts;
import io.tokenmonitor.bridge.state.StateStore;
import io.tokenmonitor.common.gateway.GatewayDsn;
import io.tokenmonitor.common.time.PromDuration;
import io.tokenmonitor.common.web.ConsoleLogin;
import io.tokenmonitor.common.web.LoginThrottle;
import io.undertow.server.HttpHandler;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running bridge: state store, workers and HTTP server, wired from a {@link BridgeConfig}. */
public final class Bridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Bridge.class);
    /** Windows are minutes apart at the finest, so a 15 s look at deferred alerts is prompt enough. */
    private static final Duration DEFERRED_CHECK = Duration.ofSeconds(15);

    /** Digests are due on the minute; a look every 30 s sends them within half a minute of their time. */
    private static final Duration DIGEST_CHECK = Duration.ofSeconds(30);

    private static final Duration BREAKER_POLL = Duration.ofSeconds(30);
    private static final Duration HOUSEKEEPING_PERIOD = Duration.ofHours(1);
    /** Deep JSON nesting is never Alertmanager; the limit stops stack-hungry bodies early. */
    private static final int MAX_JSON_NESTING = 32;

    private final StateStore store;
    private final BridgeServer server;
    private final List<Thread> threads = new ArrayList<>();
    private final List<OutboxWorker> workers = new ArrayList<>();
    private final List<WorkSignal> signals = new ArrayList<>();
    private volatile boolean running = true;

    private Bridge(StateStore store, BridgeServer server) {
        this.store = store;
        this.server = server;
    }

    /** The JSON mapper for webhook bodies: lenient to unknown fields, strict about structure and size. */
    static ObjectMapper webhookMapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_JSON_NESTING)
                        .build())
                // A repeated key is refused rather than "last one wins": a second "action" label must not smuggle
                // disable_channel past whatever read the first one.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** Opens the store, starts the workers and the server. */
    public static Bridge start(BridgeConfig config, Clock clock, PrometheusRegistry registry, String version) {
        ObjectMapper json = new ObjectMapper();
        StateStore store = StateStore.open(config.statePath());
        try {
            return wire(config, clock, registry, version, json, store);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static Bridge wire(
            BridgeConfig config,
            Clock clock,
            PrometheusRegistry registry,
            String version,
            ObjectMapper json,
            StateStore store) {
        Outbox outbox = new Outbox();
        BridgeMetrics metrics = new BridgeMetrics(
                registry, version, List.copyOf(config.targets().keySet()), () -> store.read(outbox::pending), clock);
        TargetNotifiers factory =
                new TargetNotifiers(new JsonPost(JsonPost.defaultClient(), JsonPost.DEFAULT_TIMEOUT), json, clock);
        Map<String, Notifier> notifiers = new LinkedHashMap<>();
        config.targets().forEach((name, target) -> notifiers.put(name, factory.create(target)));

        SeenEvents seen = new SeenEvents(config.defaults().dedupWindow());
        Cooldown cooldown = new Cooldown();
        DeferredAlerts deferred = new DeferredAlerts(json);
        BreakerJobs breakerJobs = new BreakerJobs(json);
        Optional<GatewayDsn> gateway = config.breaker().gateway();
        AlertPolicy policy = new AlertPolicy(
                config.defaults(),
                notifiers,
                outbox,
                seen,
                cooldown,
                deferred,
                breakerJobs,
                gateway.isPresent(),
                config.grouping().ungrouped());

        Map<String, WorkSignal> targetSignals = new LinkedHashMap<>();
        config.targets().keySet().forEach(t -> targetSignals.put(t, new WorkSignal()));
        WorkSignal breakerSignal = new WorkSignal();
        Runnable onQueued = () -> targetSignals.values().forEach(WorkSignal::signal);
        Runnable onBreakerQueued = () -> {
            onQueued.run();
            breakerSignal.signal();
        };

        AlertIntake intake = new AlertIntake(webhookMapper(), store, policy, metrics, clock, onBreakerQueued);
        WebhookAuth auth = config.auth();
        HttpHandler alerts = auth.required()
                ? new BearerOrBasicAuth(auth.bearerToken(), auth.user(), auth.password(), intake)
                : intake;
        Optional<Breaker> breaker = gateway.map(dsn -> Breaker.of(config.breaker(), dsn, store, clock, json));
        ConsoleHttp.Mounts console = console(config, clock, json, store, outbox, notifiers, targetSignals, breaker);
        BridgeServer server = new BridgeServer(
                config.listenHost(),
                config.listenPort(),
                alerts,
                new MetricsHandler(registry),
                () -> quietlyHealthy(store),
                console.page(),
                console.api());
        Bridge bridge = new Bridge(store, server);

        for (Map.Entry<String, Notifier> e : notifiers.entrySet()) {
            TargetConfig target = config.targets().get(e.getKey());
            OutboxWorker worker = new OutboxWorker(
                    e.getKey(),
                    e.getValue(),
                    store,
                    outbox,
                    new RateLimit(TargetNotifiers.rateLimit(target)),
                    new Backoff(Backoff.DEFAULT_BASE, config.outbox().maxBackoff(), RandomGenerator.getDefault()),
                    config.outbox().deadLetterAfter(),
                    clock,
                    metrics,
                    targetSignals.get(e.getKey()));
            bridge.workers.add(worker);
            bridge.signals.add(targetSignals.get(e.getKey()));
            bridge.thread("outbox-" + e.getKey(), worker);
        }
        DeferredScheduler scheduler = new DeferredScheduler(store, deferred, policy, metrics, clock, onBreakerQueued);
        bridge.loop("deferred", scheduler::runOnce, DEFERRED_CHECK, new WorkSignal(), clock);
        gateway.ifPresent(dsn -> {
            BreakerWorker worker =
                    new BreakerWorker(store, breakerJobs, breaker.orElseThrow(), policy, metrics, clock, onQueued);
            bridge.loop("breaker", worker::runOnce, BREAKER_POLL, breakerSignal, clock);
            LOG.info(
                    "breaker: gateway database {}{}, at most {} channel(s) per hour and each channel once per {},"
                            + " {} key(s) per hour and each once per {}, {} user(s) per hour and each once per {},"
                            + " for alerts {}{}",
                    dsn,
                    config.breaker().dryRun() ? " (dry run)" : "",
                    config.breaker().maxPerHour(),
                    PromDuration.format(config.breaker().channelInterval()),
                    config.breaker().tokens().maxPerHour(),
                    PromDuration.format(config.breaker().tokens().interval()),
                    config.breaker().users().maxPerHour(),
                    PromDuration.format(config.breaker().users().interval()),
                    String.join(",", new TreeSet<>(config.breaker().alertNames())),
                    config.breaker()
                            .gatewayLabel()
                            .map(g -> " with gateway=\"" + g + "\" (breaker.gateway)")
                            .orElse(" of any gateway"));
        });
        config.digests().prometheusUrl().ifPresent(url -> {
            if (config.digests().schedules().isEmpty()) {
                return;
            }
            DigestSource source = new DigestSource(
                    new PrometheusQueries(url, HttpClient.newHttpClient(), json), store, new ReceivedAlerts());
            DigestScheduler digests = new DigestScheduler(
                    config.digests().schedules(),
                    notifiers,
                    source,
                    store,
                    outbox,
                    new ReceivedAlerts(),
                    policy.language(),
                    clock,
                    onQueued);
            bridge.loop("digest", digests, DIGEST_CHECK, new WorkSignal(), clock);
            LOG.info(
                    "digest: from Prometheus at {} for {}",
                    PrometheusQueries.shown(url),
                    String.join(", ", config.digests().schedules().keySet()));
        });
        bridge.loop(
                "housekeeping",
                new Housekeeping(store, outbox, seen, cooldown, config.outbox().retention(), clock),
                HOUSEKEEPING_PERIOD,
                new WorkSignal(),
                clock);
        LOG.info(
                "bridge {} listening on {}:{}, state {}, targets {}",
                version,
                config.listenHost(),
                server.port(),
                config.statePath(),
                config.targets().isEmpty()
                        ? "(none)"
                        : String.join(", ", config.targets().keySet()));
        return bridge;
    }

    /** The console and its API, on the same breaker, outbox and workers as the rest; off without a login. */
    private static ConsoleHttp.Mounts console(
            BridgeConfig config,
            Clock clock,
            ObjectMapper json,
            StateStore store,
            Outbox outbox,
            Map<String, Notifier> notifiers,
            Map<String, WorkSignal> signals,
            Optional<Breaker> breaker) {
        if (config.console().isEmpty()) {
            LOG.info("console: off; set BRIDGE_USER and BRIDGE_PASSWORD, or ACCESS_PASSWORD, to serve it at /console/");
            return ConsoleHttp.off();
        }
        ConsoleLogin login = config.console().get();
        Map<String, ConsoleService.Target> targets = new LinkedHashMap<>();
        notifiers.forEach((name, notifier) ->
                targets.put(name, new ConsoleService.Target(config.targets().get(name), notifier, signals.get(name))));
        ConsoleService service = new ConsoleService(
                store, outbox, targets, breaker, config.breaker().dryRun(), config.defaults(), json, clock);
        LOG.info("console: at /console/ and /api/v1/ for the user {} (from {})", login.user(), login.source());
        return ConsoleHttp.on(
                service,
                login.user(),
                next -> new BearerOrBasicAuth(
                        Optional.empty(), Optional.of(login.user()), Optional.of(login.password()), next),
                new LoginThrottle(clock));
    }

    private void thread(String name, Runnable body) {
        Thread thread = new Thread(body, "bridge-" + name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    /** Runs {@code task} now and then every {@code period} or when signalled; errors are logged, never fatal. */
    private void loop(String name, Runnable task, Duration period, WorkSignal signal, Clock clock) {
        signals.add(signal);
        thread(name, () -> {
            while (running) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("{}: run failed, next try in {}s", name, period.toSeconds(), e);
                }
                try {
                    signal.await(clock.instant().plus(period), clock);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private static boolean quietlyHealthy(StateStore store) {
        try {
            return store.read(
                    h -> h.createQuery("SELECT 1").mapTo(Integer.class).one() == 1);
        } catch (RuntimeException e) {
            LOG.debug("healthz: state store check failed", e);
            return false;
        }
    }

    /** The HTTP port actually bound. */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        running = false;
        server.close();
        workers.forEach(OutboxWorker::stop);
        signals.forEach(WorkSignal::signal);
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(15).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        store.close();
        LOG.info("bridge stopped at {}", Instant.now());
    }
}
