package io.tokenmonitor.bridge.digest;

import io.tokenmonitor.bridge.notify.Language;
import io.tokenmonitor.bridge.notify.Notification;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Words a {@link DigestReport} as a {@link Notification#digest}, in the bridge's language. */
public final class DigestMessage {
    /** Breaker actions listed one by one; the rest are counted, so a busy day does not flood the digest. */
    static final int MAX_ACTIONS = 10;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    private DigestMessage() {}

    public static Notification of(DigestReport r, ZoneId zone, Language l, Instant now) {
        String kind = r.period().kind() == DigestSchedule.Kind.DAILY
                ? l.pick("每日摘要", "Daily digest")
                : l.pick("每周摘要", "Weekly digest");
        String title = kind + " " + TIME.format(r.period().start().atZone(zone)) + " – "
                + TIME.format(r.period().end().atZone(zone)) + " (" + zone.getId() + ")";
        List<String> lines = new ArrayList<>();
        if (r.unavailable().isPresent()) {
            lines.add(heading(l.pick("花费与用量", "Spend and tokens")));
            lines.add("⚠ "
                    + l.pick(
                            "无法查询 Prometheus，本摘要不含花费、用量和预算：",
                            "Prometheus could not be queried, so" + " this digest has no spend, tokens or budgets: ")
                    + r.unavailable().get());
        } else {
            lines.add(heading(l.pick("花费与用量", "Spend and tokens")));
            lines.add(l.pick("合计", "Total") + ": " + amounts(r.byChannel().total(), l));
            usage(lines, l.pick("按渠道", "By channel"), r.byChannel(), l);
            usage(lines, l.pick("按模型", "By model"), r.byModel(), l);
            lines.add(heading(l.pick("预算（≥ 80 %）", "Budgets (≥ 80 %)")));
            if (r.budgets().isEmpty()) {
                lines.add(l.pick("没有预算接近上限", "No budget is near its limit"));
            }
            for (DigestReport.Budget b : r.budgets()) {
                boolean over = b.ratio() >= 1;
                lines.add((over ? "🔴 " : "🟠 ") + b.name() + ": "
                        + String.format(Locale.ROOT, "%.1f %%", b.ratio() * 100) + " ("
                        + number(b.used()) + " / " + number(b.limit())
                        + (b.unit().isEmpty() ? "" : " " + b.unit())
                        + ")" + (over ? " " + l.pick("已超限", "over the limit") : ""));
            }
        }
        lines.add(heading(l.pick("熔断操作", "Breaker actions")));
        if (r.breakerActions().isEmpty()) {
            lines.add(l.pick("无", "None"));
        }
        r.breakerActions().stream()
                .limit(MAX_ACTIONS)
                .forEach(a -> lines.add(TIME.format(a.at().atZone(zone)) + " "
                        + a.action() + " " + noun(a.target(), l) + " #" + a.targetId() + " (" + a.result() + ")"
                        + (a.alertName().isEmpty() ? "" : " — " + a.alertName())));
        if (r.breakerActions().size() > MAX_ACTIONS) {
            int more = r.breakerActions().size() - MAX_ACTIONS;
            lines.add(l.pick("… 另有 " + more + " 条", "… " + more + " more"));
        }
        lines.add(heading(l.pick("触发的告警", "Alerts that fired")));
        if (r.fired().isEmpty()) {
            lines.add(l.pick("无", "None"));
        }
        r.fired().entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> lines.add(e.getKey() + " × " + e.getValue()));
        return Notification.digest(title, lines, now, zone, l);
    }

    private static void usage(List<String> lines, String caption, DigestReport.Usage u, Language l) {
        lines.add(heading(caption));
        if (u.top().isEmpty()) {
            lines.add(l.pick("本期无用量", "No usage in the period"));
        }
        for (int i = 0; i < u.top().size(); i++) {
            DigestReport.Row row = u.top().get(i);
            lines.add((i + 1) + ". " + (row.name().isEmpty() ? "?" : row.name()) + ": " + amounts(row, l));
        }
        u.others()
                .ifPresent(o -> lines.add(l.pick("其他（" + u.othersCount() + " 个）", "Others (" + u.othersCount() + ")")
                        + ": " + amounts(o, l)));
    }

    private static String amounts(DigestReport.Row row, Language l) {
        return String.format(Locale.ROOT, "$%,.2f", row.usd()) + " · "
                + String.format(Locale.ROOT, "%,d", Math.round(row.tokens())) + " " + l.pick("tokens", "tokens");
    }

    private static String number(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : String.format(Locale.ROOT, "%,.2f", v);
    }

    private static String heading(String text) {
        return Notification.DIGEST_HEADING + text;
    }

    private static String noun(String target, Language l) {
        return switch (target) {
            case "token" -> l.pick("令牌", "key");
            case "user" -> l.pick("用户", "user");
            default -> l.pick("渠道", "channel");
        };
    }
}
