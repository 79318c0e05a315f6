package io.tokenmonitor.bridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.bridge.Bridge;
import io.tokenmonitor.bridge.config.ConfigLoader;
import io.tokenmonitor.bridge.testing.FakePlatform;
import io.tokenmonitor.bridge.testing.TestConfigs;
import io.tokenmonitor.bridge.testing.Webhooks;
import io.tokenmonitor.common.config.Env;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alertmanager groups through the whole bridge to fake Telegram, Feishu and WeCom servers. */
class GroupedMessagesTest {
    private static final Map<String, String> GROUP = Map.of("alertname", "BudgetExceeded");

    @TempDir
    Path dir;

    private final FakePlatform telegram = new FakePlatform(FakePlatform.TELEGRAM_OK);
    private final FakePlatform feishu = new FakePlatform(FakePlatform.FEISHU_OK);
    private final FakePlatform wecom = new FakePlatform(FakePlatform.WECOM_OK);
    private final HttpClient http = HttpClient.newHttpClient();
    private Bridge bridge;

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
        telegram.close();
        feishu.close();
        wecom.close();
    }

    private void start(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "LISTEN_ADDRESS",
                "127.0.0.1:0",
                "STATE_PATH",
                dir.resolve("bridge.db").toString(),
                "BRIDGE_TOKEN",
                TestConfigs.TOKEN,
                "TELEGRAM_BOT_TOKEN",
                "1:T",
                "TELEGRAM_CHAT_ID",
                "42",
                "TELEGRAM_API_URL",
                telegram.url("").toString(),
                "FEISHU_WEBHOOK",
                feishu.url("/open-apis/bot/v2/hook/abc").toString(),
                "WECOM_WEBHOOK",
                wecom.url("/cgi-bin/webhook/send?key=k").toString()));
        env.putAll(extra);
        bridge = Bridge.start(
                new ConfigLoader().load(new Env(env), Optional.empty()),
                Clock.systemUTC(),
                new PrometheusRegistry(),
                "test");
    }

    private void post(String body) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.port() + "/alerts"))
                        .header("Authorization", "Bearer " + TestConfigs.TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
    }

    /** Real time: the outbox workers and the platforms' real rate limits are under test. */
    private static void awaitCount(Supplier<List<FakePlatform.Request>> requests, int count) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        while (requests.get().size() < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        Thread.sleep(1_500); // and nothing more arrives
    }

    private static List<Webhooks.Alert> alerts(int count, String summary) {
        return IntStream.rangeClosed(1, count)
                .mapToObj(i -> new Webhooks.Alert(
                        "fp" + i, "firing", Map.of("channel", "ch-" + i + "-x"), summary.replace("#", "" + i)))
                .toList();
    }

    /** The ch-N-x names found in a request, in order. */
    private static List<Integer> named(FakePlatform.Request request) {
        List<Integer> out = new ArrayList<>();
        Matcher m = Pattern.compile("ch-(\\d+)-x").matcher(request.body());
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }

    @Test
    void givenTwentyAlertGroup_whenPosted_thenEachTargetGetsOneMessageNamingAllTwenty() throws Exception {
        start(Map.of());
        post(Webhooks.group(GROUP, "2026-11-30T01:00:00Z", alerts(20, "budget # over")));
        awaitCount(telegram::accepted, 1);
        awaitCount(feishu::accepted, 1);
        awaitCount(wecom::accepted, 1);
        List<Integer> all = IntStream.rangeClosed(1, 20).boxed().toList();
        for (FakePlatform platform : List.of(telegram, feishu, wecom)) {
            assertThat(platform.accepted()).hasSize(1);
            assertThat(named(platform.accepted().get(0))).containsExactlyElementsOf(all);
        }
        assertThat(telegram.accepted().get(0).body()).contains("20 条告警").contains("alertname=BudgetExceeded");
    }

    @Test
    void givenGroupFalseForOneTarget_whenPosted_thenThatTargetGetsOneMessagePerAlert() throws Exception {
        start(Map.of("FEISHU_GROUP", "false"));
        post(Webhooks.group(GROUP, "2026-11-30T01:00:00Z", alerts(20, "budget # over")));
        awaitCount(feishu::accepted, 20);
        awaitCount(telegram::accepted, 1);
        assertThat(feishu.accepted())
                .hasSize(20)
                .allSatisfy(r -> assertThat(new java.util.HashSet<>(named(r))).hasSize(1));
        assertThat(feishu.accepted().stream().map(r -> named(r).get(0)))
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.rangeClosed(1, 20).boxed().toList());
        assertThat(telegram.accepted()).hasSize(1);
    }

    @Test
    void givenGroupLargerThanTelegramLimit_whenPosted_thenSplitIntoPartsOfWholeAlertLines() throws Exception {
        start(Map.of());
        String longSummary = "spend # over budget " + "x".repeat(300) + " END";
        post(Webhooks.group(GROUP, "2026-11-30T01:00:00Z", alerts(40, longSummary)));
        awaitCount(telegram::accepted, 4);
        List<FakePlatform.Request> parts = telegram.accepted();
        assertThat(parts).hasSizeGreaterThan(1);
        List<Integer> seen = new ArrayList<>();
        for (FakePlatform.Request part : parts) {
            String text = text(part);
            assertThat(text.length()).isLessThanOrEqualTo(4096);
            for (String line : text.split("\n")) {
                if (line.contains("ch-")) {
                    // every alert line is whole: its channel label, its own number in the summary and the end
                    Matcher m = Pattern.compile("ch-(\\d+)-x\\}.* spend (\\d+) over budget x{300} END$")
                            .matcher(line);
                    assertThat(m.find()).as(line).isTrue();
                    assertThat(m.group(1)).isEqualTo(m.group(2));
                }
            }
            seen.addAll(named(part));
        }
        assertThat(seen)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 40).boxed().toList());
    }

    private static String text(FakePlatform.Request request) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(request.body())
                    .path("text")
                    .asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
