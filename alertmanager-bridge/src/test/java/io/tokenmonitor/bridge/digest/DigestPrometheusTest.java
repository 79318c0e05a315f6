package io.tokenmonitor.bridge.digest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmonitor.bridge.notify.Delivery;
import io.tokenmonitor.bridge.notify.Language;
import io.tokenmonitor.bridge.notify.MessageLayout;
import io.tokenmonitor.bridge.notify.Notification;
import io.tokenmonitor.bridge.notify.Notifier;
import io.tokenmonitor.bridge.outbox.Outbox;
import io.tokenmonitor.bridge.state.ReceivedAlerts;
import io.tokenmonitor.bridge.state.StateStore;
import io.tokenmonitor.bridge.testing.MutableClock;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Digests against a real Prometheus loaded with known counters: samples every minute for two days, each series
 * growing at a fixed rate, so {@code increase(...[1d])} is exact and the digest's every number is known.
 */
class DigestPrometheusTest {
    /** The end of the daily period under test: whole minutes, an hour ago, in UTC. */
    private static final Instant DUE =
            Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));

    private static Process prometheus;
    private static URI prometheusUrl;

    @TempDir
    static Path promDir;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPrometheus() throws Exception {
        Path file = promDir.resolve("data.om");
        Files.writeString(file, openMetrics());
        Path tsdb = promDir.resolve("tsdb");
        Process create = new ProcessBuilder(
                        "promtool", "tsdb", "create-blocks-from", "openmetrics", file.toString(), tsdb.toString())
                .redirectErrorStream(true)
                .redirectOutput(promDir.resolve("promtool.log").toFile())
                .start();
        assertThat(create.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(create.exitValue())
                .as(Files.readString(promDir.resolve("promtool.log")))
                .isZero();
        Path config = promDir.resolve("prometheus.yml");
        Files.writeString(config, "global: {}\n");
        int port = freePort();
        prometheus = new ProcessBuilder(
                        "prometheus",
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + tsdb,
                        "--storage.tsdb.retention.time=30d",
                        "--web.listen-address=127.0.0.1:" + port,
                        "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(promDir.resolve("prometheus.log").toFile())
                .start();
        prometheusUrl = URI.create("http://127.0.0.1:" + port);
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                HttpResponse<String> r = client.send(
                        HttpRequest.newBuilder(prometheusUrl.resolve("/-/ready"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "prometheus not ready: " + Files.readString(promDir.resolve("prometheus.log")));
            }
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void stopPrometheus() throws InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            prometheus.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Per (channel, model): quota, refunded quota, input and output tokens per minute. */
    private static final List<Object[]> SERIES = List.of(
            new Object[] {"1", "gpt-4o", 3000, 500, 40, 20},
            new Object[] {"1", "gpt-4o-mini", 2000, 0, 30, 10},
            new Object[] {"2", "claude", 2400, 0, 30, 20},
            new Object[] {"3", "qwen", 500, 0, 10, 0},
            new Object[] {"4", "glm", 250, 0, 5, 0},
            new Object[] {"5", "kimi", 50, 0, 1, 0});

    private static String openMetrics() {
        long end = DUE.getEpochSecond();
        long start = end - 2 * 86_400;
        StringBuilder out = new StringBuilder();
        out.append("# TYPE newapi_usage_quota counter\n");
        for (Object[] s : SERIES) {
            counter(out, "newapi_usage_quota_total", labels(s), (int) s[2], start, end);
        }
        out.append("# TYPE newapi_usage_quota_refunded counter\n");
        for (Object[] s : SERIES) {
            if ((int) s[3] > 0) {
                counter(out, "newapi_usage_quota_refunded_total", labels(s), (int) s[3], start, end);
            }
        }
        out.append("# TYPE newapi_usage_tokens counter\n");
        for (Object[] s : SERIES) {
            counter(out, "newapi_usage_tokens_total", labels(s) + ",token_type=\"input\"", (int) s[4], start, end);
            if ((int) s[5] > 0) {
                counter(out, "newapi_usage_tokens_total", labels(s) + ",token_type=\"output\"", (int) s[5], start, end);
            }
        }
        gauge(out, "newapi_quota_per_unit", "", "500000", start, end);
        gauge(out, "newapi_channel_info", "channel_id=\"1\",channel_name=\"openai-main\"", "1", start, end);
        out.append("# TYPE newapi_budget_used gauge\n");
        samples(out, "newapi_budget_used", "budget=\"usd-month\",unit=\"usd\"", "90", start, end);
        samples(out, "newapi_budget_used", "budget=\"tokens-daily\",unit=\"tokens\"", "1200", start, end);
        samples(out, "newapi_budget_used", "budget=\"quiet\",unit=\"usd\"", "10", start, end);
        out.append("# TYPE newapi_budget_limit gauge\n");
        samples(out, "newapi_budget_limit", "budget=\"usd-month\",unit=\"usd\"", "100", start, end);
        samples(out, "newapi_budget_limit", "budget=\"tokens-daily\",unit=\"tokens\"", "1000", start, end);
        samples(out, "newapi_budget_limit", "budget=\"quiet\",unit=\"usd\"", "100", start, end);
        return out.append("# EOF\n").toString();
    }

    private static String labels(Object[] s) {
        return "channel_id=\"" + s[0] + "\",model=\"" + s[1] + "\"";
    }

    /** Starts high, so that no extrapolation towards zero can clip the increase. */
    private static void counter(StringBuilder out, String name, String labels, int perMinute, long start, long end) {
        for (long t = start; t <= end; t += 60) {
            out.append(name)
                    .append('{')
                    .append(labels)
                    .append("} ")
                    .append(1_000_000_000L + (t - start) / 60 * perMinute)
                    .append(' ')
                    .append(t)
                    .append('\n');
        }
    }

    private static void gauge(StringBuilder out, String name, String labels, String value, long start, long end) {
        out.append("# TYPE ").append(name).append(" gauge\n");
        samples(out, name, labels, value, start, end);
    }

    private static void samples(StringBuilder out, String name, String labels, String value, long start, long end) {
        for (long t = start; t <= end; t += 60) {
            out.append(name)
                    .append(labels.isEmpty() ? "" : "{" + labels + "}")
                    .append(' ')
                    .append(value)
                    .append(' ')
                    .append(t)
                    .append('\n');
        }
    }

    /** Renders like a platform would from the layout: the title, then "label: value" or the value per line. */
    static final class LayoutNotifier implements Notifier {
        @Override
        public String platform() {
            return "layout";
        }

        @Override
        public List<String> render(Notification n) {
            MessageLayout layout = MessageLayout.of(n);
            List<String> lines = new ArrayList<>(List.of(layout.title()));
            layout.fields().forEach(f -> lines.add(f.label().isEmpty() ? f.value() : f.label() + ":"));
            return List.of(String.join("\n", lines));
        }

        @Override
        public Delivery send(String part) {
            return new Delivery.Sent();
        }
    }

    private DigestScheduler scheduler(StateStore store, URI url, MutableClock clock, Language language) {
        DigestSchedule daily = new DigestSchedule(
                Optional.of(LocalTime.ofInstant(DUE, ZoneOffset.UTC)), Optional.empty(), ZoneOffset.UTC, 2);
        ReceivedAlerts received = new ReceivedAlerts();
        return new DigestScheduler(
                Map.of("tg", daily),
                Map.of("tg", new LayoutNotifier()),
                new DigestSource(
                        new PrometheusQueries(url, HttpClient.newHttpClient(), new ObjectMapper()), store, received),
                store,
                new Outbox(),
                received,
                language,
                clock,
                () -> {});
    }

    private static List<String> digests(StateStore store) {
        return store.read(h -> h.createQuery("SELECT payload FROM outbox WHERE alert_status = 'digest' ORDER BY id")
                .mapTo(String.class)
                .list());
    }

    /** Events in the period and one before it, which must not count. */
    private static void history(StateStore store) {
        ReceivedAlerts received = new ReceivedAlerts();
        store.write(h -> {
            received.record(h, "BudgetNearLimit", "firing", "warning", DUE.minus(Duration.ofHours(3)));
            received.record(h, "BudgetNearLimit", "firing", "warning", DUE.minus(Duration.ofHours(2)));
            received.record(h, "BudgetNearLimit", "resolved", "warning", DUE.minus(Duration.ofHours(1)));
            received.record(h, "ChannelErrorRateHigh", "firing", "critical", DUE.minus(Duration.ofHours(5)));
            received.record(h, "OldAlert", "firing", "critical", DUE.minus(Duration.ofHours(30)));
            h.execute(
                    "INSERT INTO breaker_audit (at_ms, action, target_id, alertname, status_before, status_after,"
                            + " result) VALUES (?, 'disable', 7, 'ChannelErrorRateHigh', 1, 3, 'disabled')",
                    DUE.minus(Duration.ofHours(5)).toEpochMilli());
            h.execute(
                    "INSERT INTO breaker_audit (at_ms, action, target_id, alertname, status_before, status_after,"
                            + " result) VALUES (?, 'enable', 9, NULL, 3, 1, 'enabled')",
                    DUE.minus(Duration.ofHours(40)).toEpochMilli());
            return null;
        });
    }

    @Test
    void digestHasTheExactNumbersOfTheDay() {
        try (StateStore store = StateStore.open(dir.resolve("bridge.db"))) {
            history(store);
            MutableClock clock = new MutableClock(DUE.minus(Duration.ofMinutes(10)));
            DigestScheduler scheduler = scheduler(store, prometheusUrl, clock, Language.EN);
            assertThat(scheduler.runOnce())
                    .as("the period already due when digests start is noted, not sent")
                    .isZero();
            clock.set(DUE.plus(Duration.ofSeconds(30)));
            assertThat(scheduler.runOnce()).isEqualTo(1);
            List<String> sent = digests(store);
            assertThat(sent).hasSize(1);
            java.time.format.DateTimeFormatter day = java.time.format.DateTimeFormatter.ofPattern(
                            "yyyy-MM-dd HH:mm", Locale.ROOT)
                    .withZone(ZoneOffset.UTC);
            assertThat(sent.get(0).lines().toList())
                    .containsExactly(
                            "📊 Daily digest " + day.format(DUE.minus(Duration.ofDays(1))) + " – " + day.format(DUE)
                                    + " (Z)",
                            "Spend and tokens:",
                            "Total: $22.18 · 239,040 tokens",
                            "By channel:",
                            "1. openai-main (#1): $12.96 · 144,000 tokens",
                            "2. #2: $6.91 · 72,000 tokens",
                            "Others (3): $2.30 · 23,040 tokens",
                            "By model:",
                            "1. gpt-4o: $7.20 · 86,400 tokens",
                            "2. claude: $6.91 · 72,000 tokens",
                            "Others (4): $8.06 · 80,640 tokens",
                            "Budgets (≥ 80 %):",
                            "🔴 tokens-daily: 120.0 % (1,200 / 1,000 tokens) over the limit",
                            "🟠 usd-month: 90.0 % (90 / 100 usd)",
                            "Breaker actions:",
                            day.format(DUE.minus(Duration.ofHours(5))) + " disable channel #7 (disabled) —"
                                    + " ChannelErrorRateHigh",
                            "Alerts that fired:",
                            "BudgetNearLimit × 2",
                            "ChannelErrorRateHigh × 1");
        }
    }

    @Test
    void aDigestMissedWhileDownIsSentOnceOnRestartAndNotAgain() {
        Path db = dir.resolve("bridge.db");
        MutableClock clock = new MutableClock(DUE.minus(Duration.ofHours(2)));
        try (StateStore store = StateStore.open(db)) {
            assertThat(scheduler(store, prometheusUrl, clock, Language.ZH).runOnce())
                    .isZero();
        }
        clock.set(DUE.plus(Duration.ofHours(5))); // down across the due time
        try (StateStore store = StateStore.open(db)) {
            DigestScheduler scheduler = scheduler(store, prometheusUrl, clock, Language.ZH);
            assertThat(scheduler.runOnce()).isEqualTo(1);
            assertThat(scheduler.runOnce()).isZero();
        }
        try (StateStore store = StateStore.open(db)) {
            assertThat(scheduler(store, prometheusUrl, clock, Language.ZH).runOnce())
                    .isZero();
            List<String> sent = digests(store);
            assertThat(sent).hasSize(1);
            assertThat(sent.get(0)).contains("每日摘要", "合计: $22.18 · 239,040 tokens", "其他（3 个）: $2.30");
        }
    }

    @Test
    void unreachablePrometheusIsSaidOnceAndTheStateStillShown() throws IOException {
        URI nowhere = URI.create("http://127.0.0.1:" + freePort());
        try (StateStore store = StateStore.open(dir.resolve("bridge.db"))) {
            history(store);
            MutableClock clock = new MutableClock(DUE.minus(Duration.ofMinutes(1)));
            DigestScheduler scheduler = scheduler(store, nowhere, clock, Language.EN);
            scheduler.runOnce();
            clock.set(DUE.plus(Duration.ofMinutes(1)));
            assertThat(scheduler.runOnce()).isEqualTo(1);
            assertThat(scheduler.runOnce()).isZero();
            String digest = digests(store).get(0);
            assertThat(digest)
                    .contains("Prometheus could not be queried", "did not answer", "BudgetNearLimit × 2")
                    .doesNotContain("$0.00", "Total:");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
