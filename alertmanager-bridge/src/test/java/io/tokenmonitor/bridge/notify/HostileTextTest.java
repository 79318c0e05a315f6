package io.tokenmonitor.bridge.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmonitor.common.config.Secret;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 item 6: the same hostile label values, annotations and links go to all three platforms, and none of it
 * becomes markup: no link, colour, mention, bold, code, heading or quote that the alert's author did not write.
 */
class HostileTextTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOSTILE =
            "see [x](http://evil.example/a) <font color=\"warning\">red</font> **bold** *it*"
                    + " `code` <@all> <@zhangsan> <a href=\"http://evil.example/b\">y</a> <b>z</b> &amp;"
                    + "\n# heading\n> quote\n[y]: http://evil.example/c";
    private static final JsonPost UNUSED = new JsonPost(JsonPost.defaultClient(), Duration.ofSeconds(1));

    private static Notification hostile() {
        return new Notification(
                Notification.Kind.FIRING,
                "Budget](http://evil.example/t)",
                "critical",
                Map.of("alertname", "x", "model", HOSTILE, "evil**key", "v`al"),
                HOSTILE,
                HOSTILE,
                Instant.parse("2026-11-30T02:00:00Z"),
                Optional.empty(),
                List.of(new Notification.Link(
                        Notification.LinkKind.RUNBOOK, "https://wiki.example/run book) [evil](http://evil.example/d")),
                List.of(HOSTILE),
                ZoneId.of("UTC"),
                Language.EN);
    }

    @Test
    void givenHostileText_whenRenderedForWeCom_thenNoneOfItIsMarkup() throws Exception {
        WeComNotifier wecom =
                new WeComNotifier(new Secret("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"), UNUSED, JSON);
        String text = String.join("\n", wecom.render(hostile()));

        assertMarkdownIsInert(text);
        // the one link the bridge writes keeps its target inside the parentheses
        assertThat(text).doesNotContain("run book)").doesNotContain("[evil]");
        assertThat(text).contains("(https://wiki.example/run%20book%29%20%5Bevil%5D%28http://evil.example/d)");
    }

    @Test
    void givenHostileText_whenRenderedForFeishu_thenNoneOfItIsMarkup() throws Exception {
        FeishuNotifier feishu = new FeishuNotifier(
                new Secret("https://open.feishu.cn/open-apis/bot/v2/hook/k"),
                Optional.empty(),
                UNUSED,
                JSON,
                Clock.systemUTC());
        StringBuilder markdown = new StringBuilder();
        for (String part : feishu.render(hostile())) {
            JSON.readTree(part).path("card").path("body").path("elements").forEach(e -> {
                if (e.path("tag").asText().equals("markdown")) {
                    markdown.append(e.path("content").asText()).append('\n');
                }
            });
        }
        assertMarkdownIsInert(markdown.toString());
    }

    @Test
    void givenHostileText_whenRenderedForTelegram_thenNoneOfItIsMarkup() {
        TelegramNotifier telegram = new TelegramNotifier(
                URI.create("https://api.telegram.org"), new Secret("1:T"), "-1", Optional.empty(), UNUSED, JSON);
        String text = String.join("\n", telegram.render(hostile()));

        assertThat(text)
                .doesNotContain("<a href=\"http://evil")
                .doesNotContain("<b>z</b>")
                .doesNotContain("<font")
                .doesNotContain("<@all>")
                .doesNotContain("run book\">");
        assertThat(text).contains("&lt;b&gt;z&lt;/b&gt;").contains("&amp;amp;");
    }

    /** What WeCom's markdown and Feishu's card markdown would turn into markup. */
    private static void assertMarkdownIsInert(String text) {
        assertThat(text)
                .doesNotContain("](http://evil")
                .doesNotContain("[x]")
                .doesNotContain("<font color=\"warning\">red")
                .doesNotContain("<@all>")
                .doesNotContain("<@zhangsan>")
                .doesNotContain("<a href")
                .doesNotContain("**bold**")
                .doesNotContain("*it*")
                .doesNotContain("`code`")
                .doesNotContain("v`al")
                .doesNotContain("evil**key")
                .doesNotContainPattern("(?m)^# heading")
                .doesNotContainPattern("(?m)^> quote")
                .doesNotContainPattern("(?m)^\\[y\\]:");
    }
}
