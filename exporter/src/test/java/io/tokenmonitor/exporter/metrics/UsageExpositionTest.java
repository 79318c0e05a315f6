package io.tokenmonitor.exporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.LogRow;
import io.tokenmonitor.exporter.model.UsageTotals;
import io.tokenmonitor.exporter.source.GatewayFlavor;
import io.tokenmonitor.exporter.sync.RowClassifier;
import io.tokenmonitor.exporter.testing.Classifiers;
import io.tokenmonitor.exporter.testing.MetricsScrape;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
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
                0);
    }
}
