package io.tokenmonitor.e2e.grafana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.tokenmonitor.e2e.harness.ExporterProcess;
import io.tokenmonitor.e2e.harness.PrometheusApi;
import io.tokenmonitor.e2e.harness.PrometheusProcess;
import io.tokenmonitor.e2e.harness.RepoPaths;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet (README "Fleets"): two demo exporters, gateways "a" and "b" with the same channel ids,
 * scraped by one Prometheus with the repository's config and rules (the exporter job with one
 * target per gateway and its `gateway` target label), which remote-writes to a second Prometheus
 * running as a remote-write receiver (the protocol Thanos Receive, Mimir and VictoriaMetrics take).
 */
class FleetIT {
    private static final Duration SCRAPE = Duration.ofSeconds(1);
    private static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final Duration DATA_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    static Path dir;

    static ExporterProcess a;
    static ExporterProcess b;
    static PrometheusProcess receiver;
    static PrometheusProcess prometheus;
    static Instant promStart;

    @BeforeAll
    static void startFleet() {
        a = ExporterProcess.startDemo(dir.resolve("a"), 20);
        b = ExporterProcess.startDemo(dir.resolve("b"), 20);
        receiver = PrometheusProcess.startReceiver(dir.resolve("receiver"));
        Map<String, String> gateways = new LinkedHashMap<>();
        gateways.put("a", a.target());
        gateways.put("b", b.target());
        prometheus =
                PrometheusProcess.startFleet(dir.resolve("prometheus"), gateways, SCRAPE, receiver.remoteWriteUrl());
        promStart = Instant.now();
        Instant deadline = Instant.now().plus(DATA_TIMEOUT);
        String ready = "count by (gateway) (channel:newapi_usage_requests:rate5m)";
        while (Instant.now().isBefore(deadline)) {
            if (prometheus.api().query(ready, Instant.now()).size() == 2
                    && receiver.api().query(ready, Instant.now()).size() == 2
                    && Duration.between(promStart, Instant.now()).toSeconds() >= 35) {
                return;
            }
            sleep(Duration.ofSeconds(1));
        }
        fail("no data for both gateways after " + DATA_TIMEOUT + "; targets "
                + prometheus.api().targetHealthByScrapeUrl() + "\nprometheus:\n" + prometheus.logTail()
                + "\nreceiver:\n" + receiver.logTail());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {prometheus, receiver, b, a}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("stopping: " + e);
            }
        }
    }

    /**
     * Every exporter query of every dashboard with Gateway = a returns exactly what it returns with
     * Gateway = All and the instance of a's exporter: the same series, the same values, evaluated
     * at the same instant. Both gateways have the same channels, so a query that ignored the
     * variable would add b's traffic, and one that dropped the label would mix them.
     */
    @Test
    void givenTwoGateways_whenOneIsSelected_thenEveryExporterQueryReturnsOnlyItsSeries() {
        Instant at = Instant.now().minusSeconds(2);
        int compared = 0;
        int withData = 0;
        List<String> differing = new ArrayList<>();
        for (Dashboard d : Dashboard.loadAll(RepoPaths.root().resolve("grafana/dashboards"))) {
            Interpolator byGateway = allSelected(d, at);
            byGateway.set("gateway", Interpolator.Value.of("a"));
            Interpolator byInstance = allSelected(d, at);
            byInstance.set("instance", Interpolator.Value.of(a.target()));
            for (Dashboard.PanelQuery q : d.queries()) {
                if (!q.isPrometheus() || !q.text().contains("$job")) { // the exporter queries, filtered or not
                    continue;
                }
                Map<String, Double> selected = values(prometheus.api(), byGateway.apply(q.text(), true), at);
                Map<String, Double> expected = values(prometheus.api(), byInstance.apply(q.text(), true), at);
                compared++;
                if (!expected.isEmpty()) {
                    withData++;
                }
                if (!selected.equals(expected)) {
                    differing.add(
                            q.where() + "\n    gateway=a:        " + selected + "\n    instance of a:    " + expected);
                }
            }
        }
        assertThat(differing)
                .as("queries whose Gateway = a differs from a's instance")
                .isEmpty();
        assertThat(compared).as("exporter queries compared").isGreaterThan(50);
        assertThat(withData).as("exporter queries with data for gateway a").isGreaterThan(30);
    }

    /** Selecting one gateway takes the other's traffic away: the requests of a alone are less than of both. */
    @Test
    void givenTwoGateways_whenOneIsSelected_thenItsRequestsAreItsOwnAndTheSumIsBoth() {
        Instant at = Instant.now().minusSeconds(2);
        PrometheusApi api = prometheus.api();
        double onlyA = single(api, "sum(newapi_usage_requests_total{gateway=~\"a\"})", at);
        double onlyB = single(api, "sum(newapi_usage_requests_total{gateway=~\"b\"})", at);
        double all = single(api, "sum(newapi_usage_requests_total{gateway=~\".*\"})", at);
        double instanceA = single(api, "sum(newapi_usage_requests_total{instance=\"" + a.target() + "\"})", at);
        assertThat(onlyA).isEqualTo(instanceA).isPositive().isLessThan(all);
        assertThat(onlyA + onlyB).isEqualTo(all);
        // the same channel id on both gateways stays two series in the recording rules
        assertThat(api.query("channel:newapi_usage_requests:rate5m{channel_id=\"1\"}", at).stream()
                        .map(s -> s.labels().get("gateway"))
                        .collect(Collectors.toSet()))
                .isEqualTo(Set.of("a", "b"));
    }

    /**
     * remote_write keeps the `gateway` label: the receiver holds both gateways' raw series and
     * recording-rule series with their labels, and at an instant both have received the same
     * sample values as the sending Prometheus.
     */
    @Test
    void givenRemoteWrite_whenTheReceiverIsQueried_thenEachGatewaysSeriesArriveWithTheirLabelAndValues() {
        // 10 s back: remote_write sends a batch at the latest every 5 s (batch_send_deadline)
        Instant at = Instant.now().minusSeconds(10);
        for (String expr : List.of(
                "newapi_usage_requests_total{gateway=\"a\",channel_id=\"1\"}",
                "newapi_usage_requests_total{gateway=\"b\",channel_id=\"1\"}",
                "channel:newapi_usage_requests:rpm1m{gateway=~\"a|b\"}",
                "newapi_build_info")) {
            Map<String, Double> sent = values(prometheus.api(), expr, at);
            assertThat(sent).as("sent " + expr).isNotEmpty();
            assertThat(values(receiver.api(), expr, at)).as("received " + expr).isEqualTo(sent);
        }
        assertThat(receiver.api().labelValues("gateway")).containsExactlyInAnyOrder("a", "b");
        // series per gateway as one scrape of a demo exporter publishes them, for README "Fleets"
        for (String g : List.of("a", "b")) {
            System.out.println("FLEET gateway " + g + ": samples per scrape "
                    + single(prometheus.api(), "scrape_samples_scraped{gateway=\"" + g + "\"}", at)
                    + ", series received " + single(receiver.api(), "count({gateway=\"" + g + "\"})", at));
        }
    }

    /** Every variable All (or its default), as DashboardQueriesIT's Gateway = All run. */
    private static Interpolator allSelected(Dashboard d, Instant to) {
        Interpolator vars = new Interpolator(promStart, to, INTERVAL, SCRAPE);
        for (Variable v : d.variables()) {
            if (v.type().equals("query")) {
                vars.set(
                        v.name(),
                        v.includeAll() && v.allValue() != null
                                ? new Interpolator.Value(List.of(), v.allValue(), true)
                                : Interpolator.Value.of(".*"));
            } else {
                StoreVariables.setWithoutDatasource(vars, d, v);
            }
        }
        return vars;
    }

    private static Map<String, Double> values(PrometheusApi api, String expr, Instant at) {
        Map<String, Double> out = new TreeMap<>();
        for (PrometheusApi.Series s : api.query(expr, at)) {
            out.put(new TreeMap<>(s.labels()).toString(), s.values().get(0));
        }
        return out;
    }

    private static double single(PrometheusApi api, String expr, Instant at) {
        List<PrometheusApi.Series> result = api.query(expr, at);
        assertThat(result).as(expr).hasSize(1);
        return result.get(0).values().get(0);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
