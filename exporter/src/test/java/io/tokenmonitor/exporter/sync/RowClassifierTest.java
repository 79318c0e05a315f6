package io.tokenmonitor.exporter.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.LogKind;
import io.tokenmonitor.exporter.model.LogRow;
import io.tokenmonitor.exporter.source.GatewayFlavor;
import io.tokenmonitor.exporter.testing.Classifiers;
import org.junit.jupiter.api.Test;

class RowClassifierTest {

    private final RowClassifier newApi = Classifiers.uncapped(GatewayFlavor.NEW_API);
    private final RowClassifier oneApi = Classifiers.uncapped(GatewayFlavor.ONE_API);

    @Test
    void givenStreamedConsumeRow_whenClassified_thenItIsARequestWithLatencyAndTtft() {
        ClassifiedRow row =
                newApi.classify(row(2, "default", 100, 50, 300, 4_000, true, "{\"frt\":750,\"cache_tokens\":20}"));

        assertThat(row.kind()).isEqualTo(LogKind.REQUEST);
        assertThat(row.inputTokens()).isEqualTo(100);
        assertThat(row.outputTokens()).isEqualTo(50);
        assertThat(row.cacheReadTokens()).isEqualTo(20);
        assertThat(row.quotaConsumed()).isEqualTo(300);
        assertThat(row.durationSeconds()).isEqualTo(4.0);
        assertThat(row.ttftSeconds()).isEqualTo(0.75);
    }

    @Test
    void givenNonStreamedRow_whenClassified_thenFrtOfMinus1000IsNoTtft() {
        ClassifiedRow row = newApi.classify(row(2, "default", 1, 1, 1, 1_000, false, "{\"frt\":-1000}"));

        assertThat(row.ttftSeconds()).isNaN();
    }

    @Test
    void givenChannelTestRow_whenClassified_thenItIsNotUsage() {
        ClassifiedRow row = newApi.classify(row(2, "模型测试", 10, 5, 30, 1_000, false, ""));

        assertThat(row.kind()).isEqualTo(LogKind.CHANNEL_TEST);
        assertThat(row.isUsage()).isFalse();
    }

    @Test
    void givenNewApiType5_whenClassified_thenItIsAnErrorWithItsStatusClass() {
        ClassifiedRow row = newApi.classify(row(5, "default", 0, 0, 0, 0, false, "{\"status_code\":429}"));

        assertThat(row.kind()).isEqualTo(LogKind.ERROR);
        assertThat(row.statusClass()).isEqualTo("4xx");
    }

    @Test
    void givenOneApiType5_whenClassified_thenItIsAChannelTestNotAnError() {
        ClassifiedRow row = oneApi.classify(row(5, "", 0, 0, 0, 1_234, false, ""));

        assertThat(row.kind()).isEqualTo(LogKind.CHANNEL_TEST);
    }

    @Test
    void givenRefundAndNegativeSettlement_whenClassified_thenQuotaGoesToTheRefundedSide() {
        ClassifiedRow refund = newApi.classify(row(6, "default", 0, 0, 800, 0, false, ""));
        ClassifiedRow settlement = newApi.classify(row(2, "default", 0, 0, -300, 0, false, "{\"task_id\":\"t1\"}"));

        assertThat(refund.kind()).isEqualTo(LogKind.REFUND);
        assertThat(refund.quotaRefunded()).isEqualTo(800);
        assertThat(settlement.kind()).isEqualTo(LogKind.SETTLEMENT);
        assertThat(settlement.quotaRefunded()).isEqualTo(300);
        assertThat(settlement.quotaConsumed()).isZero();
    }

    @Test
    void givenNegativeTokensAndBadOther_whenClassified_thenTheyAreZeroedAndCounted() {
        ClassifiedRow row = newApi.classify(row(2, "default", -5, 10, 10, 1_000, false, "not json"));

        assertThat(row.inputTokens()).isZero();
        assertThat(row.outputTokens()).isEqualTo(10);
        assertThat(row.problems()).isEqualTo(2);
    }

    @Test
    void givenUnknownType_whenClassified_thenItIsCountedAsUnknown() {
        assertThat(newApi.classify(row(42, "", 0, 0, 0, 0, false, "")).kind()).isEqualTo(LogKind.UNKNOWN);
    }

    private static LogRow row(
            int type,
            String token,
            long prompt,
            long completion,
            long quota,
            long useTimeMillis,
            boolean stream,
            String other) {
        return new LogRow(
                1,
                1_700_000_000,
                type,
                1,
                "alice",
                token,
                "gpt-4o",
                quota,
                prompt,
                completion,
                useTimeMillis,
                stream,
                3,
                "default",
                other,
                "",
                "",
                "",
                0,
                LogRow.NO_TOKEN_ID);
    }
}
