package io.tokenmonitor.exporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.LogRow;
import io.tokenmonitor.exporter.model.UsageTotals;
import io.tokenmonitor.exporter.source.GatewayFlavor;
import io.tokenmonitor.exporter.sync.RowClassifier;
import io.tokenmonitor.exporter.testing.Classifiers;
import io.tokenmonitor.exporter.testing.MetricsScrape;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class UsageExpositionTest {

    private final RowClassifier classifier = Classifiers.uncapped(GatewayFlavor.NEW_API);

    @Test
    void givenOneStreamedRequest_whenRendered_thenEveryFamilyHasItsExactLines() {
        UsageTotals totals = UsageTotals.EMPTY
                .plus(
                        List.of(classifier.classify(
                                row(1, 2, "gpt-4o", 100, 40, 700, 3_000, true, "{\"frt\":400,\"cache_tokens\":25}"))),
                        0)
                .next();

        String text = render(totals, TextFormat.PROMETHEUS_TEXT);

        assertThat(text)
                .contains(
                        "# TYPE newapi_usage_requests_total counter\n",
                        "newapi_usage_requests_total{channel_id=\"7\",model=\"gpt-4o\",stream=\"true\"} 1\n",
                        "newapi_usage_tokens_total{channel_id=\"7\",model=\"gpt-4o\",token_type=\"input\"} 100\n",
                        "newapi_usage_tokens_total{channel_id=\"7\",model=\"gpt-4o\",token_type=\"output\"} 40\n",
                        "newapi_usage_cache_read_tokens_total{channel_id=\"7\",model=\"gpt-4o\"} 25\n",
                        "newapi_usage_quota_total{channel_id=\"7\",model=\"gpt-4o\"} 700\n",
                        "# TYPE newapi_usage_request_duration_seconds histogram\n",
                        "newapi_usage_request_duration_seconds_bucket{channel_id=\"7\",model=\"gpt-4o\",le=\"2.0\"} 0\n",
                        "newapi_usage_request_duration_seconds_bucket{channel_id=\"7\",model=\"gpt-4o\",le=\"3.0\"} 1\n",
                        "newapi_usage_request_duration_seconds_bucket{channel_id=\"7\",model=\"gpt-4o\",le=\"+Inf\"} 1\n",
                        "newapi_usage_request_duration_seconds_count{channel_id=\"7\",model=\"gpt-4o\"} 1\n",
                        "newapi_usage_time_to_first_token_seconds_bucket{channel_id=\"7\",model=\"gpt-4o\",le=\"0.5\"} 1\n",
                        "newapi_usage_time_to_first_token_seconds_sum{channel_id=\"7\",model=\"gpt-4o\"} 0.4\n");
    }

    @Test
    void givenOpenMetrics_whenRendered_thenCounterFamiliesAreNamedWithoutTotal() {
        UsageTotals totals = UsageTotals.EMPTY
                .plus(List.of(classifier.classify(row(1, 2, "m", 1, 1, 1, 1_000, false, ""))), 0)
                .next();

        String text = render(totals, TextFormat.OPENMETRICS);

        assertThat(text)
                .contains(
                        "# TYPE newapi_usage_requests counter\n",
                        "newapi_usage_requests_total{channel_id=\"7\",model=\"m\",stream=\"false\"} 1\n");
    }

    @Test
    void givenBackfillNotCaughtUp_whenRendered_thenUsageIsWithheld() {
        UsageTotals totals = UsageTotals.EMPTY
                .plus(List.of(classifier.classify(row(1, 2, "m", 1, 1, 1, 1_000, false, ""))), 0)
                .next();
        AtomicBoolean ready = new AtomicBoolean(false);
        UsageExposition exposition = new UsageExposition(() -> totals, ready::get);

        assertThat(exposition.render(TextFormat.PROMETHEUS_TEXT)).isEmpty();
        ready.set(true);
        assertThat(new String(exposition.render(TextFormat.PROMETHEUS_TEXT), StandardCharsets.UTF_8))
                .contains("newapi_usage_requests_total");
    }

    @Test
    void givenHostileModelNames_whenRendered_thenEveryLabelValueSurvivesEscaping() {
        List<String> models = List.of("say \"hi\"", "back\\slash", "new\nline", "模型-中文-😀", "x".repeat(500), "");
        List<ClassifiedRow> rows = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            rows.add(classifier.classify(row(i + 1, 2, models.get(i), 1, 1, 1, 1_000, false, "")));
        }
        UsageTotals totals = UsageTotals.EMPTY.plus(rows, 0).next();

        for (TextFormat format : TextFormat.values()) {
            List<String> parsed = MetricsScrape.parse(render(totals, format)).samples().stream()
                    .filter(s -> s.name().equals("newapi_usage_requests_total"))
                    .map(s -> s.labels().get("model"))
                    .toList();
            assertThat(parsed).containsExactlyInAnyOrderElementsOf(models);
        }
    }

    @Test
    void givenUnchangedTotals_whenRenderedTwice_thenTheSameBytesAreServed() {
        UsageTotals totals = UsageTotals.EMPTY
                .plus(List.of(classifier.classify(row(1, 2, "m", 1, 1, 1, 1_000, false, ""))), 0)
                .next();
        UsageExposition exposition = new UsageExposition(() -> totals, () -> true);

        assertThat(exposition.render(TextFormat.PROMETHEUS_TEXT))
                .isSameAs(exposition.render(TextFormat.PROMETHEUS_TEXT));
    }

    @Test
    void givenTotalsChangingWithoutScrapes_whenTimePasses_thenNothingIsRendered() throws Exception {
        AtomicReference<UsageTotals> totals = new AtomicReference<>(totalsWithRequests(1));
        CountingRenderer renderer = new CountingRenderer();
        UsageExposition exposition = new UsageExposition(totals::get, () -> true, renderer);
        exposition.renderGzip(TextFormat.OPENMETRICS);
        exposition.render(TextFormat.PROMETHEUS_TEXT);

        for (int i = 2; i <= 5; i++) {
            totals.set(totalsWithRequests(i)); // a poll committing every second, as at 20 inserts/s
            Thread.sleep(300); // longer than the old background re-render period (250 ms)
        }

        assertThat(renderer.calls.get()).isEqualTo(2);
        assertThat(gunzip(exposition.renderGzip(TextFormat.OPENMETRICS)))
                .contains("newapi_usage_requests_total{channel_id=\"7\",model=\"m\",stream=\"false\"} 5\n");
        assertThat(renderer.calls.get()).isEqualTo(3);
    }

    @Test
    void givenManyConcurrentScrapesOfUnchangedTotals_whenServed_thenTheyShareOneRender() throws Exception {
        UsageTotals totals = totalsWithRequests(3);
        CountDownLatch release = new CountDownLatch(1);
        CountingRenderer renderer = new CountingRenderer(release);
        UsageExposition exposition = new UsageExposition(() -> totals, () -> true, renderer);
        int scrapes = 16;
        ExecutorService pool = Executors.newFixedThreadPool(scrapes);
        try {
            List<Future<byte[]>> answers = new ArrayList<>();
            for (int i = 0; i < scrapes; i++) {
                answers.add(pool.submit(() -> exposition.renderGzip(TextFormat.OPENMETRICS)));
            }
            renderer.started.await(5, TimeUnit.SECONDS);
            Thread.sleep(200); // every scrape has arrived and waits for the render under way
            release.countDown();
            byte[] first = answers.get(0).get(5, TimeUnit.SECONDS);
            for (Future<byte[]> answer : answers) {
                assertThat(answer.get(5, TimeUnit.SECONDS)).isSameAs(first);
            }
            assertThat(exposition.renderGzip(TextFormat.OPENMETRICS)).isSameAs(first);
        } finally {
            pool.shutdownNow();
        }

        assertThat(renderer.calls.get()).isEqualTo(1);
    }

    /** The real renderer, counting its calls; optionally holding each render until released. */
    private static final class CountingRenderer implements BiFunction<UsageTotals, TextFormat, CharSequence> {
        private final UsageRenderer real = new UsageRenderer();
        private final AtomicInteger calls = new AtomicInteger();
        private final CountDownLatch started = new CountDownLatch(1);
        private final CountDownLatch release;

        CountingRenderer() {
            this(new CountDownLatch(0));
        }

        CountingRenderer(CountDownLatch release) {
            this.release = release;
        }

        @Override
        public CharSequence apply(UsageTotals totals, TextFormat format) {
            calls.incrementAndGet();
            started.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return real.write(totals, format);
        }
    }

    private UsageTotals totalsWithRequests(int requests) {
        List<ClassifiedRow> rows = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            rows.add(classifier.classify(row(i + 1, 2, "m", 1, 1, 1, 1_000, false, "")));
        }
        return UsageTotals.EMPTY.plus(rows, 0).next();
    }

    private static String gunzip(byte[] bytes) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String render(UsageTotals totals, TextFormat format) {
        return new String(new UsageExposition(() -> totals, () -> true).render(format), StandardCharsets.UTF_8);
    }

    private static LogRow row(
            long id,
            int type,
            String model,
            long prompt,
            long completion,
            long quota,
            long useTimeMillis,
            boolean stream,
            String other) {
        return new LogRow(
                id,
                1_700_000_000,
                type,
                1,
                "alice",
                "default",
                model,
                quota,
                prompt,
                completion,
                useTimeMillis,
                stream,
                7,
                "default",
                other,
                "",
                "",
                "",
                0,
                LogRow.NO_TOKEN_ID);
    }
}
