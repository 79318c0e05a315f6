package io.tokenmonitor.exporter.channel;

import io.tokenmonitor.exporter.model.Channel;
import io.tokenmonitor.exporter.source.ChannelReader;
import io.tokenmonitor.exporter.source.SourceFailure;
import io.tokenmonitor.exporter.store.Store;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the gateway's channels and {@code QuotaPerUnit} from its main database every interval,
 * keeps the last good state for the collectors, and copies both into the store (the dashboards'
 * SQL reads them there, so it does not need Prometheus). A failure
 * is logged once when it starts and once when it ends; the last known state stays published.
 */
public final class ChannelRefresher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelRefresher.class);

    private final ChannelReader reader;
    private final Store store;
    private final Duration interval;
    private final Double configuredQuotaPerUnit;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "channel-refresh");
        t.setDaemon(true);
        return t;
    });
    private volatile ChannelState state;
    private String failing;
    private boolean optionsUnreadableReported;
    /** What the store holds, so an unchanged value is not written every interval; null before the first write. */
    private Double storedQuotaPerUnit;

    /**
     * @param configuredQuotaPerUnit {@code QUOTA_PER_UNIT} when set: wins over the gateway's option
     */
    public ChannelRefresher(ChannelReader reader, Store store, Duration interval, Double configuredQuotaPerUnit) {
        this.reader = reader;
        this.store = store;
        this.interval = interval;
        this.configuredQuotaPerUnit = configuredQuotaPerUnit;
        this.state = ChannelState.notLoaded(
                configuredQuotaPerUnit != null ? configuredQuotaPerUnit : ChannelState.DEFAULT_QUOTA_PER_UNIT);
    }

    public ChannelState state() {
        return state;
    }

    /** Reads once now (so names are known before the sync starts), then every interval. */
    public void start() {
        refreshOnce();
        scheduler.scheduleWithFixedDelay(
                this::refreshOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void refreshOnce() {
        try {
            if (configuredQuotaPerUnit != null) {
                saveQuotaPerUnit(
                        configuredQuotaPerUnit); // known without the gateway: stored even while it is unreachable
            }
            List<Channel> channels = reader.readChannels();
            double quotaPerUnit = configuredQuotaPerUnit != null ? configuredQuotaPerUnit : readQuotaPerUnit();
            if (!state.loaded() || !storedPart(state.channels()).equals(storedPart(channels))) {
                store.saveChannels(channels); // balances change all the time; the store only keeps names and status
            }
            saveQuotaPerUnit(quotaPerUnit);
            state = new ChannelState(channels, quotaPerUnit, true);
            if (failing != null) {
                LOG.info("channels: reading the gateway's channels works again ({} channels)", channels.size());
                failing = null;
            }
        } catch (RuntimeException e) {
            String message = "channels: reading the gateway's channels failed: " + SourceFailure.describe(e)
                    + "; keeping the last known channels, retrying every " + interval.toSeconds() + "s";
            if (!message.equals(failing)) {
                LOG.warn(message);
                failing = message;
            }
        }
    }

    private double readQuotaPerUnit() {
        try {
            OptionalDouble value = reader.quotaPerUnit();
            return value.orElse(ChannelState.DEFAULT_QUOTA_PER_UNIT);
        } catch (RuntimeException e) {
            if (!optionsUnreadableReported) {
                optionsUnreadableReported = true;
                LOG.warn(
                        "channels: cannot read QuotaPerUnit from the gateway's options table ({}); using {}. Set QUOTA_PER_UNIT "
                                + "if the gateway uses another value",
                        SourceFailure.describe(e),
                        (long) ChannelState.DEFAULT_QUOTA_PER_UNIT);
            }
            return ChannelState.DEFAULT_QUOTA_PER_UNIT;
        }
    }

    private void saveQuotaPerUnit(double quotaPerUnit) {
        if (!Double.valueOf(quotaPerUnit).equals(storedQuotaPerUnit)) {
            store.saveQuotaPerUnit(quotaPerUnit);
            storedQuotaPerUnit = quotaPerUnit;
        }
    }

    /** What the store's channel table holds: balances and test times are left out. */
    private static List<List<Object>> storedPart(List<Channel> channels) {
        return channels.stream()
                .map(c -> List.<Object>of(c.id(), c.name(), c.type(), c.status(), c.group(), c.tag()))
                .toList();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
