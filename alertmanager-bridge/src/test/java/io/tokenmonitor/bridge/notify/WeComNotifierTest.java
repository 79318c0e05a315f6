package io.tokenmonitor.bridge.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmonitor.bridge.testing.FakePlatform;
import io.tokenmonitor.common.config.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WeComNotifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FakePlatform wecom = new FakePlatform(FakePlatform.WECOM_OK);
    private final WeComNotifier notifier = new WeComNotifier(
            new Secret(wecom.url("/cgi-bin/webhook/send?key=k").toString()),
            new JsonPost(JsonPost.defaultClient(), Duration.ofSeconds(5)),
            JSON);

    @AfterEach
    void stop() {
        wecom.close();
    }

    @Test
    void givenChineseTextOver4096Bytes_whenRendered_thenSplitByUtf8Bytes() {
        List<String> parts = notifier.render(Notifications.firing("critical", "预算超限".repeat(2000)));
        assertThat(parts).hasSizeGreaterThan(1);
        assertThat(parts)
                .allSatisfy(p ->
                        assertThat(p.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096));
        assertThat(parts.get(0)).contains("<font color=\"warning\">");
    }

    @Test
    void givenOk_whenSent_thenMarkdownBody() throws Exception {
        assertThat(notifier.send("**hi**")).isInstanceOf(Delivery.Sent.class);
        var body = JSON.readTree(wecom.accepted().get(0).body());
        assertThat(body.path("msgtype").asText()).isEqualTo("markdown");
        assertThat(body.at("/markdown/content").asText()).isEqualTo("**hi**");
    }

    @Test
    void givenErrcode45009_whenSent_thenRetryAfterAMinute() {
        wecom.answer(new FakePlatform.Answer(200, "{\"errcode\":45009,\"errmsg\":\"api freq out of limit\"}"));
        assertThat(notifier.send("x"))
                .isEqualTo(new Delivery.RetryLater(Duration.ofSeconds(60), "wecom 45009: api freq out of limit"));
    }

    @Test
    void givenBotRemoved93000_whenSent_thenRejected() {
        wecom.answer(new FakePlatform.Answer(200, "{\"errcode\":93000,\"errmsg\":\"invalid webhook url\"}"));
        assertThat(notifier.send("x")).isInstanceOf(Delivery.Rejected.class);
    }
}
