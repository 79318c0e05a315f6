package io.tokenmonitor.bridge.policy;

import io.tokenmonitor.bridge.notify.Language;
import io.tokenmonitor.bridge.notify.Notification;
import io.tokenmonitor.bridge.notify.Notifier;
import io.tokenmonitor.bridge.outbox.Outbox;
import io.tokenmonitor.common.alert.Action;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Decides, per alert, what to send to whom, and queues it, inside the caller's transaction:
 * duplicates are absorbed; outside its active window an alert waits (and is neither announced nor acted on);
 * firing messages respect the cooldown per alert × target; resolved messages go only to targets told it fired;
 * alerts that ask for the breaker go to the breaker queue, which announces them with its outcome.
 */
public final class AlertPolicy {
    private static final DateTimeFormatter HELD_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm xxx");

    private final AlertDefaults defaults;
    private final Map<String, Notifier> notifiers;
    private final Outbox outbox;
    private final SeenEvents seen;
    private final Cooldown cooldown;
    private final DeferredAlerts deferred;
    private final BreakerJobs breakerJobs;
    private final boolean breakerConfigured;

    public AlertPolicy(
            AlertDefaults defaults,
            Map<String, Notifier> notifiers,
            Outbox outbox,
            SeenEvents seen,
            Cooldown cooldown,
            DeferredAlerts deferred,
            BreakerJobs breakerJobs,
            boolean breakerConfigured) {
        this.defaults = defaults;
        this.notifiers = new LinkedHashMap<>(notifiers);
        this.outbox = outbox;
        this.seen = seen;
        this.cooldown = cooldown;
        this.deferred = deferred;
        this.breakerJobs = breakerJobs;
        this.breakerConfigured = breakerConfigured;
    }

    /** Plans every alert of one webhook; call inside a write transaction. */
    public void accept(Handle h, List<AlertEvent> events, Instant now, Tally tally) {
        for (AlertEvent event : events) {
            tally.received(event.status());
            if (!seen.firstSighting(h, event.eventKey(), now)) {
                tally.suppressed("duplicate");
                continue;
            }
            process(h, event, Optional.empty(), now, tally);
        }
    }

    /**
     * Applies window, breaker, cooldown and resolved rules to one event; {@code heldSince} is set when the event
     * waited for its window (the deferred scheduler calls this when the window opens).
     */
    public void process(Handle h, AlertEvent event, Optional<Instant> heldSince, Instant now, Tally tally) {
        PolicyLabels policy = PolicyLabels.of(event.labels(), defaults);
        if (!policy.window().isOpen(now, policy.zone())) {
            defer(h, event, now, tally);
            return;
        }
        deferred.remove(h, event.alertKey());
        if (!event.firing()) {
            announceResolved(h, event, policy, heldSince, now, tally);
            return;
        }
        List<String> notes = new ArrayList<>();
        heldSince.ifPresent(since -> notes.add(heldNote(since, policy.zone())));
        if (policy.action() == Action.DISABLE_CHANNEL) {
            if (policy.channelId().isEmpty()) {
                notes.add(language()
                        .pick("熔断未执行：告警没有 channel_id 标签", "Breaker not run: the alert has no channel_id label"));
            } else if (!breakerConfigured) {
                notes.add(language().pick("熔断未执行：未配置 SQL_DSN", "Breaker not run: SQL_DSN is not set"));
            } else {
                breakerJobs.add(h, event, heldSince, now); // the breaker worker announces with its outcome
                tally.enqueued(1); // wakes the workers after the commit
                return;
            }
        }
        announceFiring(h, event, policy, notes, false, now, tally);
    }

    private void defer(Handle h, AlertEvent event, Instant now, Tally tally) {
        tally.suppressed("inactive_window");
        if (event.firing() || !cooldown.announcedTargets(h, event.alertKey()).isEmpty()) {
            deferred.put(h, event, now);
        } else {
            // Fired and resolved while the window was closed: there is nothing left to say.
            deferred.remove(h, event.alertKey());
        }
    }

    /**
     * Queues the firing message for each of the alert's targets outside their cooldown; {@code forced} skips the
     * cooldown (the breaker just changed something, which is news).
     */
    public void announceFiring(
            Handle h,
            AlertEvent event,
            PolicyLabels policy,
            List<String> notes,
            boolean forced,
            Instant now,
            Tally tally) {
        Notification notification = event.toNotification(policy, notes, language());
        for (String target : targets(policy, tally)) {
            if (!forced && cooldown.active(h, event.alertKey(), target, policy.cooldown(), now)) {
                tally.suppressed("cooldown");
                continue;
            }
            List<String> parts = notifiers.get(target).render(notification);
            outbox.enqueue(h, target, event.alertKey(), event.status(), parts, now);
            cooldown.markFiring(h, event.alertKey(), target, now);
            tally.enqueued(parts.size());
        }
    }

    private void announceResolved(
            Handle h, AlertEvent event, PolicyLabels policy, Optional<Instant> heldSince, Instant now, Tally tally) {
        List<String> announced = cooldown.announcedTargets(h, event.alertKey());
        for (String target : targets(policy, tally)) {
            if (!announced.contains(target)) {
                tally.suppressed("not_announced");
            }
        }
        List<String> notes =
                heldSince.map(since -> List.of(heldNote(since, policy.zone()))).orElse(List.of());
        Notification notification = event.toNotification(policy, notes, language());
        for (String target : announced) {
            // Told it fired, so owed the resolution, even if the notify label changed in between.
            Notifier notifier = notifiers.get(target);
            if (notifier == null) {
                tally.suppressed("unknown_target");
                continue;
            }
            List<String> parts = notifier.render(notification);
            outbox.enqueue(h, target, event.alertKey(), event.status(), parts, now);
            cooldown.markResolved(h, event.alertKey(), target);
            tally.enqueued(parts.size());
        }
    }

    /** The alert's known targets in configuration order; unknown names are counted and skipped. */
    private List<String> targets(PolicyLabels policy, Tally tally) {
        if (policy.targets().isEmpty()) {
            return List.copyOf(notifiers.keySet());
        }
        List<String> known = new ArrayList<>();
        for (String name : policy.targets()) {
            if (notifiers.containsKey(name)) {
                known.add(name);
            } else {
                tally.suppressed("unknown_target");
            }
        }
        return known;
    }

    /** The note on an alert that waited for its active window (the breaker worker adds it too). */
    String heldNote(Instant since, ZoneId zone) {
        String at = HELD_TIME.format(since.atZone(zone));
        return language()
                .pick(
                        "自 " + at + " 起因不在通知时段内而暂缓，时段开始后发送",
                        "Held since " + at + " outside the active window; sent now that it is open");
    }

    /** The language of messages. */
    public Language language() {
        return defaults.language();
    }

    /** The configured defaults, for the schedulers. */
    public AlertDefaults defaults() {
        return defaults;
    }
}
