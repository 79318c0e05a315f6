package io.tokenmonitor.exporter.sync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OtherFieldsTest {

    @Test
    void givenNewApiConsumeOther_whenParsed_thenCacheAndFrtAreRead() {
        OtherFields other =
                OtherFields.parse("{\"model_ratio\":2.5,\"cache_tokens\":1200,\"cache_ratio\":0.5,\"frt\":850,"
                        + "\"admin_info\":{\"use_channel\":[\"3\",\"5\"]},\"cache_creation_tokens\":300}");

        assertThat(other.valid()).isTrue();
        assertThat(other.cacheReadTokens()).isEqualTo(1200);
        assertThat(other.cacheWriteTokens()).isEqualTo(300);
        assertThat(other.frtMillis()).isEqualTo(850);
    }

    @Test
    void givenOnlyTieredCacheWrites_whenParsed_thenTheTiersAreSummed() {
        OtherFields other = OtherFields.parse("{\"cache_creation_tokens_5m\":100,\"cache_creation_tokens_1h\":40}");

        assertThat(other.cacheWriteTokens()).isEqualTo(140);
    }

    @Test
    void givenTotalAndTiers_whenParsed_thenTheTotalIsNotCountedTwice() {
        OtherFields other = OtherFields.parse(
                "{\"cache_creation_tokens\":140,\"cache_creation_tokens_5m\":100,\"cache_creation_tokens_1h\":40}");

        assertThat(other.cacheWriteTokens()).isEqualTo(140);
    }

    @Test
    void givenNumbersAsStrings_whenParsed_thenTheyAreRead() {
        OtherFields other = OtherFields.parse("{\"cache_tokens\":\"15\",\"status_code\":\"502\",\"frt\":\"-1000\"}");

        assertThat(other.cacheReadTokens()).isEqualTo(15);
        assertThat(other.statusCode()).isEqualTo(502);
        assertThat(other.frtMillis()).isEqualTo(-1000);
    }

    @Test
    void givenNotJson_whenParsed_thenItIsInvalidAndEmpty() {
        assertThat(OtherFields.parse("模型倍率 2.5").valid()).isFalse();
        assertThat(OtherFields.parse("[1,2]").valid()).isFalse();
        assertThat(OtherFields.parse("{\"cache_tokens\": 5").valid()).isFalse();
        assertThat(OtherFields.parse("").valid()).isTrue();
    }

    @Test
    void givenHugeDeeplyNestedOther_whenParsed_thenItIsRejectedWithoutFailing() {
        String deep = "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}";

        assertThat(OtherFields.parse(deep).valid()).isFalse();
    }

    @Test
    void givenHugeOtherWithKnownKeys_whenParsed_thenKeysAfterTheBulkAreStillRead() {
        String huge = "{\"po\":\"" + "x".repeat(2_000_000) + "\",\"cache_tokens\":7}";

        assertThat(OtherFields.parse(huge).cacheReadTokens()).isEqualTo(7);
    }

    @Test
    void givenTaskSettlement_whenParsed_thenItIsMarked() {
        assertThat(OtherFields.parse("{\"task_id\":\"abc\",\"quota_delta\":-100}")
                        .taskSettlement())
                .isTrue();
    }
}
