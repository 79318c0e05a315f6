package io.tokenmonitor.bridge.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmonitor.bridge.testing.FakePlatform;
import io.tokenmonitor.common.config.Secret;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: what a platform, or a proxy in front of it, answers goes to the outbox's last_error and the log. An
 * answer that quotes the request's URL must not carry the webhook's key or hook id there.
 */
class PlatformErrorRedactionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "5f1c0e2a-leak-4bc4-97a0-0ec2sifa5aaa";
    private final FakePlatform platform = new FakePlatform(FakePlatform.WECOM_OK);
    private final JsonPost http = new JsonPost(JsonPost.defaultClient(), Duration.ofSeconds(5));

    @AfterEach
    void stop() {
        platform.close();
    }

    @Test
    void givenWeComErrorQuotingTheKey_whenSent_thenTheReasonHidesIt() {
        String url = platform.url("/cgi-bin/webhook/send?key=" + KEY).toString();
        platform.answer(new FakePlatform.Answer(
                200, "{\"errcode\":93000,\"errmsg\":\"invalid webhook url " + url + " key=" + KEY + "\"}"));
        Delivery d = new WeComNotifier(new Secret(url), http, JSON).send("{}");

        assertThat(d).isInstanceOf(Delivery.Rejected.class);
        assertThat(d.toString()).contains("93000").doesNotContain(KEY);
    }

    @Test
    void givenFeishuErrorQuotingTheHookId_whenSent_thenTheReasonHidesIt() {
        String url = platform.url("/open-apis/bot/v2/hook/" + KEY).toString();
        platform.answer(new FakePlatform.Answer(
                400, "{\"code\":19001,\"msg\":\"param invalid: incoming webhook access token invalid " + KEY + "\"}"));
        Delivery d = new FeishuNotifier(new Secret(url), Optional.empty(), http, JSON, Clock.systemUTC())
                .send("{\"msg_type\":\"text\"}");

        assertThat(d).isInstanceOf(Delivery.Rejected.class);
        assertThat(d.toString()).contains("19001").doesNotContain(KEY);
    }
}
