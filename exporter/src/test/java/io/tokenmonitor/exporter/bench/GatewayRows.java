package io.tokenmonitor.exporter.bench;

import io.tokenmonitor.common.testing.TestLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Realistic New API log rows for the benchmark: {@link TestLog#traffic}'s mix (requests streamed or
 * not, errors, channel tests, refunds, task settlements) with the {@code content} and the
 * 100–300 byte {@code other} JSON a real gateway writes, over 20 channels × 40 models.
 */
final class GatewayRows {

    static final int CHANNELS = 20;
    static final int MODELS = 40;
    private static final String CHANNEL_TEST_TOKEN = "模型测试";

    private final Random random;

    GatewayRows(long seed) {
        this.random = new Random(seed);
    }

    /** {@code count} rows with created_at spread evenly over [fromSecond, toSecond). */
    List<TestLog> next(int count, long fromSecond, long toSecond) {
        List<TestLog> rows = new ArrayList<>(count);
        for (TestLog row : TestLog.traffic(random, count, fromSecond, toSecond, CHANNELS, MODELS)) {
            rows.add(row.withOther(richOther(row)));
        }
        return rows;
    }

    /** New API's content line for a row (short; the price breakdown for consumption). */
    static String content(TestLog row) {
        if (row.type() == 2 && row.content().isEmpty()) {
            return "模型倍率 1.25，补全倍率 4.00，分组倍率 1.00";
        }
        return row.content();
    }

    /** Whether the exporter counts this row in newapi_usage_requests_total (as the IT's GROUP BY does). */
    static boolean countsAsRequest(TestLog row) {
        boolean settlement = row.promptTokens() == 0
                && row.completionTokens() == 0
                && row.other().contains("\"task_id\"");
        return row.type() == 2 && !CHANNEL_TEST_TOKEN.equals(row.tokenName()) && !settlement;
    }

    /** The row's own JSON fields (frt, cache_tokens, status_code, task_id…) plus New API's usual pricing fields. */
    private String richOther(TestLog row) {
        String own = row.other().trim();
        String inner = own.length() > 2 ? own.substring(1, own.length() - 1) + "," : "";
        return "{" + inner
                + "\"group_ratio\":1,\"completion_ratio\":4,\"cache_ratio\":0.1,\"model_price\":-1,\"user_group_ratio\":-1,"
                + "\"is_model_mapped\":false,\"request_path\":\"/v1/chat/completions\","
                + "\"admin_info\":{\"use_channel\":[\"" + row.channelId() + "\"],\"is_multi_key\":false},"
                + "\"request_conversion\":[\"OpenAI Compatible\"],\"upstream_model_name\":\"" + row.model() + "-"
                + random.nextInt(1000) + "\"}";
    }
}
