package io.tokenmonitor.bridge.policy;

import io.tokenmonitor.bridge.notify.Language;
import io.tokenmonitor.bridge.notify.Notification;
import io.tokenmonitor.bridge.notify.Notifier;
import io.tokenmonitor.bridge.outbox.Outbox;
import io.tokenmonitor.bridge.state.ReceivedAlerts;
import io.tokenmonitor.common.alert.Action;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Decides, per alert, what to send to whom, and queues it, inside the caller's transaction:
 * duplicates are absorbed; outside its active window an alert waits (and is neither announced nor acted on);
 * firing messages respect the cooldown per alert × target; resolved messages go only to targets told it fired;
 * alerts that ask for the breaker go to the breaker queue, which announces them with its outcome.
 * What passes is queued at the end of the pass: to a target that groups, several alerts become one message
 * (a count line, then one line per alert), so an alert storm costs one rate-limited send instead of one per alert.
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
    private final Set<String> ungrouped;
    /** What was accepted, for the digests' "alerts that fired". */
    private final ReceivedAlerts received = new ReceivedAlerts();

    /** Every target groups (the default). */
    public AlertPolicy(
            AlertDefaults defaults,
            Map<String, Notifier> notifiers,
            Outbox outbox,
            SeenEvents seen,
            Cooldown cooldown,
            DeferredAlerts deferred,
            BreakerJobs breakerJobs,
            boolean breakerConfigured) {
        this(defaults, notifiers, outbox, seen, cooldown, deferred, breakerJobs, breakerConfigured, Set.of());
    }

    /** {@code ungrouped}: the targets that get one message per alert even when a group holds several. */
    public AlertPolicy(
            AlertDefaults defaults,
            Map<String, Notifier> notifiers,
            Outbox outbox,
            SeenEvents seen,
            Cooldown cooldown,
            DeferredAlerts deferred,
            BreakerJobs breakerJobs,
            boolean breakerConfigured,
            Set<String> ungrouped) {
        this.ungrouped = Set.copyOf(ungrouped);
        this.defaults = defaults;
        this.notifiers = new LinkedHashMap<>(notifiers);
        this.outbox = outbox;
        this.seen = seen;
        this.cooldown = cooldown;
        this.deferred = deferred;
        this.breakerJobs = breakerJobs;
        this.breakerConfigured = breakerConfigured;
    }

    /** Plans every alert of one webhook; call inside a write transaction. The group is named by its alerts' labels. */
    public void accept(Handle h, List<AlertEvent> events, Instant now, Tally tally) {
        accept(h, "", commonLabels(events), events, now, tally);
    }

    /**
     * Plans every alert of one Alertmanager notification group ({@code groupKey}, {@code groupLabels}) and queues
     * what passes, one message per target for the group; call inside a write transaction.
     */
    public void accept(
            Handle h,
            String groupKey,
            Map<String, String> groupLabels,
            List<AlertEvent> events,
            Instant now,
            Tally tally) {
        Announcements planned = new Announcements();
        for (AlertEvent event : events) {
            tally.received(event.status());
            if (!seen.firstSighting(h, event.eventKey(), now)) {
                tally.suppressed("duplicate");
                continue;
            }
            received.record(h, event.alertName(), event.status(), event.labels().getOrDefault("severity", ""), now);
            process(h, event, Optional.empty(), now, tally, planned);
        }
        queue(h, planned, groupKey, groupLabels, now, tally);
    }

    /**
     * Applies window, breaker, cooldown and resolved rules to one event, adding what passes to {@code planned}; the
     * caller queues it with {@link #queue}. {@code heldSince} is set when the event waited for its window (the
     * deferred scheduler calls this when the window opens).
     */
    void process(
            Handle h, AlertEvent event, Optional<Instant> heldSince, Instant now, Tally tally, Announcements planned) {
        PolicyLabels policy = PolicyLabels.of(event.labels(), defaults);
        if (!policy.window().isOpen(now, policy.zone())) {
            defer(h, event, now, tally);
            return;
        }
        deferred.remove(h, event.alertKey());
        if (!event.firing()) {
            announceResolved(h, event, policy, heldSince, now, tally, planned);
            return;
        }
        List<String> notes = new ArrayList<>();
        heldSince.ifPresent(since -> notes.add(heldNote(since, policy.zone())));
        if (policy.action() != Action.NOTIFY) {
            String label = policy.breakerLabel().orElseThrow().label();
            if (policy.breakerTarget().isEmpty()) {
                notes.add(language()
                        .pick("熔断未执行：告警没有 " + label + " 标签", "Breaker not run: the alert has no " + label + " label"));
            } else if (!breakerConfigured) {
                notes.add(language().pick("熔断未执行：未配置 SQL_DSN", "Breaker not run: SQL_DSN is not set"));
            } else {
                breakerJobs.add(h, event, heldSince, now); // the breaker worker announces with its outcome
                tally.enqueued(1); // wakes the workers after the commit
                return;
            }
        }
        plan(h, event, policy, notes, false, now, tally, planned);
    }

    /**
     * Queues the planned messages: per target, one group message when the target groups and holds several, else
     * one message per alert. The outbox rows join the caller's transaction with the cooldown marks, so a crash
     * leaves either both or neither: nothing is lost or sent twice.
     */
    void queue(
            Handle h,
            Announcements planned,
            String groupKey,
            Map<String, String> groupLabels,
            Instant now,
            Tally tally) {
        planned.byTarget().forEach((target, messages) -> {
            Notifier notifier = notifiers.get(target);
            if (messages.size() > 1 && !ungrouped.contains(target)) {
                List<Notification.Entry> entries =
                        messages.stream().map(m -> entry(m.notification())).toList();
                Notification group = Notification.group(groupLabels, entries, now, defaults.zone(), language());
                List<String> parts = notifier.render(group);
                String status = group.kind() == Notification.Kind.FIRING ? "firing" : "resolved";
                outbox.enqueue(h, target, groupId(groupKey, messages), status, parts, now);
                tally.enqueued(parts.size());
                return;
            }
            for (Announcements.Planned m : messages) {
                List<String> parts = notifier.render(m.notification());
                outbox.enqueue(h, target, m.alertKey(), m.status(), parts, now);
                tally.enqueued(parts.size());
            }
        });
    }

    /** One line of a group message; the alert's notes (held, bad labels) follow its summary. */
    private static Notification.Entry entry(Notification n) {
        String summary = n.summary();
        if (!n.notes().isEmpty()) {
            summary = (summary.isBlank() ? "" : summary + " ") + "(" + String.join("; ", n.notes()) + ")";
        }
        return new Notification.Entry(n.kind(), n.alertName(), n.severity(), summary, n.labels());
    }

    /** The outbox's alert_key of a group message: {@code group:} and a short hash of the group and its alerts. */
    private static String groupId(String groupKey, List<Announcements.Planned> messages) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(groupKey.getBytes(StandardCharsets.UTF_8));
            for (Announcements.Planned m : messages) {
                sha.update((byte) 0);
                sha.update(m.alertKey().getBytes(StandardCharsets.UTF_8));
            }
            return "group:" + HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The labels all events share, naming a group that Alertmanager did not name (alerts released together). */
    static Map<String, String> commonLabels(List<AlertEvent> events) {
        if (events.isEmpty()) {
            return Map.of();
        }
        Map<String, String> common = new LinkedHashMap<>(events.get(0).labels());
        for (AlertEvent e : events) {
            common.entrySet().removeIf(l -> !l.getValue().equals(e.labels().get(l.getKey())));
        }
        return common;
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
        Announcements planned = new Announcements();
        plan(h, event, policy, notes, forced, now, tally, planned);
        queue(h, planned, "", event.labels(), now, tally);
    }

    private void plan(
            Handle h,
            AlertEvent event,
            PolicyLabels policy,
            List<String> notes,
            boolean forced,
            Instant now,
            Tally tally,
            Announcements planned) {
        Notification notification = event.toNotification(policy, notes, language());
        for (String target : targets(policy, tally)) {
            if (!forced && cooldown.active(h, event.alertKey(), target, policy.cooldown(), now)) {
                tally.suppressed("cooldown");
                continue;
            }
            planned.add(target, event, notification);
            cooldown.markFiring(h, event.alertKey(), target, now);
        }
    }

    private void announceResolved(
            Handle h,
            AlertEvent event,
            PolicyLabels policy,
            Optional<Instant> heldSince,
            Instant now,
            Tally tally,
            Announcements planned) {
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
            if (!notifiers.containsKey(target)) {
                tally.suppressed("unknown_target");
                continue;
            }
            planned.add(target, event, notification);
            cooldown.markResolved(h, event.alertKey(), target);
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
