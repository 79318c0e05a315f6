package io.tokenmonitor.exporter;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.exporter.budget.BudgetConfig;
import io.tokenmonitor.exporter.budget.BudgetEvaluator;
import io.tokenmonitor.exporter.budget.BudgetWatcher;
import io.tokenmonitor.exporter.channel.ChannelRefresher;
import io.tokenmonitor.exporter.config.ConfigException;
import io.tokenmonitor.exporter.config.ExporterConfig;
import io.tokenmonitor.exporter.config.PromDuration;
import io.tokenmonitor.exporter.demo.DemoGateway;
import io.tokenmonitor.exporter.demo.TrafficSimulator;
import io.tokenmonitor.exporter.history.HistoryExport;
import io.tokenmonitor.exporter.http.ExporterHttpServer;
import io.tokenmonitor.exporter.http.WebConfig;
import io.tokenmonitor.exporter.metrics.BudgetCollector;
import io.tokenmonitor.exporter.metrics.ChannelCollector;
import io.tokenmonitor.exporter.metrics.OptionalUsageCollector;
import io.tokenmonitor.exporter.metrics.IngestCollector;
import io.tokenmonitor.exporter.metrics.UsageExposition;
import io.tokenmonitor.exporter.source.ChannelReader;
import io.tokenmonitor.exporter.source.SourceDsn;
import io.tokenmonitor.exporter.source.SourcePool;
import io.tokenmonitor.exporter.store.OptionalDimensions;
import io.tokenmonitor.exporter.store.SeriesKey;
import io.tokenmonitor.exporter.store.Store;
import io.tokenmonitor.exporter.store.UsageTotals;
import io.tokenmonitor.exporter.sync.IngestStatus;
import io.tokenmonitor.exporter.sync.LabelGuard;
import io.tokenmonitor.exporter.sync.SyncLoop;
import io.tokenmonitor.exporter.sync.SyncPosition;
import io.tokenmonitor.exporter.sync.SyncSettings;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/** Starts the exporter: reads the settings, opens the store and the gateway database, serves /metrics. */
public final class ExporterMain {

    private static final Logger log = LoggerFactory.getLogger(ExporterMain.class);
    /** Budgets reach back at most a calendar month, so rollups are kept at least this long. */
    private static final Duration MIN_ROLLUP_RETENTION = Duration.ofDays(35);
    private static final String USAGE = """
            usage: java -jar token-monitor-exporter.jar [--demo] [--config FILE] [--web.config.file FILE]
                   java -jar token-monitor-exporter.jar export-history --output FILE [--from TIME] [--to TIME] [--step DURATION]
              --demo               run on a built-in New API demo database with simulated traffic (no gateway needed)
              --config FILE        budgets and time zone (YAML; also CONFIG_FILE)
              --web.config.file F  TLS and basic auth for /metrics, exporter-toolkit format (also WEB_CONFIG_FILE)
              export-history       write the store's history as OpenMetrics for promtool tsdb create-blocks-from openmetrics
            Settings come from environment variables; see README.md ("Configuration").""";

    private ExporterMain() {
    }

    public static void main(String[] args) {
        try {
            Arguments arguments = Arguments.parse(args);
            if (arguments.help()) {
                System.out.println(USAGE);
                return;
            }
            if (arguments.version()) {
                System.out.println(version());
                return;
            }
            ExporterConfig config = ExporterConfig.fromEnvironment(System.getenv(), arguments.demo(), arguments.configFile(),
                    arguments.webConfigFile());
            if (arguments.command().equals("export-history")) {
                HistoryExport.run(config.storePath(), arguments.options(), Clock.systemUTC());
                return;
            }
            Running running = start(config, arguments.demo());
            Runtime.getRuntime().addShutdownHook(new Thread(running::close, "shutdown"));
        } catch (ConfigException e) {
            System.err.println("token-monitor-exporter: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            log.error("start-up failed: {}", e.getMessage(), e);
            System.exit(1);
        }
    }

    /** Wires and starts every part; the returned handle stops them in reverse order. */
    static Running start(ExporterConfig config, boolean demo) throws Exception {
        List<AutoCloseable> parts = new ArrayList<>();
        try {
            BudgetConfig budgets = config.configFile() == null ? BudgetConfig.empty() : BudgetWatcher.read(config.configFile());
            WebConfig web = config.webConfigFile() == null ? WebConfig.NONE : WebConfig.read(config.webConfigFile());
            SourceDsn logDsn = config.logDsn();
            SourceDsn mainDsn = config.mainDsn();
            if (demo) {
                DemoGateway gateway = DemoGateway.createOrReuse(config.demoPath());
                TrafficSimulator simulator = new TrafficSimulator(gateway, config.demoRowsPerSecond(), Clock.systemUTC());
                simulator.start();
                parts.add(simulator);
                logDsn = SourceDsn.sqlite(gateway.file());
                mainDsn = logDsn;
            }
            PrometheusRegistry registry = new PrometheusRegistry();
            JvmMetrics.builder().register(registry);
            PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, registry, io.micrometer.core.instrument.Clock.SYSTEM);
            MicrometerMetricsTrackerFactory poolMetrics = new MicrometerMetricsTrackerFactory(meters);

            Store store = Store.open(config.storePath());
            parts.add(store);
            SyncPosition position = store.loadPosition().orElse(SyncPosition.start(logDsn.identity()));
            if (!position.source().equals(logDsn.identity())) {
                throw new ConfigException("STORE_PATH: " + config.storePath() + " holds data synced from " + position.source()
                        + ", not from " + logDsn.identity() + "; use a new STORE_PATH for another gateway database");
            }
            HikariDataSource logPool = SourcePool.open("gateway-logs", logDsn, poolMetrics);
            parts.add(logPool);
            HikariDataSource mainPool = logPool;
            if (!mainDsn.equals(logDsn)) {
                mainPool = SourcePool.open("gateway-main", mainDsn, poolMetrics);
                parts.add(mainPool);
            }

            // Replaced whole after each committed batch; scrapes read whichever value is current.
            AtomicReference<UsageTotals> totals = new AtomicReference<>(store.loadTotals());
            IngestStatus status = new IngestStatus();
            LabelGuard models = new LabelGuard(config.maxModels(), totals.get().series().keySet().stream().map(SeriesKey::model).toList());
            Map<OptionalDimensions.Dimension, java.util.Collection<String>> knownValues = new java.util.EnumMap<>(OptionalDimensions.Dimension.class);
            totals.get().dimensions().keySet().forEach(k -> knownValues.computeIfAbsent(k.dimension(), d -> new ArrayList<>()).add(k.value()));
            OptionalDimensions optional = new OptionalDimensions(config.optionalLabels(), config.maxLabelValues(), knownValues);
            ChannelRefresher channels = new ChannelRefresher(new ChannelReader(Jdbi.create(mainPool), mainDsn.dialect()), store,
                    config.channelRefreshInterval(), config.quotaPerUnit());
            parts.add(channels);
            BudgetWatcher budgetWatcher = new BudgetWatcher(config.configFile(), budgets, new BudgetEvaluator(store.jdbi()),
                    () -> channels.state().quotaPerUnit(), status::isCaughtUp, config.budgetInterval(), Clock.systemUTC());
            parts.add(budgetWatcher);

            registry.register(new IngestCollector(status, totals::get, version(), logDsn.dialect().label()));
            registry.register(new ChannelCollector(channels::state));
            registry.register(new OptionalUsageCollector(totals::get, status::isCaughtUp, optional.enabled()));
            registry.register(new BudgetCollector(budgetWatcher));

            ExporterHttpServer http;
            try {
                UsageExposition usage = new UsageExposition(totals::get, status::isCaughtUp);
                ScheduledExecutorService prerender = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "prerender");
                    t.setDaemon(true);
                    return t;
                });
                parts.add(prerender::shutdownNow);
                usage.prerender(prerender);
                http = ExporterHttpServer.start(config.listenAddress(), registry, usage, status::isCaughtUp, web);
            } catch (java.net.BindException e) {
                throw new ConfigException("LISTEN_ADDRESS: cannot listen on " + config.listenAddress() + ": " + e.getMessage()
                        + "; is another exporter running there?");
            }
            parts.add(http);

            channels.start();
            Duration rollupRetention = config.retention().compareTo(MIN_ROLLUP_RETENTION) > 0 ? config.retention() : MIN_ROLLUP_RETENTION;
            SyncLoop sync = new SyncLoop(Jdbi.create(logPool), logDsn.toString(), logDsn.dialect(), store, position, totals, status,
                    new SyncSettings(config.pollInterval(), config.batchSize(), config.lateCommitWindow(), config.retention(), rollupRetention),
                    models, optional, Clock.systemUTC());
            sync.start();
            parts.add(sync);
            budgetWatcher.start();
            log.info("exporter {}: serving {}://{}:{}/metrics; logs from {}; channels from {}; store {}; poll {}, retention {}; {} budgets{}",
                    version(), web.tls() == null ? "http" : "https", config.listenAddress().getHostString(), http.port(), logDsn, mainDsn,
                    config.storePath(), PromDuration.format(config.pollInterval()), PromDuration.format(config.retention()),
                    budgets.budgets().size(), demo ? "; demo traffic " + config.demoRowsPerSecond() + " rows/s" : "");
            return new Running(parts, http.port());
        } catch (Exception e) {
            new Running(parts, -1).close();
            throw e;
        }
    }

    static String version() {
        try (InputStream in = ExporterMain.class.getResourceAsStream("build.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }

    /** The started parts; closing stops them in reverse order of starting. */
    record Running(List<AutoCloseable> parts, int port) implements AutoCloseable {

        @Override
        public void close() {
            for (int i = parts.size() - 1; i >= 0; i--) {
                closeQuietly(parts.get(i));
            }
        }

        private static void closeQuietly(AutoCloseable part) {
            try {
                part.close();
            } catch (Exception e) {
                log.debug("closing {} failed", part, e);
            }
        }
    }
}
