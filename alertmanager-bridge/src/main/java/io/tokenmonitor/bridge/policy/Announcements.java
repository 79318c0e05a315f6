package io.tokenmonitor.bridge.policy;

import io.tokenmonitor.bridge.notify.Notification;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages one policy pass decided to send, per target in arrival order. They are queued together at the end of
 * the pass (same transaction), so a target that groups gets one message for all of them: only alerts that passed
 * window, cooldown and breaker rules are in it.
 */
final class Announcements {
    /** One alert's message for one target. */
    record Planned(String alertKey, String status, Notification notification) {}

    private final Map<String, List<Planned>> byTarget = new LinkedHashMap<>();

    void add(String target, AlertEvent event, Notification notification) {
        byTarget.computeIfAbsent(target, t -> new ArrayList<>())
                .add(new Planned(event.alertKey(), event.status(), notification));
    }

    Map<String, List<Planned>> byTarget() {
        return byTarget;
    }
}
