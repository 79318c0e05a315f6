package io.tokenmonitor.bridge.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmonitor.bridge.testing.FakePlatform;
import io.tokenmonitor.common.config.Secret;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TelegramNotifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FakePlatform telegram = new FakePlatform(FakePlatform.TELEGRAM_OK);
    private final TelegramNotifier notifier = new TelegramNotifier(
            telegram.url(""),
            new Secret("123:ABC"),
            "-100200",
            Optional.of(42L),
            new JsonPost(JsonPost.defaultClient(), Duration.ofSeconds(5)),
            JSON);

    @AfterEach
    void stop() {
        telegram.close();
    }

    @Test
    void givenLabelsWithMarkup_whenRendered_thenHtmlIsEscapedAndLinksAreAnchors() {
        String part = notifier.render(Notifications.firing("critical", "x")).get(0);
        assertThat(part)
                .contains("<b>🔴 [FIRING] BudgetExceeded</b>")
                .contains("Budget &lt;gpt-4o&gt; &amp; co over limit")
                .contains("model=gpt-4o&lt;mini&gt;")
                .contains("<a href=\"https://grafana.example/d/x?a=1&amp;b=2\">Dashboard</a>")
                .doesNotContain("notify=telegram");
    }

    @Test
    void givenMessageOver4096Characters_whenRendered_thenPartsAreNumberedAndEachFits() {
        List<String> parts = notifier.render(Notifications.firing("warning", "<&>".repeat(5000)));
        assertThat(parts).hasSizeGreaterThan(1);
        assertThat(parts).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(4096));
        assertThat(parts.get(0)).startsWith("(1/" + parts.size() + ") ");
        assertThat(String.join("", parts)).doesNotContain("<&>"); // every piece escaped, no tag cut
    }

    @Test
    void givenOkAnswer_whenSent_thenRequestCarriesChatThreadAndHtmlMode() throws Exception {
        Delivery d = notifier.send("<b>hi</b>");
        assertThat(d).isInstanceOf(Delivery.Sent.class);
        FakePlatform.Request request = telegram.accepted().get(0);
        assertThat(request.path()).isEqualTo("/bot123:ABC/sendMessage");
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.path("chat_id").asText()).isEqualTo("-100200");
        assertThat(body.path("message_thread_id").asLong()).isEqualTo(42);
        assertThat(body.path("parse_mode").asText()).isEqualTo("HTML");
        assertThat(body.path("link_preview_options").path("is_disabled").asBoolean())
                .isTrue();
    }

    @Test
    void given429WithRetryAfter_whenSent_thenRetryLaterHonoursIt() {
        telegram.answer(
                new FakePlatform.Answer(
                        429,
                        "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 8\",\"parameters\":{\"retry_after\":8}}"));
        assertThat(notifier.send("x"))
                .isEqualTo(new Delivery.RetryLater(
                        Duration.ofSeconds(8), "telegram 429: Too Many Requests: retry after 8"));
    }

    @Test
    void givenBotKicked_whenSent_thenRejected() {
        telegram.answer(new FakePlatform.Answer(
                403,
                "{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: bot was kicked from the group chat\"}"));
        assertThat(notifier.send("x"))
                .isEqualTo(new Delivery.Rejected("telegram 403: Forbidden: bot was kicked from the group chat"));
    }

    @Test
    void givenServerError_whenSent_thenRetryLater() {
        telegram.answer(new FakePlatform.Answer(502, "<html>bad gateway</html>"));
        assertThat(notifier.send("x")).isInstanceOf(Delivery.RetryLater.class);
    }

    @Test
    void givenUnreachableApi_whenSent_thenRetryLaterWithoutToken() {
        telegram.close();
        Delivery d = notifier.send("x");
        assertThat(d).isInstanceOf(Delivery.RetryLater.class);
        assertThat(((Delivery.RetryLater) d).reason()).doesNotContain("123:ABC");
    }
}
