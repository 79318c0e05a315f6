package io.tokenmonitor.bridge.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmonitor.bridge.outbox.RateLimit;
import io.tokenmonitor.bridge.testing.FakePlatform;
import io.tokenmonitor.common.config.Secret;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DingTalkNotifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "SEC0123456789abcdef0123456789abcdef";
    private final FakeDingTalk fake = new FakeDingTalk(SECRET);
    private final FakePlatform dingtalk = new FakePlatform(FakePlatform.WECOM_OK);

    {
        dingtalk.answer(fake::answer);
    }

    private DingTalkNotifier notifier(String secret) {
        return new DingTalkNotifier(
                new Secret(dingtalk.url("/robot/send?access_token=0123456789abcdef0123456789abcdef")
                        .toString()),
                Optional.ofNullable(secret).map(Secret::new),
                new JsonPost(JsonPost.defaultClient(), Duration.ofSeconds(5)),
                JSON,
                Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        dingtalk.close();
    }

    @Test
    void givenTheRightSecret_whenSent_thenTheFakeAcceptsTheSignedMarkdown() throws Exception {
        DingTalkNotifier n = notifier(SECRET);
        List<String> parts = n.render(Notifications.firing("critical", "over by 20%"));
        assertThat(parts).hasSize(1);
        assertThat(n.send(parts.get(0))).isEqualTo(new Delivery.Sent());
        JsonNode body = JSON.readTree(dingtalk.accepted().get(0).body());
        assertThat(body.path("msgtype").asText()).isEqualTo("markdown");
        assertThat(body.at("/markdown/title").asText()).contains("BudgetExceeded");
        String text = body.at("/markdown/text").asText();
        assertThat(text).startsWith("#### ").contains("BudgetExceeded").contains("over by 20%");
        // Markup in label values is inert: the full-width twins of < and >.
        assertThat(text).contains("gpt-4o＜mini＞").doesNotContain("<mini>");
        assertThat(text).contains("\n\n");
    }

    @Test
    void givenAWrongSecret_whenSent_thenRefusedAs310000AndDeadNotRetried() {
        Delivery d = notifier("SECwrong-wrong-wrong-wrong")
                .send(notifier(SECRET).render(Notifications.resolved()).get(0));
        assertThat(d).isInstanceOf(Delivery.Rejected.class);
        assertThat(((Delivery.Rejected) d).reason())
                .startsWith("dingtalk 310000: sign not match")
                .contains("DINGTALK_SECRET");
        assertThat(fake.delivered()).isZero();
    }

    @Test
    void givenNoSecretForASigningRobot_whenSent_thenRejected() {
        assertThat(notifier(null).send("{\"msgtype\":\"markdown\",\"markdown\":{\"title\":\"t\",\"text\":\"x\"}}"))
                .isInstanceOf(Delivery.Rejected.class);
    }

    @Test
    void givenMoreThan20AMinute_whenSent_thenTheFakeThrottlesAndTheBridgeWaitsTenMinutes() {
        DingTalkNotifier n = notifier(SECRET);
        String part = n.render(Notifications.resolved()).get(0);
        for (int i = 0; i < 20; i++) {
            assertThat(n.send(part)).isEqualTo(new Delivery.Sent());
        }
        Delivery d = n.send(part);
        assertThat(d).isInstanceOf(Delivery.RetryLater.class);
        assertThat(((Delivery.RetryLater) d).after()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void theOutboxPacesADingTalkTargetAt20AMinute() {
        TargetConfig target = new TargetConfig.DingTalk("dingtalk", new Secret("https://x/robot"), Optional.empty());
        RateLimit limit = new RateLimit(TargetNotifiers.rateLimit(target));
        Instant t0 = Instant.parse("2026-12-01T00:00:00Z");
        for (int i = 0; i < 20; i++) {
            assertThat(limit.nextSlot(t0)).isEqualTo(t0);
            limit.record(t0);
        }
        assertThat(limit.nextSlot(t0)).isEqualTo(t0.plus(Duration.ofMinutes(1)));
    }

    @Test
    void givenTextOver20000Bytes_whenRendered_thenEveryBodyFitsDingTalksLimit() throws Exception {
        DingTalkNotifier n = notifier(SECRET);
        List<String> parts = n.render(Notifications.firing("warning", "预算\"超限\"\n".repeat(3000)));
        assertThat(parts).hasSizeGreaterThan(1);
        for (String p : parts) {
            assertThat(p.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(20_000);
            assertThat(n.send(p)).isEqualTo(new Delivery.Sent());
        }
        assertThat(JSON.readTree(parts.get(0)).at("/markdown/text").asText()).startsWith("(1/");
    }

    @Test
    void givenSystemBusyOr5xx_whenSent_thenRetried() {
        fake.override = new FakePlatform.Answer(200, "{\"errcode\":-1,\"errmsg\":\"系统繁忙\"}");
        assertThat(notifier(SECRET).send("{}")).isInstanceOf(Delivery.RetryLater.class);
        fake.override = new FakePlatform.Answer(502, "<html>bad gateway</html>");
        assertThat(notifier(SECRET).send("{}")).isInstanceOf(Delivery.RetryLater.class);
    }

    /**
     * Answers as DingTalk's robot/send does for a robot with "加签" on: it recomputes the signature from the
     * timestamp in the query, refuses a mismatch or a timestamp over an hour old with 310000, and allows 20
     * messages a minute (130101 after that).
     */
    static final class FakeDingTalk {
        private final String secret;
        private final Deque<Instant> sent = new ArrayDeque<>();
        volatile FakePlatform.Answer override;

        FakeDingTalk(String secret) {
            this.secret = secret;
        }

        synchronized int delivered() {
            return sent.size();
        }

        synchronized FakePlatform.Answer answer(FakePlatform.Request request) {
            if (override != null) {
                return override;
            }
            Map<String, String> query = new HashMap<>();
            String raw = URI.create(request.path()).getRawQuery();
            for (String pair : raw == null ? new String[0] : raw.split("&")) {
                int eq = pair.indexOf('=');
                query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            String timestamp = query.getOrDefault("timestamp", "0");
            long age = System.currentTimeMillis() - Long.parseLong(timestamp);
            if (!expectedSign(timestamp).equals(query.get("sign")) || Math.abs(age) > 3_600_000) {
                return new FakePlatform.Answer(
                        200,
                        "{\"errcode\":310000,\"errmsg\":\"sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]\"}");
            }
            Instant now = Instant.now();
            while (!sent.isEmpty() && sent.peekFirst().isBefore(now.minus(Duration.ofMinutes(1)))) {
                sent.removeFirst();
            }
            if (sent.size() >= 20) {
                return new FakePlatform.Answer(
                        200, "{\"errcode\":130101,\"errmsg\":\"send too fast, exceed 20 times per minute\"}");
            }
            sent.addLast(now);
            return new FakePlatform.Answer(200, "{\"errcode\":0,\"errmsg\":\"ok\"}");
        }

        private String expectedSign(String timestamp) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                return Base64.getEncoder()
                        .encodeToString(mac.doFinal((timestamp + "\n" + secret).getBytes(StandardCharsets.UTF_8)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
