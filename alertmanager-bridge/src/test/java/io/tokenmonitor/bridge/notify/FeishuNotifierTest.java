package io.tokenmonitor.bridge.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmonitor.bridge.testing.FakePlatform;
import io.tokenmonitor.bridge.testing.MutableClock;
import io.tokenmonitor.common.config.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FeishuNotifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FakePlatform feishu = new FakePlatform(FakePlatform.FEISHU_OK);
    private final MutableClock clock = MutableClock.at("2020-09-06T02:47:53Z"); // 1599360473
    private final JsonPost http = new JsonPost(JsonPost.defaultClient(), Duration.ofSeconds(5));

    private FeishuNotifier notifier(Optional<Secret> secret) {
        return new FeishuNotifier(
                new Secret(feishu.url("/open-apis/bot/v2/hook/abc").toString()), secret, http, JSON, clock);
    }

    @AfterEach
    void stop() {
        feishu.close();
    }

    @Test
    void givenCriticalFiring_whenRendered_thenRedCardWithEscapedMarkdownAndButtons() throws Exception {
        JsonNode card = JSON.readTree(notifier(Optional.empty())
                .render(Notifications.firing("critical", "*bold* [x](y)"))
                .get(0));
        assertThat(card.path("msg_type").asText()).isEqualTo("interactive");
        assertThat(card.at("/card/schema").asText()).isEqualTo("2.0");
        assertThat(card.at("/card/header/template").asText()).isEqualTo("red");
        String markdown = card.at("/card/body/elements/0/content").asText();
        assertThat(markdown).contains("&#42;bold&#42; &#91;x&#93;&#40;y&#41;").contains("model=gpt-4o&#60;mini&#62;");
        assertThat(card.at("/card/body/elements/1/behaviors/0/default_url").asText())
                .isEqualTo("https://grafana.example/d/x?a=1&b=2");
    }

    @Test
    void givenResolved_whenRendered_thenGreenHeaderInChinese() throws Exception {
        JsonNode card = JSON.readTree(
                notifier(Optional.empty()).render(Notifications.resolved()).get(0));
        assertThat(card.at("/card/header/template").asText()).isEqualTo("green");
        assertThat(card.at("/card/header/title/content").asText()).contains("[已恢复]");
    }

    @Test
    void givenHugeDescription_whenRendered_thenEveryCardStaysUnder20KB() {
        List<String> parts = notifier(Optional.empty()).render(Notifications.firing("warning", "告警".repeat(20_000)));
        assertThat(parts).hasSizeGreaterThan(1);
        assertThat(parts)
                .allSatisfy(p ->
                        assertThat(p.getBytes(StandardCharsets.UTF_8).length).isLessThan(20_000));
    }

    @Test
    void givenSigningSecret_whenSent_thenBodyCarriesTimestampInSecondsAndSign() throws Exception {
        notifier(Optional.of(new Secret("demo"))).send("{\"msg_type\":\"text\",\"content\":{\"text\":\"x\"}}");
        JsonNode body = JSON.readTree(feishu.accepted().get(0).body());
        assertThat(body.path("timestamp").asText()).isEqualTo("1599360473");
        assertThat(body.path("sign").asText()).isEqualTo(new FeishuSigner(new Secret("demo")).sign(1599360473L));
    }

    @Test
    void givenNonZeroBodyCodeWithHttp200_whenSent_thenDeliveryIsRejected() {
        feishu.answer(new FakePlatform.Answer(
                200,
                "{\"code\":19021,\"msg\":\"sign match fail or timestamp is not within one hour from current time\"}"));
        assertThat(notifier(Optional.empty()).send("{}")).isInstanceOf(Delivery.Rejected.class);
    }

    @Test
    void givenThrottleCodes_whenSent_thenRetryLater() {
        feishu.answer(new FakePlatform.Answer(200, "{\"code\":11232,\"msg\":\"frequency limited\"}"));
        assertThat(notifier(Optional.empty()).send("{}")).isInstanceOf(Delivery.RetryLater.class);
        feishu.answer(new FakePlatform.Answer(400, "{\"code\":9499,\"msg\":\"too many request\"}"));
        assertThat(notifier(Optional.empty()).send("{}")).isInstanceOf(Delivery.RetryLater.class);
        feishu.answer(new FakePlatform.Answer(400, "{\"code\":9499,\"msg\":\"Bad Request\"}"));
        assertThat(notifier(Optional.empty()).send("{}")).isInstanceOf(Delivery.Rejected.class);
    }
}
