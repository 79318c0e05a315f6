package io.tokenmonitor.bridge.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.bridge.metrics.BridgeMetrics;
import io.tokenmonitor.bridge.metrics.PendingStats;
import io.tokenmonitor.bridge.notify.JsonPost;
import io.tokenmonitor.bridge.notify.SendRate;
import io.tokenmonitor.bridge.notify.TelegramNotifier;
import io.tokenmonitor.bridge.state.StateStore;
import io.tokenmonitor.bridge.testing.FakePlatform;
import io.tokenmonitor.bridge.testing.MutableClock;
import io.tokenmonitor.common.config.Secret;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxWorkerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FakePlatform.Answer UNAVAILABLE =
            new FakePlatform.Answer(503, "{\"ok\":false,\"error_code\":503,\"description\":\"Service Unavailable\"}");

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at("2026-11-30T02:00:00Z");
    private final FakePlatform telegram = new FakePlatform(FakePlatform.TELEGRAM_OK);
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Outbox outbox = new Outbox();
    private StateStore store;
    private OutboxWorker worker;

    @BeforeEach
    void open() {
        store = StateStore.open(dir.resolve("bridge.db"));
        BridgeMetrics metrics =
                new BridgeMetrics(registry, "test", List.of("telegram"), () -> store.read(outbox::pending), clock);
        TelegramNotifier notifier = new TelegramNotifier(
                telegram.url(""),
                new Secret("1:T"),
                "42",
                Optional.empty(),
                new JsonPost(JsonPost.defaultClient(), Duration.ofSeconds(5)),
                JSON);
        worker = new OutboxWorker(
                "telegram",
                notifier,
                store,
                outbox,
                new RateLimit(SendRate.TELEGRAM),
                new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), new SplittableRandom(7)),
                Duration.ofMinutes(30),
                clock,
                metrics,
                new WorkSignal());
    }

    @AfterEach
    void close() {
        store.close();
        telegram.close();
    }

    private void enqueue(int count) {
        store.write(h -> {
            for (int i = 0; i < count; i++) {
                outbox.enqueue(h, "telegram", "fp" + i, "firing", List.of("message " + i), clock.instant());
            }
            return null;
        });
    }

    /** Runs the worker in simulated time until the outbox is empty or {@code limit} has passed. */
    private void drain(Duration limit) {
        Instant end = clock.instant().plus(limit);
        while (clock.instant().isBefore(end) && pending() > 0) {
            Instant wake = worker.runOnce();
            if (wake.isAfter(clock.instant())) {
                clock.set(wake);
            }
        }
    }

    private long pending() {
        return store.read(h -> outbox.pending(h).values().stream()
                .mapToLong(PendingStats::count)
                .sum());
    }

    private List<String> delivered() {
        List<String> texts = new ArrayList<>();
        for (FakePlatform.Request r : telegram.accepted()) {
            texts.add(JSON.valueToTree(parse(r.body())).path("text").asText());
        }
        return texts;
    }

    private static Object parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String scrape() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void givenTargetFailingForTwoMinutes_whenItRecovers_thenEveryMessageArrivesExactlyOnceInOrder() throws Exception {
        Instant recovery = clock.instant().plus(Duration.ofMinutes(2));
        telegram.answer(r -> clock.instant().isBefore(recovery) ? UNAVAILABLE : FakePlatform.TELEGRAM_OK);
        enqueue(30);
        drain(Duration.ofHours(1));
        assertThat(delivered())
                .containsExactlyElementsOf(
                        IntStream.range(0, 30).mapToObj(i -> "message " + i).toList());
        assertThat(pending()).isZero();
        int failedAttempts = telegram.all().size() - telegram.accepted().size();
        assertThat(failedAttempts)
                .as("backoff keeps probing sparse during the outage")
                .isBetween(1, 15);
        assertThat(scrape())
                .contains("newapi_bridge_notifications_sent_total{result=\"sent\",target=\"telegram\"} 30.0");
    }

    @Test
    void givenManyMessages_whenDrained_thenTelegramLimitOf20PerMinuteAnd1PerSecondHolds() {
        List<Instant> sendTimes = new CopyOnWriteArrayList<>();
        telegram.answer(r -> {
            sendTimes.add(clock.instant());
            return FakePlatform.TELEGRAM_OK;
        });
        enqueue(45);
        drain(Duration.ofHours(1));
        assertThat(sendTimes).hasSize(45);
        for (int i = 20; i < sendTimes.size(); i++) {
            assertThat(Duration.between(sendTimes.get(i - 20), sendTimes.get(i)))
                    .isGreaterThanOrEqualTo(Duration.ofMinutes(1));
        }
        for (int i = 1; i < sendTimes.size(); i++) {
            assertThat(Duration.between(sendTimes.get(i - 1), sendTimes.get(i)))
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void given429WithRetryAfter_whenRetried_thenNotBeforeTheAskedWait() {
        List<Instant> attempts = new CopyOnWriteArrayList<>();
        telegram.answer(r -> {
            attempts.add(clock.instant());
            return attempts.size() == 1
                    ? new FakePlatform.Answer(
                            429,
                            "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 30\",\"parameters\":{\"retry_after\":30}}")
                    : FakePlatform.TELEGRAM_OK;
        });
        enqueue(1);
        drain(Duration.ofHours(1));
        assertThat(Duration.between(attempts.get(0), attempts.get(1))).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
        assertThat(delivered()).containsExactly("message 0");
    }

    @Test
    void givenPermanentRejection_whenSent_thenDeadLetterAndNextMessageGoesOn() throws Exception {
        telegram.answer(r -> r.body().contains("message 0")
                ? new FakePlatform.Answer(
                        400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: chat not found\"}")
                : FakePlatform.TELEGRAM_OK);
        enqueue(2);
        drain(Duration.ofMinutes(5));
        assertThat(delivered()).containsExactly("message 1");
        String dead = store.read(h -> h.createQuery("SELECT last_error FROM outbox WHERE state = 'dead'")
                .mapTo(String.class)
                .one());
        assertThat(dead).isEqualTo("telegram 400: Bad Request: chat not found");
        assertThat(telegram.all()).hasSize(2); // the rejected message is never retried
        assertThat(scrape()).contains("newapi_bridge_dead_letters_total{target=\"telegram\"} 1.0");
    }

    @Test
    void givenTargetDownLongerThanDeadLetterAge_whenTimePasses_thenMessagesBecomeDeadLetters() throws Exception {
        telegram.answer(UNAVAILABLE);
        enqueue(3);
        drain(Duration.ofMinutes(31));
        assertThat(pending()).isZero();
        int dead = store.read(h -> h.createQuery(
                        "SELECT count(*) FROM outbox WHERE state = 'dead' AND last_error LIKE 'not delivered within 30m%'")
                .mapTo(Integer.class)
                .one());
        assertThat(dead).isEqualTo(3);
        assertThat(scrape()).contains("newapi_bridge_outbox_pending{target=\"telegram\"} 0.0");
    }

    @Test
    void givenPendingMessage_whenScraped_thenGaugesShowCountAndAge() throws Exception {
        telegram.answer(UNAVAILABLE);
        enqueue(2);
        clock.advance(Duration.ofSeconds(90));
        String text = scrape();
        assertThat(text)
                .contains("newapi_bridge_outbox_pending{target=\"telegram\"} 2.0")
                .contains("newapi_bridge_outbox_oldest_pending_age_seconds{target=\"telegram\"} 90.0");
    }

    private void enqueueFlood(String key, int parts) {
        store.write(h -> {
            outbox.enqueue(
                    h,
                    "telegram",
                    key,
                    "firing",
                    IntStream.rangeClosed(1, parts)
                            .mapToObj(i -> key + " part " + i)
                            .toList(),
                    clock.instant());
            return null;
        });
    }

    @Test
    void givenFloodOfManyParts_whenNewerAlertsArrive_thenTheyAreDeliveredBeforeTheFloodsTail() {
        enqueueFlood("flood", 30);
        enqueue(3);
        drain(Duration.ofHours(1));
        List<String> delivered = delivered();
        assertThat(delivered).hasSize(33);
        assertThat(delivered.subList(0, 4)).containsExactly("flood part 1", "message 0", "message 1", "message 2");
        assertThat(delivered.subList(4, 33))
                .containsExactlyElementsOf(IntStream.rangeClosed(2, 30)
                        .mapToObj(i -> "flood part " + i)
                        .toList());
    }

    @Test
    void givenMorePendingThanTheCap_whenWorkerRuns_thenTheFloodsTailIsDroppedAsCountedDeadLetters() throws Exception {
        BridgeMetrics metrics =
                new BridgeMetrics(new PrometheusRegistry(), "test", List.of("telegram"), () -> Map.of(), clock);
        PrometheusRegistry capped = new PrometheusRegistry();
        metrics = new BridgeMetrics(capped, "test", List.of("telegram"), () -> store.read(outbox::pending), clock);
        worker = new OutboxWorker(
                "telegram",
                new TelegramNotifier(
                        telegram.url(""),
                        new Secret("1:T"),
                        "42",
                        Optional.empty(),
                        new JsonPost(JsonPost.defaultClient(), Duration.ofSeconds(5)),
                        JSON),
                store,
                outbox,
                new RateLimit(SendRate.TELEGRAM),
                new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), new SplittableRandom(7)),
                Duration.ofMinutes(30),
                clock,
                metrics,
                new WorkSignal(),
                10);
        enqueueFlood("flood", 30);
        enqueue(3);
        drain(Duration.ofHours(1));

        assertThat(delivered())
                .containsExactly(
                        "flood part 1",
                        "message 0",
                        "message 1",
                        "message 2",
                        "flood part 25",
                        "flood part 26",
                        "flood part 27",
                        "flood part 28",
                        "flood part 29",
                        "flood part 30");
        long dead = store.read(h -> h.createQuery(
                        "SELECT count(*) FROM outbox WHERE state = 'dead' AND last_error LIKE 'dropped: more than 10 %'")
                .mapTo(Long.class)
                .one());
        assertThat(dead).isEqualTo(23);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, capped.scrape());
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("newapi_bridge_outbox_dropped_total{target=\"telegram\"} 23.0")
                .contains("newapi_bridge_dead_letters_total{target=\"telegram\"} 23.0");
    }
}
