package io.tokenmonitor.exporter.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.tokenmonitor.exporter.model.LogKind;
import io.tokenmonitor.exporter.model.UsageTotals;
import io.tokenmonitor.exporter.source.GatewayFlavor;
import io.tokenmonitor.exporter.sync.IngestStatus;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The exporter's own health: is the source reachable, how fresh is the data, what went wrong.
 *
 * <pre>
 * newapi_up
 * newapi_ingest_last_success_timestamp_seconds
 * newapi_ingest_last_log_created_timestamp_seconds
 * newapi_ingest_rows_total{log_type}
 * newapi_ingest_errors_total{stage}
 * newapi_ingest_open_gaps
 * newapi_ingest_expired_gaps_total
 * newapi_label_overflow_total{label}
 * newapi_build_info{version,source_flavor,source_db}
 * </pre>
 */
public final class IngestCollector implements MultiCollector {

    /** Stages shown at 0 from the start, so rules can use rate() before the first failure. */
    private static final List<String> STAGES = List.of("connect", "read", "row", "write", "prune", "id_regression");

    private final IngestStatus status;
    private final Supplier<UsageTotals> totals;
    private final String version;
    private final String sourceDb;

    public IngestCollector(IngestStatus status, Supplier<UsageTotals> totals, String version, String sourceDb) {
        this.status = status;
        this.totals = totals;
        this.version = version;
        this.sourceDb = sourceDb;
    }

    @Override
    public MetricSnapshots collect() {
        GaugeSnapshot up = gauge(
                "newapi_up",
                "1 when the last poll of the gateway's database succeeded, else 0.",
                status.isUp() ? 1 : 0);
        GaugeSnapshot lastSuccess = gauge(
                "newapi_ingest_last_success_timestamp_seconds",
                "Unix time of the last successful poll of the gateway's database.",
                status.lastSuccessSeconds());
        GaugeSnapshot lastCreated = gauge(
                "newapi_ingest_last_log_created_timestamp_seconds",
                "created_at of the newest log row synced (unix seconds).",
                status.lastLogCreatedAt());
        GaugeSnapshot openGaps = gauge(
                "newapi_ingest_open_gaps",
                "Ranges of skipped log ids still awaited (inserts that had not committed when later ids were read).",
                status.openGaps());

        Map<String, Long> rows = new TreeMap<>();
        for (LogKind kind : LogKind.values()) {
            rows.put(kind.logType(), 0L);
        }
        rows.putAll(totals.get().ingestRows());
        CounterSnapshot.Builder rowsTotal = CounterSnapshot.builder()
                .name("newapi_ingest_rows")
                .help("Gateway log rows synced, by kind (consume, error, refund, channel_test, topup, …).");
        rows.forEach((type, n) -> rowsTotal.dataPoint(CounterDataPointSnapshot.builder()
                .labels(Labels.of("log_type", type))
                .value(n)
                .build()));

        Map<String, Long> errors = new TreeMap<>();
        STAGES.forEach(stage -> errors.put(stage, 0L));
        errors.putAll(status.errors());
        CounterSnapshot.Builder errorsTotal = CounterSnapshot.builder()
                .name("newapi_ingest_errors")
                .help(
                        "Sync failures by stage: connect, read, row (a row with unusable values, synced as far as possible), write, prune, id_regression.");
        errors.forEach((stage, n) -> errorsTotal.dataPoint(CounterDataPointSnapshot.builder()
                .labels(Labels.of("stage", stage))
                .value(n)
                .build()));

        CounterSnapshot expired = CounterSnapshot.builder()
                .name("newapi_ingest_expired_gaps")
                .help(
                        "Skipped id ranges given up after LATE_COMMIT_WINDOW (rolled-back inserts, or commits later than the window).")
                .dataPoint(CounterDataPointSnapshot.builder()
                        .value(status.expiredGaps())
                        .build())
                .build();

        Map<String, Long> overflowByLabel = new TreeMap<>(Map.of("model", 0L));
        overflowByLabel.putAll(status.labelOverflow());
        CounterSnapshot.Builder overflow = CounterSnapshot.builder()
                .name("newapi_label_overflow")
                .help(
                        "Rows whose label value was folded into \"__other__\" because the label reached its cap (MAX_MODELS).");
        overflowByLabel.forEach((label, n) -> overflow.dataPoint(CounterDataPointSnapshot.builder()
                .labels(Labels.of("label", label))
                .value(n)
                .build()));

        GatewayFlavor flavor = status.flavor();
        InfoSnapshot build = InfoSnapshot.builder()
                .name("newapi_build")
                .help("Exporter version and the gateway it reads.")
                .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
                        .labels(Labels.of(
                                "version",
                                version,
                                "source_flavor",
                                flavor == null ? "unknown" : flavor.label(),
                                "source_db",
                                sourceDb))
                        .build())
                .build();
        return MetricSnapshots.of(
                up,
                lastSuccess,
                lastCreated,
                openGaps,
                rowsTotal.build(),
                errorsTotal.build(),
                expired,
                overflow.build(),
                build);
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder()
                .name(name)
                .help(help)
                .dataPoint(GaugeDataPointSnapshot.builder().value(value).build())
                .build();
    }
}
