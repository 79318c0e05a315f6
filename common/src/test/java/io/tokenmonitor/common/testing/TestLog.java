package io.tokenmonitor.common.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A gateway log row to insert in a test. */
public record TestLog(
        int type,
        long createdAt,
        long channelId,
        String model,
        String tokenName,
        String username,
        long promptTokens,
        long completionTokens,
        long quota,
        long useTimeSeconds,
        boolean stream,
        String content,
        String other) {

    public static TestLog consume(
            long createdAt, long channelId, String model, long prompt, long completion, long quota) {
        return new TestLog(
                2,
                createdAt,
                channelId,
                model,
                "default",
                "alice",
                prompt,
                completion,
                quota,
                3,
                false,
                "",
                "{\"model_ratio\":1,\"frt\":-1000}");
    }

    public TestLog withType(int newType) {
        return new TestLog(
                newType,
                createdAt,
                channelId,
                model,
                tokenName,
                username,
                promptTokens,
                completionTokens,
                quota,
                useTimeSeconds,
                stream,
                content,
                other);
    }

    public TestLog withOther(String newOther) {
        return new TestLog(
                type,
                createdAt,
                channelId,
                model,
                tokenName,
                username,
                promptTokens,
                completionTokens,
                quota,
                useTimeSeconds,
                stream,
                content,
                newOther);
    }

    public TestLog withToken(String newTokenName) {
        return new TestLog(
                type,
                createdAt,
                channelId,
                model,
                newTokenName,
                username,
                promptTokens,
                completionTokens,
                quota,
                useTimeSeconds,
                stream,
                content,
                other);
    }

    public TestLog streamed(long frtMillis) {
        return new TestLog(
                type,
                createdAt,
                channelId,
                model,
                tokenName,
                username,
                promptTokens,
                completionTokens,
                quota,
                useTimeSeconds,
                true,
                content,
                "{\"model_ratio\":1,\"frt\":" + frtMillis + ",\"cache_tokens\":" + promptTokens / 4 + "}");
    }

    /**
     * Realistic mixed traffic: requests (streamed or not), channel tests, failed attempts, refunds,
     * negative task settlements, across {@code channels} channels and {@code models} models.
     */
    public static List<TestLog> traffic(
            Random random, int count, long fromSecond, long toSecond, int channels, int models) {
        List<TestLog> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long at = fromSecond + (toSecond - fromSecond) * i / Math.max(1, count);
            long channel = 1 + random.nextInt(channels);
            String model = "model-" + random.nextInt(models);
            long prompt = 10 + random.nextInt(4000);
            long completion = random.nextInt(1500);
            TestLog row = consume(at, channel, model, prompt, completion, prompt + 4 * completion);
            int roll = random.nextInt(100);
            if (roll < 5) {
                row = new TestLog(
                        5,
                        at,
                        channel,
                        model,
                        "default",
                        "bob",
                        0,
                        0,
                        0,
                        0,
                        false,
                        "status_code=502",
                        "{\"status_code\":" + (random.nextBoolean() ? 502 : 429) + "}");
            } else if (roll < 7) {
                row = row.withToken("模型测试");
            } else if (roll < 8) {
                row = new TestLog(
                        6,
                        at,
                        channel,
                        model,
                        "default",
                        "carol",
                        0,
                        0,
                        500 + random.nextInt(5000),
                        0,
                        false,
                        "退款",
                        "{}");
            } else if (roll < 9) {
                row = new TestLog(
                        2,
                        at,
                        channel,
                        model,
                        "default",
                        "carol",
                        0,
                        0,
                        -(100 + random.nextInt(900)),
                        0,
                        false,
                        "",
                        "{\"task_id\":\"t" + i + "\",\"quota_delta\":-1}");
            } else if (roll < 50) {
                row = row.streamed(200 + random.nextInt(3000));
            }
            rows.add(row);
        }
        return rows;
    }
}
