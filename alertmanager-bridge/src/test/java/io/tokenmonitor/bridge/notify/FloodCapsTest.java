package io.tokenmonitor.bridge.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmonitor.common.config.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** One alert with 30,000 labels (reproduced in issue 11) must stay a few messages, saying what it left out. */
class FloodCapsTest {
    private static Notification withLabels(int count, String description, Language language) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", "Flood");
        for (int i = 0; i < count; i++) {
            labels.put("label_" + i, "value-" + i);
        }
        return new Notification(
                Notification.Kind.FIRING,
                "Flood",
                "warning",
                labels,
                "many labels",
                description,
                Instant.parse("2026-11-30T02:00:00Z"),
                Optional.empty(),
                List.of(),
                List.of(),
                ZoneId.of("UTC"),
                language);
    }

    @Test
    void givenThirtyThousandLabels_whenLaidOut_thenFortyShownAndTheRestCounted() {
        MessageLayout layout = MessageLayout.of(withLabels(30_000, "", Language.EN));
        List<String> values =
                layout.fields().stream().map(MessageLayout.Field::value).toList();
        assertThat(values.stream().filter(v -> v.startsWith("label_"))).hasSize(40);
        assertThat(values).contains("… 29,960 more labels not shown");
        assertThat(layout.fields()).hasSizeLessThan(60);

        List<String> zh = MessageLayout.of(withLabels(30_000, "", Language.ZH)).fields().stream()
                .map(MessageLayout.Field::value)
                .toList();
        assertThat(zh).contains("… 另有 29,960 个标签未显示");
    }

    @Test
    void givenHugeDescription_whenLaidOut_thenCutAndTheCutCounted() {
        MessageLayout layout = MessageLayout.of(withLabels(1, "x".repeat(500_000), Language.EN));
        String shown = String.join(
                "", layout.fields().stream().map(MessageLayout.Field::value).toList());
        assertThat(shown).contains("494,000 more characters not shown");
        assertThat(shown.length()).isLessThan(6_200);
    }

    @Test
    void givenThousandsOfLines_whenSplit_thenAtMostTenPartsAndTheLastSaysHowManyLinesAreMissing() {
        List<String> lines =
                IntStream.range(0, 5_000).mapToObj(i -> "line " + i).toList();
        List<String> parts = new MessageSplitter(String::length, 4096).split(lines);
        assertThat(parts).hasSize(MessageSplitter.MAX_PARTS);
        assertThat(parts).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(4096));
        assertThat(parts.get(0)).startsWith("(1/10) line 0\n");
        assertThat(parts.get(9)).containsPattern("… [0-9,]+ more lines not shown / 另有 [0-9,]+ 行未显示$");
        int shown = parts.stream().mapToInt(p -> p.split("\n").length).sum() - 1;
        String missing =
                parts.get(9).replaceAll("(?s).*… ([0-9,]+) more lines.*", "$1").replace(",", "");
        assertThat(shown + Integer.parseInt(missing)).isEqualTo(5_000);
    }

    @Test
    void givenThirtyThousandLabels_whenRenderedForEachPlatform_thenAFewPartsEach() {
        ObjectMapper json = new ObjectMapper();
        JsonPost post = new JsonPost(JsonPost.defaultClient(), Duration.ofSeconds(1));
        List<Notifier> notifiers = new ArrayList<>();
        notifiers.add(new TelegramNotifier(
                java.net.URI.create("http://127.0.0.1:9"), new Secret("1:T"), "42", Optional.empty(), post, json));
        Notification flood = withLabels(30_000, "d".repeat(100_000), Language.EN);
        for (Notifier notifier : notifiers) {
            List<String> parts = notifier.render(flood);
            assertThat(parts).hasSizeBetween(1, MessageSplitter.MAX_PARTS);
            assertThat(String.join("", parts).getBytes(StandardCharsets.UTF_8).length)
                    .isLessThan(10 * 4096 * 4);
        }
    }
}
