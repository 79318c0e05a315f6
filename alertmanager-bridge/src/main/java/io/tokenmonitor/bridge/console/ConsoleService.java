package io.tokenmonitor.bridge.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmonitor.bridge.breaker.Breaker;
import io.tokenmonitor.bridge.breaker.BreakerAudit;
import io.tokenmonitor.bridge.breaker.BreakerOutcome;
import io.tokenmonitor.bridge.notify.Notification;
import io.tokenmonitor.bridge.notify.Notifier;
import io.tokenmonitor.bridge.notify.SendRate;
import io.tokenmonitor.bridge.notify.TargetConfig;
import io.tokenmonitor.bridge.notify.TargetNotifiers;
import io.tokenmonitor.bridge.outbox.Outbox;
import io.tokenmonitor.bridge.outbox.WorkSignal;
import io.tokenmonitor.bridge.policy.AlertDefaults;
import io.tokenmonitor.bridge.policy.DeferredAlerts;
import io.tokenmonitor.bridge.policy.PolicyLabels;
import io.tokenmonitor.bridge.state.StateStore;
import io.tokenmonitor.common.time.ActiveWindow;
import io.tokenmonitor.common.time.PromDuration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the console API does, apart from HTTP: reads the state store for people, and the four actions (test
 * message, retry and discard of a dead letter, re-enable of a channel the breaker disabled), each audited in
 * {@code console_audit} with who asked, from where, and the outcome.
 */
public final class ConsoleService {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleService.class);
    /** How far ahead a deferred alert's window opening is looked for: a week covers every weekday pattern. */
    private static final Duration WINDOW_HORIZON = Duration.ofDays(8);
    /** Platforms a target can be defined for from environment variables alone, and how. */
    private static final Map<String, String> ENV_PLATFORMS = Map.of(
            "telegram", "set TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID",
            "feishu", "set FEISHU_WEBHOOK (and FEISHU_SECRET when the bot signs)",
            "wecom", "set WECOM_WEBHOOK");

    /** A configured target, what the console needs of it. */
    public record Target(TargetConfig config, Notifier notifier, WorkSignal signal) {}

    private final StateStore store;
    private final Outbox outbox;
    private final Map<String, Target> targets;
    private final Optional<Breaker> breaker;
    private final boolean dryRun;
    private final AlertDefaults defaults;
    private final DeferredAlerts deferred;
    private final ObjectMapper json;
    private final Clock clock;
    private final ConsoleQueries queries = new ConsoleQueries();
    private final BreakerAudit breakerAudit = new BreakerAudit();

    public ConsoleService(
            StateStore store,
            Outbox outbox,
            Map<String, Target> targets,
            Optional<Breaker> breaker,
            boolean dryRun,
            AlertDefaults defaults,
            ObjectMapper json,
            Clock clock) {
        this.store = store;
        this.outbox = outbox;
        this.targets = Map.copyOf(targets);
        this.breaker = breaker;
        this.dryRun = dryRun;
        this.defaults = defaults;
        this.deferred = new DeferredAlerts(json);
        this.json = json;
        this.clock = clock;
    }

    /** A body with a status other than 200. */
    record Reply(int status, ObjectNode body) {}

    ObjectMapper json() {
        return json;
    }

    /** Every configured target (never a secret: name, platform, limits and counts), then the ones not configured. */
    ObjectNode targets() {
        Map<String, ConsoleQueries.Counts> counts = store.read(queries::counts);
        ObjectNode out = json.createObjectNode();
        ArrayNode list = out.putArray("targets");
        targets.keySet().stream().sorted().forEach(name -> {
            Target t = targets.get(name);
            ObjectNode n = list.addObject();
            n.put("name", name);
            n.put("platform", t.notifier().platform());
            n.put("configured", true);
            ArrayNode rates = n.putArray("sendRate");
            for (SendRate r : TargetNotifiers.rateLimit(t.config())) {
                rates.addObject().put("count", r.count()).put("per", PromDuration.format(r.per()));
            }
            ConsoleQueries.Counts c = counts.getOrDefault(name, new ConsoleQueries.Counts(0, 0));
            n.put("pending", c.pending());
            n.put("dead", c.dead());
        });
        ENV_PLATFORMS.keySet().stream()
                .sorted()
                .filter(p -> targets.values().stream()
                        .noneMatch(t -> t.notifier().platform().equals(p)))
                .forEach(p -> list.addObject()
                        .put("name", p)
                        .put("platform", p)
                        .put("configured", false)
                        .put("howTo", ENV_PLATFORMS.get(p)));
        return out;
    }

    /** Queues the sample message for {@code name} through the outbox, as an alert would be; 202 with its ids. */
    ObjectNode test(String name, Actor actor) {
        Target target = targets.get(name);
        if (target == null) {
            throw new ApiError(404, "no target \"" + name + "\"; configured: " + String.join(", ", targets.keySet()));
        }
        Instant now = clock.instant();
        List<String> parts = target.notifier().render(Notification.sample(defaults.language(), defaults.zone(), now));
        String key = "console-test-" + UUID.randomUUID();
        List<Long> ids = store.write(h -> {
            outbox.enqueue(h, name, key, "test", parts, now);
            List<Long> queued = queries.idsOf(h, key);
            queries.audit(h, now, actor, "test", "target " + name, "queued", "delivery " + queued.get(0));
            return queued;
        });
        target.signal().signal();
        LOG.info("console: {} queued a test message to {} (delivery {})", actor.user(), name, ids.get(0));
        ObjectNode out = json.createObjectNode();
        out.put("target", name);
        out.put("delivery", ids.get(0));
        ids.forEach(out.putArray("deliveries")::add);
        return out;
    }

    ObjectNode deliveries(Optional<String> state, Optional<String> target, int limit, int offset) {
        ObjectNode out = json.createObjectNode();
        ArrayNode list = out.putArray("deliveries");
        store.read(h -> queries.deliveries(h, state, target, limit, offset))
                .forEach(d -> delivery(list.addObject(), d));
        out.put("limit", limit);
        out.put("offset", offset);
        return out;
    }

    ObjectNode delivery(long id) {
        return delivery(
                json.createObjectNode(),
                store.read(h -> queries.delivery(h, id)).orElseThrow(() -> noDelivery(id)));
    }

    private static ApiError noDelivery(long id) {
        return new ApiError(404, "no delivery " + id);
    }

    private static ObjectNode delivery(ObjectNode n, ConsoleQueries.DeliveryRow d) {
        n.put("id", d.id());
        n.put("target", d.target());
        n.put("alertKey", d.alertKey());
        n.put("alertStatus", d.alertStatus());
        n.put("part", d.part());
        n.put("parts", d.parts());
        n.put("message", d.message());
        n.put("state", d.state());
        n.put("attempts", d.attempts());
        n.put("lastError", d.lastError().orElse(null));
        n.put("created", d.created().toString());
        n.put("nextAttempt", d.state().equals("pending") ? d.nextAttempt().toString() : null);
        n.put("done", d.done().map(Instant::toString).orElse(null));
        return n;
    }

    /** A dead letter goes back to its target's queue, due now; 409 if it is not dead. */
    ObjectNode retry(long id, Actor actor) {
        Instant now = clock.instant();
        ConsoleQueries.DeliveryRow row = store.write(h -> {
            ConsoleQueries.DeliveryRow d = deadLetter(h, id);
            queries.retry(h, id, now);
            queries.audit(h, now, actor, "retry", "delivery " + id, "queued", "to " + d.target());
            return d;
        });
        Target target = targets.get(row.target());
        if (target != null) {
            target.signal().signal();
        }
        LOG.info("console: {} retried dead letter {} to {}", actor.user(), id, row.target());
        ObjectNode out = delivery(id);
        if (target == null) {
            out.put("warning", "target " + row.target() + " is no longer configured; it stays pending");
        }
        return out;
    }

    /** A dead letter is deleted (the audit keeps what it was); 409 if it is not dead. */
    ObjectNode discard(long id, Actor actor) {
        Instant now = clock.instant();
        ConsoleQueries.DeliveryRow row = store.write(h -> {
            ConsoleQueries.DeliveryRow d = deadLetter(h, id);
            queries.discard(h, id);
            queries.audit(
                    h,
                    now,
                    actor,
                    "discard",
                    "delivery " + id,
                    "discarded",
                    "to " + d.target() + ", alert " + d.alertKey() + " (" + d.alertStatus() + ")");
            return d;
        });
        LOG.info("console: {} discarded dead letter {} to {}", actor.user(), id, row.target());
        ObjectNode out = json.createObjectNode();
        out.put("id", id);
        out.put("state", "discarded");
        out.put("target", row.target());
        return out;
    }

    private ConsoleQueries.DeliveryRow deadLetter(org.jdbi.v3.core.Handle h, long id) {
        ConsoleQueries.DeliveryRow d = queries.delivery(h, id).orElseThrow(() -> noDelivery(id));
        if (!d.state().equals("dead")) {
            throw new ApiError(
                    409,
                    "delivery " + id + " is " + d.state() + ", not dead; only dead letters can be "
                            + "retried or discarded");
        }
        return d;
    }

    ObjectNode breakerActions(int limit, int offset) {
        ObjectNode out = json.createObjectNode();
        out.put("breaker", breaker.isPresent());
        out.put("dryRun", dryRun);
        ArrayNode list = out.putArray("actions");
        store.read(h -> {
            Map<io.tokenmonitor.bridge.breaker.Target, Boolean> ours = new LinkedHashMap<>();
            for (ConsoleQueries.BreakerRow r : queries.breakerActions(h, limit, offset)) {
                ObjectNode n = list.addObject();
                n.put("id", r.id());
                n.put("at", r.at().toString());
                n.put("action", r.action());
                n.put("target", r.target().kind().label());
                n.put("targetId", r.target().id());
                if (r.target().kind() == io.tokenmonitor.bridge.breaker.Target.Kind.CHANNEL) {
                    n.put("channelId", r.target().id()); // the field before keys and users (issue 15)
                }
                n.put("alertKey", r.alertKey().orElse(null));
                n.put("alertname", r.alertName().orElse(null));
                n.put("statusBefore", r.statusBefore().orElse(null));
                n.put("statusAfter", r.statusAfter().orElse(null));
                n.put("result", r.result());
                n.put("detail", r.detail().orElse(null));
                boolean enableable = breaker.isPresent()
                        && r.action().equals("disable")
                        && r.result().equals("disabled")
                        && ours.computeIfAbsent(r.target(), t -> breakerAudit.disabledByBreaker(h, t));
                n.put("canEnable", enableable);
            }
            return null;
        });
        out.put("limit", limit);
        out.put("offset", offset);
        return out;
    }

    /**
     * Re-enables a channel, key or user the breaker disabled: the checks of {@link Breaker#enable} (for channels
     * exactly the CLI's {@code enable-channel}), audited in breaker_audit and in the console's audit.
     */
    Reply enable(io.tokenmonitor.bridge.breaker.Target target, Actor actor) {
        Breaker b = breaker.orElseThrow(
                () -> new ApiError(404, "the breaker is off: no gateway database (set SQL_DSN or breaker.sql_dsn)"));
        BreakerOutcome outcome = b.enable(target);
        Instant now = clock.instant();
        String subject = target.kind().label() + " " + target.id();
        store.write(h ->
                queries.audit(h, now, actor, "enable", subject, outcome.result().label(), outcome.detail()));
        LOG.info(
                "console: {} asked to enable {}: {}{}",
                actor.user(),
                target,
                outcome.result().label(),
                outcome.detail().isEmpty() ? "" : " - " + outcome.detail());
        ObjectNode out = json.createObjectNode();
        out.put("target", target.kind().label());
        out.put(
                target.kind() == io.tokenmonitor.bridge.breaker.Target.Kind.CHANNEL ? "channelId" : "targetId",
                target.id());
        outcome.name().ifPresent(name -> out.put("name", name));
        out.put("result", outcome.result().label());
        out.put("detail", outcome.detail());
        out.put("statusBefore", outcome.statusBefore().orElse(null));
        out.put("statusAfter", outcome.statusAfter().orElse(null));
        out.put("dryRun", dryRun);
        int status = switch (outcome.result()) {
            case ENABLED -> 200;
            case NOT_FOUND -> 404;
            case FAILED -> 502;
            default -> 409;
        };
        if (status != 200) {
            out.put(
                    "error",
                    subject + ": " + outcome.result().label()
                            + (outcome.detail().isEmpty() ? "" : " - " + outcome.detail()));
        }
        return new Reply(status, out);
    }

    /** Alerts waiting for their active window (and when it opens), and the cooldowns in force (and until when). */
    ObjectNode held() {
        Instant now = clock.instant();
        ObjectNode out = json.createObjectNode();
        ArrayNode waiting = out.putArray("deferred");
        for (DeferredAlerts.Deferred d : store.read(deferred::all)) {
            PolicyLabels policy = PolicyLabels.of(d.event().labels(), defaults);
            ObjectNode n = waiting.addObject();
            n.put("alertKey", d.event().alertKey());
            n.put("alertname", d.event().alertName());
            n.put("status", d.event().status());
            n.put("active", policy.window().toString());
            n.put("timezone", policy.zone().getId());
            n.put("since", d.since().toString());
            n.put("lastSeen", d.lastSeen().toString());
            n.put("until", opening(policy, now).map(Instant::toString).orElse(null));
        }
        // The cooldown of each alert is its label's; the table keeps only when it fired, so the default applies.
        Duration cooldown = defaults.cooldown();
        ArrayNode cooling = out.putArray("cooldowns");
        out.put("defaultCooldown", PromDuration.format(cooldown));
        for (ConsoleQueries.NotifiedRow r : store.read(h -> queries.notifiedSince(h, now.minus(cooldown)))) {
            cooling.addObject()
                    .put("alertKey", r.alertKey())
                    .put("target", r.target())
                    .put("lastFiring", r.lastFiring().toString())
                    .put("until", r.lastFiring().plus(cooldown).toString())
                    .put("announced", r.announced());
        }
        return out;
    }

    /** The next minute at which the window is open (windows are whole minutes), within a week. */
    private static Optional<Instant> opening(PolicyLabels policy, Instant now) {
        ActiveWindow window = policy.window();
        Instant t = now.truncatedTo(ChronoUnit.MINUTES);
        for (Instant end = now.plus(WINDOW_HORIZON); t.isBefore(end); t = t.plus(1, ChronoUnit.MINUTES)) {
            if (window.isOpen(t, policy.zone())) {
                return Optional.of(t.isBefore(now) ? now : t);
            }
        }
        return Optional.empty();
    }

    ObjectNode audit(int limit, int offset) {
        ObjectNode out = json.createObjectNode();
        ArrayNode list = out.putArray("audit");
        for (ConsoleQueries.AuditRow r : store.read(h -> queries.auditLog(h, limit, offset))) {
            list.addObject()
                    .put("id", r.id())
                    .put("at", r.at().toString())
                    .put("user", r.user())
                    .put("client", r.client())
                    .put("action", r.action())
                    .put("subject", r.subject())
                    .put("result", r.result())
                    .put("detail", r.detail().orElse(null));
        }
        out.put("limit", limit);
        out.put("offset", offset);
        return out;
    }
}
