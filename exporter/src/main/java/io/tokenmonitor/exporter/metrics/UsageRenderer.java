package io.tokenmonitor.exporter.metrics;

import static io.tokenmonitor.exporter.metrics.ExpositionText.header;
import static io.tokenmonitor.exporter.metrics.ExpositionText.histogram;
import static io.tokenmonitor.exporter.metrics.ExpositionText.labels;
import static io.tokenmonitor.exporter.metrics.ExpositionText.sample;

import io.tokenmonitor.exporter.model.ErrorKey;
import io.tokenmonitor.exporter.model.HistogramCounts;
import io.tokenmonitor.exporter.model.HistogramShape;
import io.tokenmonitor.exporter.model.SeriesKey;
import io.tokenmonitor.exporter.model.SeriesTotals;
import io.tokenmonitor.exporter.model.UsageTotals;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

/**
 * Writes the usage families of {@link UsageFamily} from the in-memory totals, series sorted by
 * channel, model and stream. The label text of every series is built once and reused: a busy
 * gateway has thousands of series with two histograms each. The histograms are written in the
 * {@link HistogramShape} given at construction: by default without {@code stream} on the duration
 * histogram and over the standard bounds, about half the samples of the stored shape (issue 12).
 */
final class UsageRenderer {

    private final HistogramShape shape;
    private final double[] durationBounds;
    private final double[] ttftBounds;
    private final String[] durationLe;
    private final String[] ttftLe;

    /** Label text per series; series are never removed, so this only grows with the (capped) series count. */
    private final Map<Object, String> labelText = new ConcurrentHashMap<>();

    UsageRenderer() {
        this(HistogramShape.DEFAULT);
    }

    UsageRenderer(HistogramShape shape) {
        this.shape = shape;
        this.durationBounds = shape.durationBounds();
        this.ttftBounds = shape.ttftBounds();
        this.durationLe = ExpositionText.le(durationBounds);
        this.ttftLe = ExpositionText.le(ttftBounds);
    }

    StringBuilder write(UsageTotals now, TextFormat format) {
        List<Map.Entry<SeriesKey, SeriesTotals>> series =
                new ArrayList<>(now.series().entrySet());
        series.sort(Map.Entry.comparingByKey(Comparator.comparing(SeriesKey::channelId)
                .thenComparing(SeriesKey::model)
                .thenComparing(SeriesKey::stream)));
        Map<List<String>, SeriesTotals[]> byChannelModel = new TreeMap<>(
                Comparator.<List<String>, String>comparing(k -> k.get(0)).thenComparing(k -> k.get(1)));
        for (Map.Entry<SeriesKey, SeriesTotals> e : series) {
            byChannelModel
                            .computeIfAbsent(
                                    List.of(e.getKey().channelId(), e.getKey().model()), k -> new SeriesTotals[2])[
                            e.getKey().stream() ? 1 : 0] =
                    e.getValue();
        }
        StringBuilder out = new StringBuilder(Math.max(1024, series.size() * 3_000));

        header(out, format, UsageFamily.REQUESTS);
        for (Map.Entry<SeriesKey, SeriesTotals> e : series) {
            sample(
                    out,
                    UsageFamily.REQUESTS.sampleName(),
                    seriesLabels(e.getKey()),
                    e.getValue().requests());
        }
        if (!now.errors().isEmpty()) {
            header(out, format, UsageFamily.REQUEST_ERRORS);
            List<Map.Entry<ErrorKey, Long>> errors =
                    new ArrayList<>(now.errors().entrySet());
            errors.sort(Map.Entry.comparingByKey(Comparator.comparing(ErrorKey::channelId)
                    .thenComparing(ErrorKey::model)
                    .thenComparing(ErrorKey::statusClass)));
            for (Map.Entry<ErrorKey, Long> e : errors) {
                ErrorKey k = e.getKey();
                sample(
                        out,
                        UsageFamily.REQUEST_ERRORS.sampleName(),
                        labels("channel_id", k.channelId(), "model", k.model(), "status_class", k.statusClass()),
                        e.getValue());
            }
        }
        header(out, format, UsageFamily.TOKENS);
        byChannelModel.forEach((key, pair) -> {
            String labels = channelModelLabels(key);
            sample(
                    out,
                    UsageFamily.TOKENS.sampleName(),
                    labels + ",token_type=\"input\"",
                    sum(pair, SeriesTotals::inputTokens));
            sample(
                    out,
                    UsageFamily.TOKENS.sampleName(),
                    labels + ",token_type=\"output\"",
                    sum(pair, SeriesTotals::outputTokens));
        });
        perChannelModel(out, format, byChannelModel, UsageFamily.CACHE_READ_TOKENS, SeriesTotals::cacheReadTokens);
        perChannelModel(out, format, byChannelModel, UsageFamily.CACHE_WRITE_TOKENS, SeriesTotals::cacheWriteTokens);
        perChannelModel(out, format, byChannelModel, UsageFamily.QUOTA, SeriesTotals::quotaConsumed);
        perChannelModel(out, format, byChannelModel, UsageFamily.QUOTA_REFUNDED, SeriesTotals::quotaRefunded);

        header(out, format, UsageFamily.REQUEST_DURATION);
        if (shape.stream()) {
            for (Map.Entry<SeriesKey, SeriesTotals> e : series) {
                histogram(
                        out,
                        UsageFamily.REQUEST_DURATION.family(),
                        seriesLabels(e.getKey()),
                        durationLe,
                        e.getValue().duration().collapsed(durationBounds));
            }
        } else {
            // The store keeps the stream variants apart; they are added only here, exactly (integer counts).
            byChannelModel.forEach((key, pair) -> histogram(
                    out,
                    UsageFamily.REQUEST_DURATION.family(),
                    channelModelLabels(key),
                    durationLe,
                    bothStreams(pair).collapsed(durationBounds)));
        }
        header(out, format, UsageFamily.TIME_TO_FIRST_TOKEN);
        byChannelModel.forEach((key, pair) -> {
            if (pair[1] != null && pair[1].ttft().count() > 0) {
                histogram(
                        out,
                        UsageFamily.TIME_TO_FIRST_TOKEN.family(),
                        channelModelLabels(key),
                        ttftLe,
                        pair[1].ttft().collapsed(ttftBounds));
            }
        });
        return out;
    }

    private void perChannelModel(
            StringBuilder out,
            TextFormat format,
            Map<List<String>, SeriesTotals[]> byChannelModel,
            UsageFamily family,
            ToLongFunction<SeriesTotals> value) {
        header(out, format, family);
        byChannelModel.forEach(
                (key, pair) -> sample(out, family.sampleName(), channelModelLabels(key), sum(pair, value)));
    }

    private String seriesLabels(SeriesKey key) {
        return labelText.computeIfAbsent(
                key,
                k -> labels(
                        "channel_id", key.channelId(), "model", key.model(), "stream", Boolean.toString(key.stream())));
    }

    private String channelModelLabels(List<String> key) {
        return labelText.computeIfAbsent(key, k -> labels("channel_id", key.get(0), "model", key.get(1)));
    }

    private static HistogramCounts bothStreams(SeriesTotals[] pair) {
        if (pair[0] == null || pair[1] == null) {
            return (pair[0] == null ? pair[1] : pair[0]).duration();
        }
        return pair[0].duration().plus(pair[1].duration());
    }

    private static long sum(SeriesTotals[] pair, ToLongFunction<SeriesTotals> value) {
        return Arrays.stream(pair).filter(Objects::nonNull).mapToLong(value).sum();
    }
}
