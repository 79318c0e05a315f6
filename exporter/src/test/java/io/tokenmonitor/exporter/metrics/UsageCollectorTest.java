package io.tokenmonitor.exporter.metrics;

import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.exporter.source.GatewayFlavor;
import io.tokenmonitor.exporter.source.LogRow;
import io.tokenmonitor.exporter.store.UsageTotals;
import io.tokenmonitor.exporter.sync.RowClassifier;
import io.tokenmonitor.exporter.testing.MetricsScrape;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class UsageCollectorTest {

    private final RowClassifier classifier = new RowClassifier(GatewayFlavor.NEW_API);

    @Test
    void givenOneStreamedRequest_whenScraped_thenEveryFamilyHasItsExactLines() throws IOException {
        UsageTotals totals = UsageTotals.EMPTY.plus(List.of(classifier.classify(
                row(1, 2, "gpt-4o", 100, 40, 700, 3_000, true, "{\"frt\":400,\"cache_tokens\":25}"))), 0).next();
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new UsageCollector(() -> totals, () -> true));

        String text = prometheusText(registry);

        assertThat(text).contains(
                "newapi_usage_requests_total{channel_id=\"7\",model=\"gpt-4o\",stream=\"true\"} 1.0\n",
                "newapi_usage_tokens_total{channel_id=\"7\",model=\"gpt-4o\",token_type=\"input\"} 100.0\n",
                "newapi_usage_tokens_total{channel_id=\"7\",model=\"gpt-4o\",token_type=\"output\"} 40.0\n",
                "newapi_usage_cache_read_tokens_total{channel_id=\"7\",model=\"gpt-4o\"} 25.0\n",
                "newapi_usage_quota_total{channel_id=\"7\",model=\"gpt-4o\"} 700.0\n",
                "newapi_usage_request_duration_seconds_bucket{channel_id=\"7\",model=\"gpt-4o\",stream=\"true\",le=\"2.0\"} 0\n",
                "newapi_usage_request_duration_seconds_bucket{channel_id=\"7\",model=\"gpt-4o\",stream=\"true\",le=\"3.0\"} 1\n",
                "newapi_usage_request_duration_seconds_count{channel_id=\"7\",model=\"gpt-4o\",stream=\"true\"} 1\n",
                "newapi_usage_time_to_first_token_seconds_bucket{channel_id=\"7\",model=\"gpt-4o\",le=\"0.25\"} 0\n",
                "newapi_usage_time_to_first_token_seconds_bucket{channel_id=\"7\",model=\"gpt-4o\",le=\"0.5\"} 1\n",
                "newapi_usage_time_to_first_token_seconds_sum{channel_id=\"7\",model=\"gpt-4o\"} 0.4\n");
    }

    @Test
    void givenBackfillNotCaughtUp_whenScraped_thenUsageIsWithheld() throws IOException {
        UsageTotals totals = UsageTotals.EMPTY.plus(List.of(classifier.classify(row(1, 2, "m", 1, 1, 1, 1_000, false, ""))), 0).next();
        AtomicBoolean ready = new AtomicBoolean(false);
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new UsageCollector(() -> totals, ready::get));

        assertThat(prometheusText(registry)).doesNotContain("newapi_usage");
        ready.set(true);
        assertThat(prometheusText(registry)).contains("newapi_usage_requests_total");
    }

    @Test
    void givenHostileModelNames_whenScraped_thenEveryLabelValueSurvivesEscaping() throws IOException {
        List<String> models = List.of("say \"hi\"", "back\\slash", "new\nline", "模型-中文-😀", "x".repeat(500), "");
        List<io.tokenmonitor.exporter.sync.ClassifiedRow> rows = new java.util.ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            rows.add(classifier.classify(row(i + 1, 2, models.get(i), 1, 1, 1, 1_000, false, "")));
        }
        UsageTotals totals = UsageTotals.EMPTY.plus(rows, 0).next();
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new UsageCollector(() -> totals, () -> true));

        for (String text : List.of(prometheusText(registry), openMetricsText(registry))) {
            List<String> parsed = MetricsScrape.parse(text).samples().stream()
                    .filter(s -> s.name().equals("newapi_usage_requests_total")).map(s -> s.labels().get("model")).toList();
            assertThat(parsed).containsExactlyInAnyOrderElementsOf(models);
        }
    }

    private static String prometheusText(PrometheusRegistry registry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String openMetricsText(PrometheusRegistry registry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OpenMetricsTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static LogRow row(long id, int type, String model, long prompt, long completion, long quota, long useTimeMillis, boolean stream, String other) {
        return new LogRow(id, 1_700_000_000, type, 1, "alice", "default", model, quota, prompt, completion, useTimeMillis, stream,
                7, "default", other, "", "", "", 0);
    }
}
