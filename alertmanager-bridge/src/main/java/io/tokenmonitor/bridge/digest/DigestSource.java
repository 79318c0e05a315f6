package io.tokenmonitor.bridge.digest;

import io.tokenmonitor.bridge.state.ReceivedAlerts;
import io.tokenmonitor.bridge.state.StateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers a {@link DigestReport}: usage and budgets from Prometheus, evaluated at the period's end so the numbers
 * are those of the period whenever the digest is built; breaker actions and fired alerts from the bridge's state.
 */
public final class DigestSource {
    private static final Logger LOG = LoggerFactory.getLogger(DigestSource.class);

    /** Net quota (charged minus refunded) per label; a series without refunds counts its charge alone. */
    private static final String QUOTA = "sum by (%1$s) (increase(newapi_usage_quota_total[%2$ds]))"
            + " - (sum by (%1$s) (increase(newapi_usage_quota_refunded_total[%2$ds]))"
            + " or sum by (%1$s) (increase(newapi_usage_quota_total[%2$ds])) * 0)";

    private static final String TOKENS = "sum by (%1$s) (increase(newapi_usage_tokens_total[%2$ds]))";
    /** The same divisor as the recorded USD series: the largest quota per unit of all exporters, else 500000. */
    private static final String QUOTA_PER_UNIT = "max(newapi_quota_per_unit)";

    private static final double DEFAULT_QUOTA_PER_UNIT = 500_000;
    private static final String CHANNEL_NAMES = "max by (channel_id, channel_name) (newapi_channel_info)";
    private static final String BREAKER = """
            SELECT at_ms, action, target, target_id, coalesce(alertname, ''), result FROM breaker_audit
            WHERE at_ms >= :from AND at_ms < :to ORDER BY id
            """;

    private final PrometheusQueries prometheus;
    private final StateStore store;
    private final ReceivedAlerts received;

    public DigestSource(PrometheusQueries prometheus, StateStore store, ReceivedAlerts received) {
        this.prometheus = prometheus;
        this.store = store;
        this.received = received;
    }

    /** The report of {@code period} with the {@code top} channels and models named. */
    public DigestReport report(DigestSchedule.Period period, int top) {
        List<DigestReport.BreakerAction> actions = store.read(h -> h.createQuery(BREAKER)
                .bind("from", period.start().toEpochMilli())
                .bind("to", period.end().toEpochMilli())
                .map((rs, ctx) -> new DigestReport.BreakerAction(
                        Instant.ofEpochMilli(rs.getLong(1)),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getLong(4),
                        rs.getString(5),
                        rs.getString(6)))
                .list());
        Map<String, Long> fired = store.read(h -> received.fired(h, period.start(), period.end()));
        try {
            long seconds = Duration.between(period.start(), period.end()).toSeconds();
            Instant at = period.end();
            double perUnit = prometheus.query(QUOTA_PER_UNIT, at).stream()
                    .mapToDouble(PrometheusQueries.Sample::value)
                    .filter(v -> v > 0)
                    .findFirst()
                    .orElse(DEFAULT_QUOTA_PER_UNIT);
            Map<String, String> names = new HashMap<>();
            for (PrometheusQueries.Sample s : prometheus.query(CHANNEL_NAMES, at)) {
                names.put(s.labels().get("channel_id"), s.labels().get("channel_name"));
            }
            DigestReport.Usage byChannel = usage("channel_id", seconds, at, perUnit, top, id -> channelName(id, names));
            DigestReport.Usage byModel = usage("model", seconds, at, perUnit, top, model -> model);
            return new DigestReport(period, Optional.empty(), byChannel, byModel, budgets(at), actions, fired);
        } catch (PrometheusQueries.Unavailable e) {
            LOG.warn(
                    "digest: {}; the {} digest is sent without spend, tokens and budgets",
                    e.getMessage(),
                    period.kind().key);
            return new DigestReport(
                    period,
                    Optional.of(e.getMessage()),
                    DigestReport.Usage.EMPTY,
                    DigestReport.Usage.EMPTY,
                    List.of(),
                    actions,
                    fired);
        }
    }

    private static String channelName(String id, Map<String, String> names) {
        String name = names.get(id);
        return name == null || name.isBlank() ? "#" + id : name + " (#" + id + ")";
    }

    private DigestReport.Usage usage(
            String label,
            long seconds,
            Instant at,
            double perUnit,
            int top,
            java.util.function.UnaryOperator<String> name)
            throws PrometheusQueries.Unavailable {
        Map<String, double[]> byKey = new HashMap<>();
        for (PrometheusQueries.Sample s : prometheus.query(String.format(Locale.ROOT, QUOTA, label, seconds), at)) {
            byKey.computeIfAbsent(s.labels().getOrDefault(label, ""), k -> new double[2])[0] += s.value() / perUnit;
        }
        for (PrometheusQueries.Sample s : prometheus.query(String.format(Locale.ROOT, TOKENS, label, seconds), at)) {
            byKey.computeIfAbsent(s.labels().getOrDefault(label, ""), k -> new double[2])[1] += s.value();
        }
        List<DigestReport.Row> rows = new ArrayList<>();
        byKey.forEach((key, v) -> rows.add(new DigestReport.Row(key, v[0], v[1])));
        rows.sort(Comparator.comparingDouble(DigestReport.Row::usd)
                .thenComparingDouble(DigestReport.Row::tokens)
                .reversed()
                .thenComparing(DigestReport.Row::name));
        double usd = rows.stream().mapToDouble(DigestReport.Row::usd).sum();
        double tokens = rows.stream().mapToDouble(DigestReport.Row::tokens).sum();
        List<DigestReport.Row> shown = rows.subList(0, Math.min(top, rows.size())).stream()
                .map(r -> new DigestReport.Row(name.apply(r.name()), r.usd(), r.tokens()))
                .toList();
        List<DigestReport.Row> rest = rows.subList(shown.size(), rows.size());
        Optional<DigestReport.Row> others = rest.isEmpty()
                ? Optional.empty()
                : Optional.of(new DigestReport.Row(
                        "",
                        rest.stream().mapToDouble(DigestReport.Row::usd).sum(),
                        rest.stream().mapToDouble(DigestReport.Row::tokens).sum()));
        return new DigestReport.Usage(shown, others, rest.size(), new DigestReport.Row("", usd, tokens));
    }

    /** Budgets at or above {@link DigestReport#NEAR}, fullest first; joined on every label but the metric name. */
    private List<DigestReport.Budget> budgets(Instant at) throws PrometheusQueries.Unavailable {
        Map<Map<String, String>, Double> limits = new HashMap<>();
        for (PrometheusQueries.Sample s : prometheus.query("newapi_budget_limit", at)) {
            limits.put(withoutName(s.labels()), s.value());
        }
        List<DigestReport.Budget> out = new ArrayList<>();
        for (PrometheusQueries.Sample s : prometheus.query("newapi_budget_used", at)) {
            Double limit = limits.get(withoutName(s.labels()));
            if (limit != null && limit > 0 && s.value() / limit >= DigestReport.NEAR) {
                out.add(new DigestReport.Budget(
                        s.labels().getOrDefault("budget", "?"),
                        s.value(),
                        limit,
                        s.labels().getOrDefault("unit", "")));
            }
        }
        out.sort(Comparator.comparingDouble(DigestReport.Budget::ratio)
                .reversed()
                .thenComparing(DigestReport.Budget::name));
        return out;
    }

    private static Map<String, String> withoutName(Map<String, String> labels) {
        Map<String, String> out = new HashMap<>(labels);
        out.remove("__name__");
        return out;
    }
}
