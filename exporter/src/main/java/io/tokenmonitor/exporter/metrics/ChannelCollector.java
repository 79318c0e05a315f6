package io.tokenmonitor.exporter.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.tokenmonitor.exporter.channel.ChannelState;
import io.tokenmonitor.exporter.model.Channel;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The gateway's channels as last read from its main database.
 *
 * <pre>
 * newapi_channel_info{channel_id,channel_name,channel_type,group,tag} 1
 * newapi_channel_status{channel_id,status}   (status: enabled, manually_disabled, auto_disabled; 1 for the current one)
 * newapi_channel_balance_usd{channel_id}
 * newapi_channel_test_response_time_seconds{channel_id}
 * newapi_quota_per_unit
 * </pre>
 */
public final class ChannelCollector implements MultiCollector {

    /** The gateway's status codes and the names they get on the {@code status} label. */
    private static final Map<Integer, String> STATUSES =
            Map.of(1, "enabled", 2, "manually_disabled", 3, "auto_disabled");

    private static final List<String> STATUS_ORDER = List.of("enabled", "manually_disabled", "auto_disabled");

    private final Supplier<ChannelState> state;

    public ChannelCollector(Supplier<ChannelState> state) {
        this.state = state;
    }

    @Override
    public MetricSnapshots collect() {
        ChannelState now = state.get();
        InfoSnapshot.Builder info = InfoSnapshot.builder()
                .name("newapi_channel")
                .help(
                        "The gateway's channels; join names with * on (channel_id) group_left (channel_name) newapi_channel_info.");
        GaugeSnapshot.Builder status = GaugeSnapshot.builder()
                .name("newapi_channel_status")
                .help(
                        "1 for the channel's current status (enabled, manually_disabled, auto_disabled), 0 for the others.");
        GaugeSnapshot.Builder balance = GaugeSnapshot.builder()
                .name("newapi_channel_balance_usd")
                .help(
                        "Channel balance in USD as the gateway last checked it (channels.balance; 0 when never checked).");
        GaugeSnapshot.Builder responseTime = GaugeSnapshot.builder()
                .name("newapi_channel_test_response_time_seconds")
                .help("Response time of the gateway's last test of the channel (channels.response_time).");
        for (Channel c : now.channels()) {
            info.dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
                    .labels(Labels.of(
                            "channel_id",
                            c.id(),
                            "channel_name",
                            c.name(),
                            "channel_type",
                            Integer.toString(c.type()),
                            "group",
                            c.group(),
                            "tag",
                            c.tag()))
                    .build());
            String current = STATUSES.get(c.status());
            for (String s : STATUS_ORDER) {
                status.dataPoint(gauge(Labels.of("channel_id", c.id(), "status", s), s.equals(current) ? 1 : 0));
            }
            balance.dataPoint(gauge(Labels.of("channel_id", c.id()), c.balanceUsd()));
            responseTime.dataPoint(gauge(Labels.of("channel_id", c.id()), c.testResponseTimeSeconds()));
        }
        GaugeSnapshot quotaPerUnit = GaugeSnapshot.builder()
                .name("newapi_quota_per_unit")
                .help("Gateway quota units per USD (options.QuotaPerUnit, default 500000): USD = quota / this.")
                .dataPoint(gauge(Labels.EMPTY, now.quotaPerUnit()))
                .build();
        return MetricSnapshots.of(info.build(), status.build(), balance.build(), responseTime.build(), quotaPerUnit);
    }

    private static GaugeDataPointSnapshot gauge(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
