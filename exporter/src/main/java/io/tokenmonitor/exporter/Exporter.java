package io.tokenmonitor.exporter;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.common.time.PromDuration;
import io.tokenmonitor.exporter.account.AccountRefresher;
import io.tokenmonitor.exporter.channel.ChannelRefresher;
import io.tokenmonitor.exporter.config.ExporterConfig;
import io.tokenmonitor.exporter.demo.DemoGateway;
import io.tokenmonitor.exporter.demo.TrafficSimulator;
import io.tokenmonitor.exporter.http.ExporterHttpServer;
import io.tokenmonitor.exporter.http.WebConfig;
import io.tokenmonitor.exporter.metrics.AccountCollector;
import io.tokenmonitor.exporter.metrics.BudgetCollector;
import io.tokenmonitor.exporter.metrics.ChannelCollector;
import io.tokenmonitor.exporter.metrics.IngestCollector;
import io.tokenmonitor.exporter.metrics.OptionalUsageCollector;
import io.tokenmonitor.exporter.metrics.RuleCollector;
import io.tokenmonitor.exporter.metrics.UsageExposition;
import io.tokenmonitor.exporter.model.SyncPosition;
import io.tokenmonitor.exporter.model.UsageTotals;
import io.tokenmonitor.exporter.rule.ConfigWatcher;
import io.tokenmonitor.exporter.rule.RuleBook;
import io.tokenmonitor.exporter.rule.RuleEvaluator;
import io.tokenmonitor.exporter.rule.RuleRegistry;
import io.tokenmonitor.exporter.rule.RulesFile;
import io.tokenmonitor.exporter.source.AccountReader;
import io.tokenmonitor.exporter.source.ChannelReader;
import io.tokenmonitor.exporter.source.SourceDsn;
import io.tokenmonitor.exporter.source.SourcePool;
import io.tokenmonitor.exporter.store.Store;
import io.tokenmonitor.exporter.sync.BatchCommitter;
import io.tokenmonitor.exporter.sync.IngestStatus;
import io.tokenmonitor.exporter.sync.LabelCaps;
import io.tokenmonitor.exporter.sync.RetentionPruner;
import io.tokenmonitor.exporter.sync.SyncLoop;
import io.tokenmonitor.exporter.sync.SyncSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running exporter, wired from an {@link ExporterConfig}: the store, the gateway's pools, the
 * sync, the channel and budget watchers, and {@code /metrics}. {@link #start} runs the steps in
 * order; {@link #close} stops what was started, in reverse order.
 */
public final class Exporter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Exporter.class);
    /** Budgets reach back at most a calendar month, so rollups are kept at least this long. */
    private static final Duration MIN_ROLLUP_RETENTION = Duration.ofDays(35);

    private final ExporterConfig config;
    private final boolean demo;
    private final Clock clock = Clock.systemUTC();
    /** What was started, in order; {@link #close} stops it backwards. */
    private final List<Part> parts = new ArrayList<>();

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final IngestStatus status = new IngestStatus();
    private SourceDsn logDsn;
    private SourceDsn mainDsn;
    private MicrometerMetricsTrackerFactory poolMetrics;
    private Store store;
    private HikariDataSource logPool;
    private HikariDataSource mainPool;
    /** Replaced whole after each committed batch; scrapes read whichever value is current. */
    private AtomicReference<UsageTotals> totals;

    private ChannelRefresher channels;
    /** Null when ACCOUNT_REFRESH_INTERVAL is 0. */
    private AccountRefresher accounts;

    private RuleRegistry rules;
    private ConfigWatcher configWatcher;
    private ExporterHttpServer http;

    private Exporter(ExporterConfig config, boolean demo) {
        this.config = config;
        this.demo = demo;
        this.logDsn = config.logDsn();
        this.mainDsn = config.mainDsn();
    }

    /**
     * Starts every part; on a failure stops what was started and rethrows.
     *
     * @param demo read a built-in demo gateway with simulated traffic instead of {@code config}'s DSNs
     * @throws ConfigException for a setting that cannot work (the message names it)
     */
    public static Exporter start(ExporterConfig config, boolean demo) throws Exception {
        Exporter exporter = new Exporter(config, demo);
        try {
            exporter.run();
            return exporter;
        } catch (Exception e) {
            exporter.close();
            throw e;
        }
    }

    private void run() throws Exception {
        RulesFile rulesFile = readRules();
        WebConfig web = readWebConfig();
        if (demo) {
            startDemoGateway();
        }
        registerJvmAndPoolMetrics();
        openStore();
        SyncPosition position = positionOfThisGateway();
        openPools();
        totals = new AtomicReference<>(store.loadTotals());
        LabelCaps caps = LabelCaps.continuing(
                totals.get(), config.maxModels(), config.optionalLabels(), config.maxLabelValues());
        watchChannels();
        watchAccounts();
        watchRules(rulesFile);
        registerCollectors(caps);
        serveMetrics(web);
        channels.start();
        startAccounts();
        startSync(position, caps);
        configWatcher.start();
        logStarted(web, rulesFile);
    }

    private RulesFile readRules() {
        return config.configFile() == null ? RulesFile.empty() : RulesFile.read(config.configFile());
    }

    private WebConfig readWebConfig() {
        return config.webConfigFile() == null ? WebConfig.NONE : WebConfig.read(config.webConfigFile());
    }

    /** The demo gateway replaces both DSNs. */
    private void startDemoGateway() throws Exception {
        DemoGateway gateway = DemoGateway.createOrReuse(config.demoPath());
        TrafficSimulator simulator = new TrafficSimulator(gateway, config.demoRowsPerSecond(), clock);
        simulator.start();
        started("demo traffic", simulator);
        logDsn = SourceDsn.sqlite(gateway.file());
        mainDsn = logDsn;
    }

    private void registerJvmAndPoolMetrics() {
        JvmMetrics.builder().register(registry);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(
                PrometheusConfig.DEFAULT, registry, io.micrometer.core.instrument.Clock.SYSTEM);
        poolMetrics = new MicrometerMetricsTrackerFactory(meters);
    }

    private void openStore() {
        store = Store.open(config.storePath());
        started("store", store);
    }

    /** The store's position, refusing a store filled from another gateway database. */
    private SyncPosition positionOfThisGateway() {
        SyncPosition position = store.loadPosition().orElse(SyncPosition.start(logDsn.identity()));
        if (!position.source().equals(logDsn.identity())) {
            throw new ConfigException(
                    "STORE_PATH: " + config.storePath() + " holds data synced from " + position.source() + ", not from "
                            + logDsn.identity() + "; use a new STORE_PATH for another gateway database");
        }
        return position;
    }

    /** One pool when logs and channels are in the same database, else two. */
    private void openPools() {
        logPool = SourcePool.open("gateway-logs", logDsn, poolMetrics);
        started("gateway-logs pool", logPool);
        mainPool = logPool;
        if (!mainDsn.equals(logDsn)) {
            mainPool = SourcePool.open("gateway-main", mainDsn, poolMetrics);
            started("gateway-main pool", mainPool);
        }
    }

    private void watchChannels() {
        channels = new ChannelRefresher(
                new ChannelReader(Jdbi.create(mainPool), mainDsn.dialect()),
                store,
                config.channelRefreshInterval(),
                config.quotaPerUnit());
        started("channel refresher", channels);
    }

    // --- accounts: the gateway's keys and users (issue 15) ---

    private void watchAccounts() {
        if (config.accountRefreshInterval().isZero()) {
            return;
        }
        accounts = new AccountRefresher(
                new AccountReader(Jdbi.create(mainPool), mainDsn.dialect(), mainDsn.user()),
                store,
                config.accountRefreshInterval(),
                clock);
        started("account refresher", accounts);
    }

    /** Before the sync: its One API rows are named from the store's copy of the keys. */
    private void startAccounts() {
        if (accounts != null) {
            accounts.start();
        }
    }

    private void registerAccountCollector() {
        if (accounts != null) {
            registry.register(new AccountCollector(
                    accounts::state,
                    config.accountThresholds(),
                    () -> channels.state().quotaPerUnit(),
                    clock));
        }
    }

    // --- end of accounts ---

    /** The file's rules and the store's console rules, evaluated every BUDGET_INTERVAL once the backfill caught up. */
    private void watchRules(RulesFile rulesFile) {
        rules = new RuleRegistry(
                store,
                new RuleEvaluator(
                        store,
                        () -> channels.state().quotaPerUnit(),
                        channels::state,
                        config.accountThresholds().seriesLimit()),
                rulesFile,
                status::isCaughtUp,
                clock);
        configWatcher = new ConfigWatcher(config.configFile(), rules, config.budgetInterval(), clock);
        started("config watcher", configWatcher);
    }

    private void registerCollectors(LabelCaps caps) {
        registry.register(new IngestCollector(
                status, totals::get, version(), logDsn.dialect().label()));
        registry.register(new ChannelCollector(channels::state));
        registry.register(new OptionalUsageCollector(totals::get, status::isCaughtUp, caps.enabled()));
        registry.register(new BudgetCollector(rules, configWatcher));
        registry.register(new RuleCollector(rules));
        registerAccountCollector();
    }

    /** Binds {@code LISTEN_ADDRESS}; the usage families are rendered when a scrape asks for them. */
    private void serveMetrics(WebConfig web) throws IOException {
        UsageExposition usage = new UsageExposition(totals::get, status::isCaughtUp, config.histogramShape());
        try {
            http = ExporterHttpServer.start(
                    config.listenAddress(),
                    registry,
                    usage,
                    status::isCaughtUp,
                    web,
                    rules,
                    config.accessPassword(),
                    store);
        } catch (BindException e) {
            throw new ConfigException("LISTEN_ADDRESS: cannot listen on " + config.listenAddress() + ": "
                    + e.getMessage() + "; is another exporter running there?");
        }
        started("http server", http);
    }

    private void startSync(SyncPosition position, LabelCaps caps) {
        Duration rollupRetention =
                config.retention().compareTo(MIN_ROLLUP_RETENTION) > 0 ? config.retention() : MIN_ROLLUP_RETENTION;
        SyncSettings settings = new SyncSettings(
                config.pollInterval(),
                config.batchSize(),
                config.lateCommitWindow(),
                config.retention(),
                rollupRetention);
        SyncLoop sync = new SyncLoop(
                Jdbi.create(logPool),
                logDsn.toString(),
                logDsn.dialect(),
                caps,
                new BatchCommitter(store, position, totals, status, settings, clock),
                new RetentionPruner(store, status, settings, clock),
                status,
                settings,
                clock);
        sync.start();
        started("sync", sync);
    }

    private void logStarted(WebConfig web, RulesFile rulesFile) {
        LOG.info(
                "exporter {}: serving {}://{}:{}/metrics; logs from {}; channels from {}; store {}; poll {}, retention {}; {} rules in the config file, {} in the console{}",
                version(),
                web.tls() == null ? "http" : "https",
                config.listenAddress().getHostString(),
                http.port(),
                logDsn,
                mainDsn,
                config.storePath(),
                PromDuration.format(config.pollInterval()),
                PromDuration.format(config.retention()),
                rulesFile.rules().size(),
                rules.list().size() - rulesFile.rules().size(),
                demo ? "; demo traffic " + config.demoRowsPerSecond() + " rows/s" : "");
    }

    /** Every alert rule, file and console, for {@code /api/v1/rules} and the console; null before start. */
    public RuleBook rules() {
        return rules;
    }

    /** The HTTP port actually bound. */
    public int port() {
        return http == null ? -1 : http.port();
    }

    /** The exporter's version from the jar's build.properties; {@code dev} when run from classes. */
    static String version() {
        try (InputStream in = Exporter.class.getResourceAsStream("build.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }

    private void started(String name, AutoCloseable part) {
        parts.add(new Part(name, part));
    }

    /** Stops the started parts in reverse order of starting: the sync before the store it writes. */
    @Override
    public void close() {
        boolean wasRunning = http != null && !parts.isEmpty();
        for (int i = parts.size() - 1; i >= 0; i--) {
            parts.get(i).quietlyClose();
        }
        parts.clear();
        if (wasRunning) {
            LOG.info("exporter stopped");
        }
    }

    private record Part(String name, AutoCloseable closeable) {

        void quietlyClose() {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("stopping the {} failed", name, e);
            }
        }
    }
}
