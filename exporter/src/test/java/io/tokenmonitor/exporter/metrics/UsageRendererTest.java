package io.tokenmonitor.exporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.HistogramCounts;
import io.tokenmonitor.exporter.model.HistogramShape;
import io.tokenmonitor.exporter.model.LogRow;
import io.tokenmonitor.exporter.model.UsageTotals;
import io.tokenmonitor.exporter.source.GatewayFlavor;
import io.tokenmonitor.exporter.sync.RowClassifier;
import io.tokenmonitor.exporter.testing.Classifiers;
import io.tokenmonitor.exporter.testing.MetricsScrape;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The histogram shapes of /metrics at the size of a busy gateway: 20 channels × 40 models (issue 12). */
class UsageRendererTest {

    private static final int CHANNELS = 20;
    private static final int MODELS = 40;
    private static final String DURATION = UsageFamily.REQUEST_DURATION.family();
    private static final String TTFT = UsageFamily.TIME_TO_FIRST_TOKEN.family();

    private final RowClassifier classifier = Classifiers.uncapped(GatewayFlavor.NEW_API);
    private final UsageTotals busy = busyGateway(new Random(12));

    @Test
    void givenTwentyChannelsFortyModels_whenRenderedByDefault_thenAtMostHalfTheSamplesOfTheFineStreamShape() {
        List<MetricsScrape.Sample> fine = samples(HistogramShape.FINE_WITH_STREAM);
        List<MetricsScrape.Sample> standard = samples(HistogramShape.DEFAULT);

        // The shape before issue 12, family by family (1,600 series with stream, 800 streamed; 15 bounds + +Inf + _sum
        // + _count).
        assertThat(count(fine, s -> s.name().startsWith(DURATION))).isEqualTo(1_600 * 18);
        assertThat(count(fine, s -> s.name().startsWith(TTFT))).isEqualTo(800 * 18);
        assertThat(count(fine, s -> s.name().startsWith(DURATION) && !s.labels().containsKey("stream")))
                .isZero();
        // Default: one duration series per channel × model over 9 bounds, TTFT over 6.
        assertThat(count(standard, s -> s.name().startsWith(DURATION))).isEqualTo(800 * (9 + 3));
        assertThat(count(standard, s -> s.name().startsWith(TTFT))).isEqualTo(800 * (6 + 3));
        assertThat(count(standard, s -> s.labels().containsKey("stream")))
                .as("only the requests counter keeps stream")
                .isEqualTo(1_600);
        assertThat(standard.size()).isLessThanOrEqualTo(fine.size() / 2);
        // The figures docs/metrics.md quotes (usage families only; the other ~139 samples come on top).
        for (HistogramShape shape : List.of(HistogramShape.FINE_WITH_STREAM, HistogramShape.DEFAULT)) {
            String text = new UsageRenderer(shape)
                    .write(busy, TextFormat.PROMETHEUS_TEXT)
                    .toString();
            System.out.printf(
                    "scrape at 20 x 40, %s: %d samples, %d bytes, %d gzipped%n",
                    shape, samples(shape).size(), text.getBytes(StandardCharsets.UTF_8).length, gzipped(text));
        }
        // The counters are untouched.
        assertThat(without(standard, DURATION, TTFT)).isEqualTo(without(fine, DURATION, TTFT));
    }

    @Test
    void givenEachOption_whenRendered_thenItRestoresItsPartOfTheOldShape() {
        int fineStream = samples(HistogramShape.FINE_WITH_STREAM).size();
        int standard = samples(HistogramShape.DEFAULT).size();

        assertThat(samples(new HistogramShape(true, false)).size())
                .as("HISTOGRAM_STREAM=true: 800 more duration series of 12 samples")
                .isEqualTo(standard + 800 * 12);
        assertThat(samples(new HistogramShape(false, true)).size())
                .as("HISTOGRAM_BUCKETS=fine: 6 more duration and 9 more TTFT bounds per channel × model")
                .isEqualTo(standard + 800 * 6 + 800 * 9);
        assertThat(samples(new HistogramShape(true, true)).size()).isEqualTo(fineStream);
    }

    @Test
    void givenTheDefaultShape_whenComparedWithTheFineStreamShape_thenEveryKeptBucketCountAndSumIsExact() {
        Map<String, Double> fine = summedOverStream(samples(HistogramShape.FINE_WITH_STREAM));
        Map<String, Double> standard = summedOverStream(samples(HistogramShape.DEFAULT));

        int checked = 0;
        for (Map.Entry<String, Double> e : standard.entrySet()) {
            assertThat(fine).as(e.getKey()).containsKey(e.getKey());
            assertThat(e.getValue()).as(e.getKey()).isEqualTo(fine.get(e.getKey()), within(e.getKey()));
            checked++;
        }
        assertThat(checked).isEqualTo(800 * (9 + 3) + 800 * (6 + 3));
        // Nonzero counts at every kept bound below +Inf, so a wrong merge could not pass by accident.
        assertThat(standard.entrySet().stream()
                        .filter(e ->
                                e.getKey().contains("le=1.0,") && e.getKey().startsWith(DURATION))
                        .allMatch(e -> e.getValue() > 0))
                .isTrue();
    }

    @Test
    void givenFineCounts_whenCollapsed_thenEachBucketJoinsTheFirstKeptBoundAtOrAboveIt() {
        double[] values = {0.5, 1, 1.5, 3, 3, 7, 15, 44, 61, 400, 700};
        HistogramCounts fine =
                HistogramCounts.empty(HistogramCounts.DURATION_BOUNDS).plusAll(values, values.length);

        HistogramCounts standard = fine.collapsed(HistogramCounts.DURATION_STANDARD_BOUNDS);

        // le 1, 2, 3, 5, 10, 20, 30, 60, 120, +Inf
        assertThat(standard.counts()).containsExactly(2, 1, 2, 0, 1, 1, 0, 1, 1, 2);
        assertThat(standard.sum()).isEqualTo(fine.sum());
        assertThat(standard.count()).isEqualTo(fine.count());
    }

    private static org.assertj.core.data.Offset<Double> within(String key) {
        // Counts are whole numbers and must match exactly; the sum of two float sums may differ in the last bit.
        return org.assertj.core.data.Offset.offset(key.contains("_sum") ? 1e-9 : 0.0);
    }

    /** Histogram samples keyed by name, channel, model and le, the stream variants added (as the rules do). */
    private static Map<String, Double> summedOverStream(List<MetricsScrape.Sample> samples) {
        Map<String, Double> summed = new HashMap<>();
        for (MetricsScrape.Sample s : samples) {
            if (s.name().startsWith(DURATION) || s.name().startsWith(TTFT)) {
                String key = s.name() + "{" + s.labels().get("channel_id") + ","
                        + s.labels().get("model") + ",le=" + s.labels().getOrDefault("le", "") + ",}";
                summed.merge(key, s.value(), Double::sum);
            }
        }
        return summed;
    }

    private static int gzipped(String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream zip = new java.util.zip.GZIPOutputStream(out)) {
            zip.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.size();
    }

    private static long count(List<MetricsScrape.Sample> samples, Predicate<MetricsScrape.Sample> which) {
        return samples.stream().filter(which).count();
    }

    private static List<MetricsScrape.Sample> without(List<MetricsScrape.Sample> samples, String... families) {
        return samples.stream()
                .filter(s -> List.of(families).stream().noneMatch(f -> s.name().startsWith(f)))
                .toList();
    }

    private List<MetricsScrape.Sample> samples(HistogramShape shape) {
        return MetricsScrape.parse(new UsageRenderer(shape)
                        .write(busy, TextFormat.PROMETHEUS_TEXT)
                        .toString())
                .samples();
    }

    /**
     * Every channel × model with streamed and non-streamed requests (durations 0–700 s, TTFT on the
     * streamed) and failed attempts of two status classes, as the benchmark's 20 × 40 gateway has.
     */
    private UsageTotals busyGateway(Random random) {
        List<ClassifiedRow> rows = new ArrayList<>();
        long id = 1;
        for (int channel = 1; channel <= CHANNELS; channel++) {
            for (int model = 0; model < MODELS; model++) {
                for (boolean stream : new boolean[] {false, true}) {
                    for (int i = 0; i < 6; i++) {
                        // One request of ≤ 1 s in each series, the rest spread over every bucket.
                        long useTimeMillis = i == 0 ? 1_000 : 1_000L * random.nextInt(700);
                        String other =
                                stream ? "{\"frt\":" + (50 + random.nextInt(70_000)) + ",\"cache_tokens\":3}" : "{}";
                        rows.add(classifier.classify(
                                row(id++, 2, channel, "model-" + model, useTimeMillis, stream, other)));
                    }
                }
                rows.add(classifier.classify(
                        row(id++, 5, channel, "model-" + model, -1, false, "{\"status_code\":502}")));
                rows.add(classifier.classify(
                        row(id++, 5, channel, "model-" + model, -1, false, "{\"status_code\":429}")));
            }
        }
        return UsageTotals.EMPTY.plus(rows, 0).next();
    }

    private static LogRow row(
            long id, int type, long channel, String model, long useTimeMillis, boolean stream, String other) {
        return new LogRow(
                id,
                1_700_000_000,
                type,
                1,
                "alice",
                "default",
                model,
                type == 2 ? 100 : 0,
                type == 2 ? 100 : 0,
                type == 2 ? 40 : 0,
                useTimeMillis,
                stream,
                channel,
                "default",
                other,
                "",
                "",
                "",
                0,
                LogRow.NO_TOKEN_ID);
    }
}
