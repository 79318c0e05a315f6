package io.tokenmonitor.exporter.budget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tokenmonitor.common.alert.Action;
import io.tokenmonitor.common.alert.ChannelId;
import io.tokenmonitor.common.alert.Severity;
import io.tokenmonitor.common.alert.TargetName;
import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.common.time.ActiveWindow;
import io.tokenmonitor.common.time.IanaZone;
import io.tokenmonitor.common.time.PromDuration;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The exporter's YAML config file ({@code --config} / {@code CONFIG_FILE}): the time zone and the
 * budgets (docs/alert-labels.md). Every mistake is reported with the path of the key, such as
 * {@code budgets[2].window: "calender_day" is not a window; use 1h … 30d, calendar_day, calendar_month or {from, to}}.
 */
public record BudgetConfig(ZoneId zone, List<Budget> budgets) {

    private static final Set<String> TOP_KEYS = Set.of("timezone", "budgets");
    private static final Set<String> BUDGET_KEYS = Set.of(
            "name", "model", "channel_id", "window", "limit", "notify", "action", "active", "cooldown", "severity");
    private static final Map<String, Duration> ROLLING = Map.of(
            "1h",
            Duration.ofHours(1),
            "6h",
            Duration.ofHours(6),
            "12h",
            Duration.ofHours(12),
            "24h",
            Duration.ofHours(24),
            "48h",
            Duration.ofHours(48),
            "72h",
            Duration.ofHours(72),
            "7d",
            Duration.ofDays(7),
            "30d",
            Duration.ofDays(30));
    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9_.:\\-]{1,100}$");
    private static final String WINDOWS =
            "use 1h, 6h, 12h, 24h, 48h, 72h, 7d, 30d, calendar_day, calendar_month or {from, to}";

    public BudgetConfig {
        budgets = List.copyOf(budgets);
    }

    /** No budgets, calendar windows in the machine's zone. */
    public static BudgetConfig empty() {
        return new BudgetConfig(ZoneId.systemDefault(), List.of());
    }

    /**
     * Parses the YAML text of a config file.
     *
     * @param source the file name, for messages
     * @throws ConfigException naming the file, the key and what a right value looks like
     */
    public static BudgetConfig parse(String yaml, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException(source + ": not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return empty();
        }
        if (!root.isObject()) {
            throw new ConfigException(source + ": expected a mapping with keys timezone, budgets");
        }
        unknownKeys(root, TOP_KEYS, source + ": unknown key \"%s\" at top level; known keys: timezone, budgets");
        ZoneId zone = root.has("timezone")
                ? IanaZone.parse(source + ": timezone", root.get("timezone").asText())
                : ZoneId.systemDefault();
        List<Budget> budgets = new ArrayList<>();
        JsonNode list = root.path("budgets");
        if (!list.isMissingNode() && !list.isNull() && !list.isArray()) {
            throw new ConfigException(source + ": budgets: expected a list of budgets");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Budget budget = budget(list.get(i), source + ": budgets[" + i + "]", zone);
            if (!names.add(budget.name())) {
                throw new ConfigException(source + ": budgets[" + i + "].name: \"" + budget.name()
                        + "\" is used twice; names must be unique");
            }
            budgets.add(budget);
        }
        return new BudgetConfig(zone, budgets);
    }

    private static Budget budget(JsonNode node, String at, ZoneId zone) {
        if (!node.isObject()) {
            throw new ConfigException(at + ": expected a mapping with name, window and limit");
        }
        unknownKeys(
                node,
                BUDGET_KEYS,
                at + ": unknown key \"%s\"; known keys: " + String.join(", ", new java.util.TreeSet<>(BUDGET_KEYS)));
        String name = required(node, "name", at);
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException(
                    at + ".name: \"" + name + "\" may only use letters, digits and _ . : - (at most 100)");
        }
        if (node.has("model") && node.has("channel_id")) {
            throw new ConfigException(at
                    + ": give model or channel_id, not both (a budget counts one channel, one model or all traffic)");
        }
        BudgetScope scope = new BudgetScope.All();
        if (node.has("channel_id")) {
            scope = new BudgetScope.Channel(Long.toString(
                    ChannelId.parse(at + ".channel_id", node.get("channel_id").asText())));
        } else if (node.has("model")) {
            scope = new BudgetScope.Model(required(node, "model", at));
        }
        Action action = Action.parse(at + ".action", text(node, "action", Action.NOTIFY.value()));
        if (action == Action.DISABLE_CHANNEL && !(scope instanceof BudgetScope.Channel)) {
            throw new ConfigException(
                    at + ".action: disable_channel needs channel_id; add channel_id or use action: notify");
        }
        String active = text(node, "active", "");
        ActiveWindow.parse(at + ".active", active); // the bridge reads the label with the same grammar
        // Absent: the bridge's default. Written: a duration, which an empty text is not (Prometheus' grammar).
        String cooldown = text(node, "cooldown", "");
        if (node.hasNonNull("cooldown")) {
            PromDuration.parse(at + ".cooldown", cooldown);
        }
        Severity severity = Severity.parse(at + ".severity", text(node, "severity", Severity.WARNING.value()));
        return new Budget(
                name,
                scope,
                window(node.get("window"), at + ".window", zone),
                limit(node.get("limit"), at + ".limit"),
                notify(node.get("notify"), at + ".notify"),
                action.value(),
                active,
                cooldown,
                severity.value());
    }

    private static BudgetWindow window(JsonNode node, String at, ZoneId zone) {
        if (node == null || node.isNull()) {
            throw new ConfigException(at + ": missing; " + WINDOWS);
        }
        if (node.isObject()) {
            unknownKeys(node, Set.of("from", "to"), at + ": unknown key \"%s\"; a custom window has from and to");
            LocalDateTime from = dateTime(node.get("from"), at + ".from", false);
            LocalDateTime to = dateTime(node.get("to"), at + ".to", true);
            if (!from.isBefore(to)) {
                throw new ConfigException(at + ": from must be before to");
            }
            return new BudgetWindow.Fixed(
                    from.atZone(zone).toInstant(), to.atZone(zone).toInstant());
        }
        String text = node.asText();
        if (text.equals("calendar_day")) {
            return new BudgetWindow.CalendarDay();
        }
        if (text.equals("calendar_month")) {
            return new BudgetWindow.CalendarMonth();
        }
        Duration rolling = ROLLING.get(text);
        if (rolling == null) {
            throw new ConfigException(at + ": \"" + text + "\" is not a window; " + WINDOWS);
        }
        return new BudgetWindow.Rolling(rolling, text);
    }

    /**
     * A custom window's end is inclusive to the precision written: "2026-11-30T23:59" ends at
     * 2026-12-01T00:00, "2026-11-30" at the start of the next day.
     */
    private static LocalDateTime dateTime(JsonNode node, String at, boolean inclusiveEnd) {
        String text = node == null ? "" : node.asText().trim();
        try {
            if (text.matches("\\d{4}-\\d{2}-\\d{2}")) {
                LocalDate day = LocalDate.parse(text);
                return (inclusiveEnd ? day.plusDays(1) : day).atStartOfDay();
            }
            if (text.matches("\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}")) {
                LocalDateTime minute = LocalDateTime.parse(text.replace(' ', 'T'));
                return inclusiveEnd ? minute.plusMinutes(1) : minute;
            }
        } catch (DateTimeException e) {
            // reported below
        }
        throw new ConfigException(at + ": \"" + text
                + "\" is not a date and time; write 2026-11-01T00:00 or 2026-11-01 (in the config's timezone)");
    }

    private static BudgetLimit limit(JsonNode node, String at) {
        if (node == null || !node.isObject() || node.size() != 1) {
            throw new ConfigException(at + ": give exactly one of {tokens: N}, {usd: N} or {requests: N}");
        }
        String unit = node.fieldNames().next();
        BudgetLimit.Unit parsed = switch (unit) {
            case "tokens" -> BudgetLimit.Unit.TOKENS;
            case "usd" -> BudgetLimit.Unit.USD;
            case "requests" -> BudgetLimit.Unit.REQUESTS;
            default -> throw new ConfigException(at + ": unknown unit \"" + unit + "\"; use tokens, usd or requests");
        };
        JsonNode amount = node.get(unit);
        if (!amount.isNumber() || amount.asDouble() <= 0) {
            throw new ConfigException(at + "." + unit + ": \"" + amount.asText() + "\" is not a positive number");
        }
        return new BudgetLimit(parsed, amount.asDouble());
    }

    private static List<String> notify(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isArray()) {
            List<String> targets = new ArrayList<>();
            node.forEach(t -> targets.add(t.asText()));
            return TargetName.checkAll(at, targets);
        }
        return TargetName.parseList(at, node.asText());
    }

    private static String required(JsonNode node, String key, String at) {
        String value = text(node, key, "");
        if (value.isEmpty()) {
            throw new ConfigException(at + "." + key + ": missing");
        }
        return value;
    }

    private static String text(JsonNode node, String key, String fallback) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? fallback : value.asText().trim();
    }

    private static void unknownKeys(JsonNode node, Set<String> known, String messageFormat) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw new ConfigException(String.format(messageFormat, key));
            }
        }
    }
}
