package io.tokenmonitor.bridge.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.bridge.metrics.BridgeMetrics;
import io.tokenmonitor.bridge.notify.Language;
import io.tokenmonitor.bridge.notify.Notifier;
import io.tokenmonitor.bridge.outbox.Outbox;
import io.tokenmonitor.bridge.state.ReceivedAlerts;
import io.tokenmonitor.bridge.state.StateStore;
import io.tokenmonitor.bridge.testing.MutableClock;
import io.tokenmonitor.bridge.testing.RecordingNotifier;
import io.tokenmonitor.bridge.testing.Webhooks;
import io.tokenmonitor.common.time.ActiveWindow;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertPolicyTest {
    private static final String STARTS = "2026-11-30T01:00:00Z";
    private static final AlertDefaults DEFAULTS = new AlertDefaults(
            ZoneId.of("Asia/Shanghai"),
            Duration.ofHours(1),
            ActiveWindow.ALWAYS,
            "warning",
            Language.EN,
            Duration.ofMinutes(10),
            Duration.ofHours(25));

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at("2026-11-30T02:00:00Z"); // Monday 10:00 in Shanghai
    private final ObjectMapper json = new ObjectMapper();
    private StateStore store;
    private AlertPolicy policy;
    private DeferredScheduler scheduler;

    @BeforeEach
    void open() {
        store = StateStore.open(dir.resolve("bridge.db"));
        wire();
    }

    private void wire() {
        Map<String, Notifier> notifiers = new LinkedHashMap<>();
        notifiers.put("tg", new RecordingNotifier());
        notifiers.put("fs", new RecordingNotifier());
        DeferredAlerts deferred = new DeferredAlerts(json);
        policy = new AlertPolicy(
                DEFAULTS,
                notifiers,
                new Outbox(),
                new SeenEvents(DEFAULTS.dedupWindow()),
                new Cooldown(),
                deferred,
                new BreakerJobs(json),
                false);
        BridgeMetrics metrics =
                new BridgeMetrics(new PrometheusRegistry(), "test", List.of("tg", "fs"), Map::of, clock);
        scheduler = new DeferredScheduler(store, deferred, policy, metrics, clock, () -> {});
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Tally post(String fingerprint, String status, Map<String, String> labels) {
        Tally tally = new Tally();
        store.write(h -> {
            policy.accept(
                    h, Webhooks.message(fingerprint, status, STARTS, labels).events(), clock.instant(), tally);
            return null;
        });
        return tally;
    }

    /** target: alert_status, in outbox order. */
    private List<String> queued() {
        return store.read(
                h -> h.createQuery("SELECT target || ':' || alert_status || ':' || payload FROM outbox ORDER BY id")
                        .mapTo(String.class)
                        .list());
    }

    @Test
    void givenSameEventTwice_whenAccepted_thenOneNotificationPerTarget() {
        post("aa01", "firing", Map.of());
        Tally second = post("aa01", "firing", Map.of());
        assertThat(queued()).hasSize(2).allMatch(q -> q.contains(":firing:"));
        assertThat(second.suppressedReasons()).containsExactly("duplicate");
    }

    @Test
    void givenAcceptedEventsAndADuplicate_whenAccepted_thenEachAcceptedEventIsRecordedForTheDigests() {
        post("aa01", "firing", Map.of("alertname", "BudgetNearLimit"));
        post("aa01", "firing", Map.of("alertname", "BudgetNearLimit")); // Alertmanager's retry: not a new firing
        post("aa01", "resolved", Map.of("alertname", "BudgetNearLimit"));
        Map<String, Long> fired = store.read(h -> new ReceivedAlerts()
                .fired(
                        h,
                        clock.instant().minus(Duration.ofDays(1)),
                        clock.instant().plusMillis(1)));
        assertThat(fired).containsExactly(Map.entry("BudgetNearLimit", 1L));
        int rows = store.read(h -> h.createQuery("SELECT count(*) FROM received_alerts")
                .mapTo(Integer.class)
                .one());
        assertThat(rows).isEqualTo(2);
    }

    @Test
    void givenFiringRepeatedWithinCooldown_whenAccepted_thenSuppressedUntilCooldownEnds() {
        post("aa02", "firing", Map.of("notify", "tg", "cooldown", "2h"));
        clock.advance(Duration.ofMinutes(30)); // past the dedup window: Alertmanager repeat
        Tally repeat = post("aa02", "firing", Map.of("notify", "tg", "cooldown", "2h"));
        clock.advance(Duration.ofMinutes(91));
        post("aa02", "firing", Map.of("notify", "tg", "cooldown", "2h"));
        assertThat(repeat.suppressedReasons()).containsExactly("cooldown");
        assertThat(queued()).hasSize(2).allMatch(q -> q.startsWith("tg:firing"));
    }

    @Test
    void givenCooldownActive_whenStoreIsReopened_thenStillSuppressed() {
        post("aa03", "firing", Map.of("notify", "tg"));
        store.close();
        store = StateStore.open(dir.resolve("bridge.db"));
        wire();
        clock.advance(Duration.ofMinutes(20));
        Tally afterRestart = post("aa03", "firing", Map.of("notify", "tg"));
        assertThat(afterRestart.suppressedReasons()).containsExactly("cooldown");
    }

    @Test
    void givenResolvedOfAlertNeverAnnounced_whenAccepted_thenNothingIsSent() {
        Tally tally = post("aa04", "resolved", Map.of("notify", "tg,fs"));
        assertThat(queued()).isEmpty();
        assertThat(tally.suppressedReasons()).containsExactly("not_announced", "not_announced");
    }

    @Test
    void givenFiringToOneTarget_whenResolvedNamesTwo_thenOnlyTheToldTargetHearsResolved() {
        post("aa05", "firing", Map.of("notify", "tg"));
        Tally resolved = post("aa05", "resolved", Map.of("notify", "tg,fs"));
        assertThat(queued())
                .extracting(q -> q.substring(0, q.indexOf(':', 3)))
                .containsExactly("tg:firing", "tg:resolved");
        assertThat(resolved.suppressedReasons()).containsExactly("not_announced");
        Tally again = post("aa05", "resolved", Map.of("notify", "tg")); // duplicate resolved
        assertThat(again.suppressedReasons()).containsExactly("duplicate");
    }

    @Test
    void givenFiringOutsideWindow_whenWindowOpens_thenAnnouncedOnceWithHeldNote() {
        Map<String, String> labels = Map.of("notify", "tg", "active", "Mon-Fri 14:00-18:00");
        Tally tally = post("aa06", "firing", labels); // 10:00 Shanghai
        assertThat(tally.suppressedReasons()).containsExactly("inactive_window");
        clock.advance(Duration.ofHours(3).plusMinutes(59));
        scheduler.runOnce();
        assertThat(queued()).isEmpty();
        clock.advance(Duration.ofMinutes(1)); // 14:00
        scheduler.runOnce();
        scheduler.runOnce();
        assertThat(queued()).hasSize(1).allMatch(q -> q.startsWith("tg:firing") && q.contains("Held since"));
    }

    @Test
    void givenFiringAndResolvedOutsideWindow_whenWindowOpens_thenNothingIsSent() {
        Map<String, String> labels = Map.of("notify", "tg", "active", "14:00-18:00");
        post("aa07", "firing", labels);
        clock.advance(Duration.ofHours(1));
        post("aa07", "resolved", labels);
        clock.advance(Duration.ofHours(4));
        scheduler.runOnce();
        assertThat(queued()).isEmpty();
    }

    @Test
    void givenAnnouncedAlertResolvesOutsideWindow_whenWindowOpens_thenResolvedIsSentThen() {
        Map<String, String> labels = Map.of("notify", "tg", "active", "09:00-11:00");
        post("aa08", "firing", labels); // 10:00, announced
        clock.advance(Duration.ofHours(2)); // 12:00, closed
        post("aa08", "resolved", labels);
        assertThat(queued()).hasSize(1);
        clock.advance(Duration.ofHours(21)); // next day 09:00
        scheduler.runOnce();
        assertThat(queued()).hasSize(2).last().asString().startsWith("tg:resolved");
    }

    @Test
    void givenUnknownTargetName_whenAccepted_thenCountedAndKnownTargetsStillNotified() {
        Tally tally = post("aa09", "firing", Map.of("notify", "tg, slack"));
        assertThat(tally.suppressedReasons()).containsExactly("unknown_target");
        assertThat(queued()).hasSize(1).allMatch(q -> q.startsWith("tg:"));
    }

    @Test
    void givenDisableChannelWithoutChannelId_whenAccepted_thenNotifiedWithBreakerNote() {
        post("aa10", "firing", Map.of("notify", "tg", "action", "disable_channel"));
        assertThat(queued()).hasSize(1).allMatch(q -> q.contains("Breaker not run: the alert has no channel_id label"));
        int jobs = store.read(h -> h.createQuery("SELECT count(*) FROM breaker_jobs")
                .mapTo(Integer.class)
                .one());
        assertThat(jobs).isZero();
    }

    @Test
    void givenBadLabelValue_whenAccepted_thenDefaultAppliesAndMessageSaysSo() {
        post("aa11", "firing", Map.of("notify", "tg", "active", "sometimes"));
        assertThat(queued()).hasSize(1).allMatch(q -> q.contains("label active ignored"));
    }

    @Test
    void givenNoFingerprint_whenAccepted_thenLabelsIdentifyTheAlert() {
        post("", "firing", Map.of("notify", "tg", "id", "1"));
        clock.advance(Duration.ofMinutes(1));
        Tally tally = post("", "firing", Map.of("notify", "tg", "id", "1"));
        assertThat(tally.suppressedReasons()).containsExactly("duplicate");
        assertThat(Optional.of(queued().size())).contains(1);
    }

    private void postGroup(List<Webhooks.Alert> alerts) {
        var message = Webhooks.parse(Webhooks.group(Map.of("alertname", "Test"), STARTS, alerts));
        store.write(h -> {
            policy.accept(
                    h,
                    message.groupKey(),
                    message.groupLabelsWithoutNulls(),
                    message.events(),
                    clock.instant(),
                    new Tally());
            return null;
        });
    }

    private static Webhooks.Alert alert(String id, Map<String, String> labels) {
        Map<String, String> all = new LinkedHashMap<>(labels);
        all.put("id", id);
        all.put("notify", "tg");
        return new Webhooks.Alert("g" + id, "firing", all, "alert " + id);
    }

    @Test
    void givenGroupWithDeferredAndCoolingAlerts_whenAccepted_thenOnlyTheOthersAreGroupedAndDeferredComeLater() {
        post("g3", "firing", Map.of("notify", "tg", "id", "3")); // announced: 3 is in cooldown
        clock.advance(Duration.ofMinutes(15));
        Map<String, String> afternoon = Map.of("active", "14:00-18:00"); // 10:15 Shanghai: closed
        postGroup(List.of(
                alert("1", Map.of()),
                alert("2", Map.of()),
                alert("3", Map.of()),
                alert("4", afternoon),
                alert("5", afternoon)));
        assertThat(queued()).containsExactly("tg:firing:FIRING Test 3 ", "tg:firing:GROUP FIRING 1,2");
        clock.advance(Duration.ofHours(4)); // 14:15: the window opened; 4 and 5 go out together
        scheduler.runOnce();
        assertThat(queued()).hasSize(3).last().isEqualTo("tg:firing:GROUP FIRING 4,5");
    }

    @Test
    void givenGroupWithOneAlertPassingPolicy_whenAccepted_thenItIsSentAsASingleAlert() {
        post("g3", "firing", Map.of("notify", "tg", "id", "3"));
        clock.advance(Duration.ofMinutes(15));
        postGroup(List.of(alert("1", Map.of()), alert("3", Map.of())));
        assertThat(queued()).containsExactly("tg:firing:FIRING Test 3 ", "tg:firing:FIRING Test 1 ");
    }
}
