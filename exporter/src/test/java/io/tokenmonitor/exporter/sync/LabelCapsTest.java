package io.tokenmonitor.exporter.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.exporter.model.Dimension;
import io.tokenmonitor.exporter.model.DimensionKey;
import io.tokenmonitor.exporter.model.LogRow;
import io.tokenmonitor.exporter.source.GatewayFlavor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LabelCapsTest {

    @Test
    void givenCapReached_whenNewValueArrives_thenItFoldsIntoOtherWhileKnownValuesStay() {
        RowClassifier classifier =
                new RowClassifier(GatewayFlavor.NEW_API, new LabelCaps(2, List.of("gpt-4o"), Set.of(), 0, Map.of()));

        assertThat(classifier.classify(request(1, "claude", "t")).model()).isEqualTo("claude");
        assertThat(classifier.classify(request(2, "random-123", "t")).model()).isEqualTo(LabelCaps.OTHER);
        assertThat(classifier.classify(request(3, "gpt-4o", "t")).model()).isEqualTo("gpt-4o");
        assertThat(classifier.classify(request(4, "claude", "t")).model()).isEqualTo("claude");
    }

    @Test
    void givenDimensionCapReached_whenNewValueArrives_thenItFoldsIntoOtherByTheSameRuleAsModels() {
        RowClassifier classifier = new RowClassifier(
                GatewayFlavor.NEW_API,
                new LabelCaps(100, List.of(), Set.of(Dimension.TOKEN), 2, Map.of(Dimension.TOKEN, List.of("a"))));

        assertThat(classifier.classify(request(1, "m", "b")).dimensions())
                .containsExactly(new DimensionKey(Dimension.TOKEN, "b"));
        assertThat(classifier.classify(request(2, "m", "c")).dimensions())
                .containsExactly(new DimensionKey(Dimension.TOKEN, LabelCaps.OTHER));
        assertThat(classifier.classify(request(3, "m", "a")).dimensions())
                .containsExactly(new DimensionKey(Dimension.TOKEN, "a"));
    }

    private static LogRow request(long id, String model, String token) {
        return new LogRow(
                id,
                60,
                2,
                1,
                "alice",
                token,
                model,
                1,
                1,
                1,
                1_000,
                false,
                3,
                "default",
                "{}",
                "",
                "",
                "",
                0,
                LogRow.NO_TOKEN_ID);
    }
}
