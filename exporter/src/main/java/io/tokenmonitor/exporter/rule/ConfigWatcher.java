package io.tokenmonitor.exporter.rule;

import io.tokenmonitor.common.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the rules' values current: has the registry evaluate every rule each interval, and reloads
 * the config file when it changes or on SIGHUP. A bad config (or one whose rule has a console
 * rule's name) is rejected with a message naming the key, and the previous one stays in force.
 */
public final class ConfigWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);
    /** How often the file is checked for changes, and how soon after the backfill the first evaluation runs. */
    private static final Duration TICK = Duration.ofSeconds(1);

    private final Path file;
    private final RuleRegistry registry;
    private final Duration interval;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rules");
        t.setDaemon(true);
        return t;
    });

    private volatile boolean lastReloadOk = true;
    private volatile double lastReloadSeconds;
    private FileTime loadedModified;
    private Instant nextEvaluation = Instant.MIN;

    /**
     * @param file the config file, or null when there is none (console rules only)
     * @param registry holds the file's rules as read at start
     */
    public ConfigWatcher(Path file, RuleRegistry registry, Duration interval, Clock clock) {
        this.file = file;
        this.registry = registry;
        this.interval = interval;
        this.clock = clock;
        this.loadedModified = modified();
        this.lastReloadSeconds = clock.millis() / 1000.0;
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        if (file != null) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> scheduler.execute(this::reload));
            } catch (IllegalArgumentException e) {
                LOG.info("rules: SIGHUP is not available here; the config file is still reloaded when it changes");
            }
        }
    }

    private void tick() {
        try {
            if (file != null && !Objects.equals(modified(), loadedModified)) {
                reload();
            }
            if (registry.ready() && !clock.instant().isBefore(nextEvaluation)) {
                evaluate();
            }
        } catch (RuntimeException e) {
            LOG.warn("rules: evaluating the rules failed: {}; the last values stay published", e.getMessage());
        }
    }

    /** Re-reads the config file now; keeps the old rules when the new file is bad. */
    public void reload() {
        loadedModified = modified();
        lastReloadSeconds = clock.millis() / 1000.0;
        try {
            RulesFile next = RulesFile.parse(Files.readString(file), file.toString());
            registry.acceptFile(next);
            lastReloadOk = true;
            nextEvaluation = clock.instant().plus(interval);
            LOG.info("rules: loaded {} budgets and rules from {}", next.rules().size(), file);
        } catch (ConfigException e) {
            lastReloadOk = false;
            LOG.warn(
                    "rules: {} — keeping the previous rules of the file; fix the file and save it again",
                    e.getMessage());
        } catch (IOException e) {
            lastReloadOk = false;
            LOG.warn("rules: cannot read {}: {} — keeping the previous rules of the file", file, e.getMessage());
        }
    }

    private void evaluate() {
        registry.evaluate();
        nextEvaluation = clock.instant().plus(interval);
    }

    private FileTime modified() {
        try {
            return file == null ? null : Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
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
