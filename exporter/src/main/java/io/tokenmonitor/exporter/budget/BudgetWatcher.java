package io.tokenmonitor.exporter.budget;

import io.tokenmonitor.common.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the budgets' usage current: evaluates every budget each interval, and reloads the config
 * file when it changes or on SIGHUP. A bad config is rejected with a message naming the budget and
 * key, and the previous one stays in force.
 */
public final class BudgetWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BudgetWatcher.class);
    /** How often the file is checked for changes, and how soon after the backfill the first evaluation runs. */
    private static final Duration TICK = Duration.ofSeconds(1);

    private final Path file;
    private final BudgetEvaluator evaluator;
    private final DoubleSupplier quotaPerUnit;
    private final BooleanSupplier storeReady;
    private final Duration interval;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "budgets");
        t.setDaemon(true);
        return t;
    });

    private volatile BudgetConfig config;
    private volatile List<BudgetUsage> usage = List.of();
    private volatile boolean lastReloadOk = true;
    private volatile double lastReloadSeconds;
    private FileTime loadedModified;
    private java.time.Instant nextEvaluation = java.time.Instant.MIN;

    /**
     * @param file the config file, or null when there is none (no budgets)
     * @param initial the config already read from {@code file} at start
     * @param storeReady evaluation waits until the first backfill caught up, so usage is never partial
     */
    public BudgetWatcher(
            Path file,
            BudgetConfig initial,
            BudgetEvaluator evaluator,
            DoubleSupplier quotaPerUnit,
            BooleanSupplier storeReady,
            Duration interval,
            Clock clock) {
        this.file = file;
        this.config = initial;
        this.evaluator = evaluator;
        this.quotaPerUnit = quotaPerUnit;
        this.storeReady = storeReady;
        this.interval = interval;
        this.clock = clock;
        this.loadedModified = modified();
        this.lastReloadSeconds = clock.millis() / 1000.0;
    }

    /** Reads and checks a config file at start: a bad file stops the program. */
    public static BudgetConfig read(Path file) {
        try {
            return BudgetConfig.parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new ConfigException("CONFIG_FILE: cannot read " + file + ": " + e.getMessage());
        }
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        if (file != null) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> scheduler.execute(this::reload));
            } catch (IllegalArgumentException e) {
                LOG.info("budgets: SIGHUP is not available here; the config file is still reloaded when it changes");
            }
        }
    }

    private void tick() {
        try {
            if (file != null && !java.util.Objects.equals(modified(), loadedModified)) {
                reload();
            }
            if (storeReady.getAsBoolean() && !clock.instant().isBefore(nextEvaluation)) {
                evaluate();
            }
        } catch (RuntimeException e) {
            LOG.warn("budgets: evaluating the budgets failed: {}; the last values stay published", e.getMessage());
        }
    }

    /** Re-reads the config file now; keeps the old config when the new one is bad. */
    public void reload() {
        loadedModified = modified();
        lastReloadSeconds = clock.millis() / 1000.0;
        try {
            BudgetConfig next = BudgetConfig.parse(Files.readString(file), file.toString());
            config = next;
            lastReloadOk = true;
            LOG.info("budgets: loaded {} budgets from {}", next.budgets().size(), file);
            if (storeReady.getAsBoolean()) {
                evaluate();
            }
        } catch (ConfigException e) {
            lastReloadOk = false;
            LOG.warn(
                    "budgets: {} — keeping the previous {} budgets",
                    e.getMessage(),
                    config.budgets().size());
        } catch (IOException e) {
            lastReloadOk = false;
            LOG.warn(
                    "budgets: cannot read {}: {} — keeping the previous {} budgets",
                    file,
                    e.getMessage(),
                    config.budgets().size());
        }
    }

    private void evaluate() {
        usage = evaluator.evaluate(config, clock.instant(), quotaPerUnit.getAsDouble());
        nextEvaluation = clock.instant().plus(interval);
    }

    private FileTime modified() {
        try {
            return file == null ? null : Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }

    /** The time zone of the config in force (calendar windows, and the {@code tz} label for active windows). */
    public java.time.ZoneId zone() {
        return config.zone();
    }

    /** The usage of every budget as last evaluated; empty until the first backfill caught up. */
    public List<BudgetUsage> usage() {
        return usage;
    }

    public boolean lastReloadOk() {
        return lastReloadOk;
    }

    public double lastReloadSeconds() {
        return lastReloadSeconds;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
