package io.tokenmonitor.bridge.notify;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Notification fixtures. */
final class Notifications {
    private Notifications() {}

    static Notification firing(String severity, String description) {
        return new Notification(
                Notification.Kind.FIRING,
                "BudgetExceeded",
                severity,
                Map.of("alertname", "BudgetExceeded", "channel_id", "5", "notify", "telegram", "model", "gpt-4o<mini>"),
                "Budget <gpt-4o> & co over limit",
                description,
                Instant.parse("2026-11-30T02:00:00Z"),
                Optional.empty(),
                List.of(
                        new Notification.Link(Notification.LinkKind.DASHBOARD, "https://grafana.example/d/x?a=1&b=2"),
                        new Notification.Link(
                                Notification.LinkKind.SILENCE, "http://am.example/#/silences/new?filter=%7B%7D")),
                List.of(),
                ZoneId.of("Asia/Shanghai"),
                Language.EN);
    }

    static Notification resolved() {
        return new Notification(
                Notification.Kind.RESOLVED,
                "BudgetExceeded",
                "critical",
                Map.of("alertname", "BudgetExceeded"),
                "ok again",
                "",
                Instant.parse("2026-11-30T02:00:00Z"),
                Optional.of(Instant.parse("2026-11-30T03:00:00Z")),
                List.of(),
                List.of(),
                ZoneId.of("Asia/Shanghai"),
                Language.ZH);
    }
}
