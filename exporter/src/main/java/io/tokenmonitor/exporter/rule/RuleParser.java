package io.tokenmonitor.exporter.rule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmonitor.common.alert.Action;
import io.tokenmonitor.common.alert.ChannelId;
import io.tokenmonitor.common.alert.Severity;
import io.tokenmonitor.common.alert.TargetName;
import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.common.time.ActiveWindow;
import io.tokenmonitor.common.time.PromDuration;
import io.tokenmonitor.exporter.budget.BudgetLimit;
import io.tokenmonitor.exporter.budget.BudgetScope;
import io.tokenmonitor.exporter.budget.BudgetWindow;
import io.tokenmonitor.exporter.store.LatencyColumn;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The one grammar of a rule, for the config file's {@code budgets:} and {@code rules:} and for the
 * API's JSON (docs/alert-labels.md). Every mistake names the field: {@code prefix + field + ": ..."},
 * where the prefix is {@code <file>: rules[2].} for the file and empty for the API.
 */
final class RuleParser {

    /** The keys of a budget under {@code budgets:}: a usage rule without kind and enabled, as before rules existed. */
    private static final Set<String> BUDGET_KEYS = Set.of(
            "name",
            "model",
            "channel_id",
            "token_id",
            "token",
            "user_id",
            "username",
            "group",
            "window",
            "limit",
            "notify",
            "action",
            "active",
            "cooldown",
            "severity");

    /** The keys that choose what a rule watches; at most one of them. */
    private static final List<String> SCOPE_KEYS =
            List.of("channel_id", "model", "token_id", "token", "user_id", "username", "group");

    private static final Set<String> COMMON_KEYS =
            Set.of("name", "kind", "enabled", "notify", "action", "active", "cooldown", "severity", "channel_id");
    private static final Map<RuleKind, Set<String>> KIND_KEYS = Map.of(
            RuleKind.USAGE, withAccountScopes("model", "window", "limit"),
            RuleKind.ERROR_RATIO, withAccountScopes("model", "window", "above", "min_requests"),
            RuleKind.LATENCY, withAccountScopes("model", "window", "above", "min_requests", "metric"),
            RuleKind.SPIKE, withAccountScopes("model", "window", "above", "min_requests", "compare_to"),
            RuleKind.CHANNEL_DOWN, Set.of(),
            RuleKind.SPEND_ANOMALY, withAccountScopes("model", "window", "weeks", "above", "min_usd", "per"));
    private static final String DEFAULT_ANOMALY_WINDOW = "1h";
    private static final int DEFAULT_WEEKS = 2;
    private static final int MAX_WEEKS = 4;
    private static final double DEFAULT_ANOMALY_FACTOR = 3;
    private static final double DEFAULT_MIN_USD = 1;
    private static final Map<RuleKind, Long> MIN_REQUESTS = Map.of(
            RuleKind.ERROR_RATIO, 20L,
            RuleKind.LATENCY, 10L,
            RuleKind.SPIKE, 50L);

    private static final Map<String, Duration> USAGE_WINDOWS =
            windows("1h", "6h", "12h", "24h", "48h", "72h", "7d", "30d");
    private static final Map<String, Duration> SHORT_WINDOWS =
            windows("5m", "10m", "15m", "30m", "1h", "6h", "12h", "24h");
    private static final Map<String, Duration> COMPARE_TO = windows("1d", "7d");
    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9_.:\\-]{1,100}$");
    private static final String USAGE_WINDOW_HINT =
            "use 1h, 6h, 12h, 24h, 48h, 72h, 7d, 30d, calendar_day, calendar_month or {from, to}";
    private static final String SHORT_WINDOW_HINT = "use 5m, 10m, 15m, 30m, 1h, 6h, 12h or 24h";

    private final String prefix;
    private final ZoneId zone;

    /**
     * @param prefix put before every field in messages: {@code <file>: rules[2].} or empty
     * @param zone the time zone of a custom window's from and to
     */
    RuleParser(String prefix, ZoneId zone) {
        this.prefix = prefix;
        this.zone = zone;
    }

    /** A budget under {@code budgets:}: a usage rule in the budgets' grammar (no kind, no enabled). */
    Rule budget(JsonNode node) {
        object(node, "expected a mapping with name, window and limit");
        unknownKeys(node, BUDGET_KEYS, "budget");
        return parse(node, RuleKind.USAGE);
    }

    /** A rule under {@code rules:} or from the API: {@code kind} is required. */
    Rule rule(JsonNode node) {
        object(node, "expected a mapping with name and kind");
        String kindText = required(node, "kind");
        RuleKind kind = RuleKind.of(kindText)
                .orElseThrow(
                        () -> error(
                                "kind",
                                "\"" + kindText
                                        + "\" is not a kind; use usage, error_ratio, latency, spike, channel_down or spend_anomaly"));
        Set<String> known = new TreeSet<>(COMMON_KEYS);
        known.addAll(KIND_KEYS.get(kind));
        unknownKeys(node, known, "rule of kind " + kind.label());
        return parse(node, kind);
    }

    private Rule parse(JsonNode node, RuleKind kind) {
        String name = name(node);
        BudgetScope scope = scope(node);
        Action action = common("action", () -> Action.parse(at("action"), text(node, "action", Action.NOTIFY.value())));
        if (action == Action.DISABLE_CHANNEL && kind == RuleKind.CHANNEL_DOWN) {
            throw error(
                    "action",
                    "disable_channel does not fit channel_down (the channel is down already); use action: notify");
        }
        if (action == Action.DISABLE_CHANNEL && !(scope instanceof BudgetScope.Channel)) {
            throw error("action", "disable_channel needs channel_id; add channel_id or use action: notify");
        }
        String per = text(node, "per", "");
        boolean keyScope = scope instanceof BudgetScope.Token || scope instanceof BudgetScope.TokenNamed;
        boolean userScope = scope instanceof BudgetScope.User || scope instanceof BudgetScope.UserNamed;
        if (action == Action.DISABLE_TOKEN && !keyScope && !per.equals("token")) {
            throw error(
                    "action",
                    "disable_token needs a key: add token_id or token"
                            + (kind == RuleKind.SPEND_ANOMALY ? " (or per: token)" : "")
                            + ", or use action: notify");
        }
        if (action == Action.DISABLE_USER && !userScope && !per.equals("user")) {
            throw error(
                    "action",
                    "disable_user needs a user: add user_id or username"
                            + (kind == RuleKind.SPEND_ANOMALY ? " (or per: user)" : "")
                            + ", or use action: notify");
        }
        String active = text(node, "active", "");
        common(
                "active",
                () -> ActiveWindow.parse(at("active"), active)); // the bridge reads the label with the same grammar
        // Absent: the bridge's default. Written: a duration, which an empty text is not (Prometheus' grammar).
        String cooldown = text(node, "cooldown", "");
        if (node.hasNonNull("cooldown")) {
            common("cooldown", () -> PromDuration.parse(at("cooldown"), cooldown));
        }
        Severity severity = common(
                "severity", () -> Severity.parse(at("severity"), text(node, "severity", Severity.WARNING.value())));
        List<String> targets = notify(node.get("notify"));
        boolean enabled = enabled(node.get("enabled"));

        BudgetWindow window = null;
        BudgetLimit limit = null;
        double above = 0;
        long minRequests = 0;
        LatencyColumn metric = null;
        Duration compareTo = null;
        Rule.SpendAnomaly anomaly = null;
        switch (kind) {
            case USAGE -> {
                window = usageWindow(node.get("window"));
                limit = limit(node.get("limit"));
            }
            case ERROR_RATIO -> {
                window = shortWindow(node.get("window"));
                above = number(node, "above");
                if (!(above > 0 && above < 1)) {
                    throw error(
                            "above",
                            "\"" + node.get("above").asText()
                                    + "\" is not a ratio between 0 and 1 (exclusive); write for example 0.2");
                }
            }
            case LATENCY -> {
                window = shortWindow(node.get("window"));
                above = positive(node, "above", "seconds");
                String m = text(node, "metric", "duration");
                metric = switch (m) {
                    case "duration" -> LatencyColumn.DURATION;
                    case "ttft" -> LatencyColumn.TTFT;
                    default -> throw error("metric", "\"" + m + "\" is not a latency metric; use duration or ttft");
                };
            }
            case SPIKE -> {
                window = shortWindow(node.get("window"));
                above = number(node, "above");
                if (!(above > 1)) {
                    throw error(
                            "above",
                            "\"" + node.get("above").asText() + "\" is not a factor above 1; write for example 3");
                }
                String c = text(node, "compare_to", "7d");
                compareTo = COMPARE_TO.get(c);
                if (compareTo == null) {
                    throw error("compare_to", "\"" + c + "\" is not a comparison; use 1d or 7d");
                }
            }
            case CHANNEL_DOWN -> {
                // a channel's status, no window
            }
            case SPEND_ANOMALY -> {
                window = shortWindow(node.hasNonNull("window") ? node.get("window") : textNode(DEFAULT_ANOMALY_WINDOW));
                above = node.hasNonNull("above") ? number(node, "above") : DEFAULT_ANOMALY_FACTOR;
                if (!(above > 1)) {
                    throw error(
                            "above",
                            "\"" + node.get("above").asText() + "\" is not a factor above 1; write for example 3");
                }
                anomaly = new Rule.SpendAnomaly(weeks(node), minUsd(node), per(node, scope));
            }
        }
        if (MIN_REQUESTS.containsKey(kind)) {
            minRequests = minRequests(node, MIN_REQUESTS.get(kind));
        }
        ObjectNode spec = ((ObjectNode) node).deepCopy();
        if (!spec.has("kind")) {
            spec.put("kind", kind.label());
        }
        spec.put("enabled", enabled);
        return new Rule(
                name,
                kind,
                enabled,
                scope,
                window,
                limit,
                above,
                minRequests,
                metric,
                compareTo,
                anomaly,
                targets,
                action.value(),
                active,
                cooldown,
                severity.value(),
                spec);
    }

    /** The one scope key given, or all traffic. */
    private BudgetScope scope(JsonNode node) {
        List<String> given = SCOPE_KEYS.stream().filter(node::hasNonNull).toList();
        if (given.size() > 1) {
            if (given.equals(List.of("channel_id", "model"))) {
                throw error(
                        "model",
                        "give model or channel_id, not both (a rule watches one channel, one model or all traffic)");
            }
            throw error(
                    given.get(1),
                    "give one of channel_id, model, token_id, token, user_id, username or group, not both "
                            + given.get(0) + " and " + given.get(1)
                            + " (a rule watches one channel, model, key, user or group, or all traffic)");
        }
        if (given.isEmpty()) {
            return new BudgetScope.All();
        }
        return switch (given.get(0)) {
            case "channel_id" ->
                new BudgetScope.Channel(Long.toString(
                        common("channel_id", () -> ChannelId.parse(at("channel_id"), text(node, "channel_id", "")))));
            case "model" -> new BudgetScope.Model(required(node, "model"));
            case "token_id" -> new BudgetScope.Token(id(node, "token_id", "a key's id (tokens.id)"), "");
            case "token" -> new BudgetScope.TokenNamed(required(node, "token"));
            case "user_id" -> new BudgetScope.User(id(node, "user_id", "a user's id (users.id)"), "");
            case "username" -> new BudgetScope.UserNamed(required(node, "username"));
            default -> new BudgetScope.Group(required(node, "group"));
        };
    }

    /** A gateway id: a whole number of 1 or more, written as a number or as text. */
    private long id(JsonNode node, String key, String what) {
        String text = text(node, key, "");
        if (text.matches("[0-9]{1,18}") && Long.parseLong(text) >= 1) {
            return Long.parseLong(text);
        }
        throw error(key, "\"" + text + "\" is not " + what + "; write a whole number of 1 or more, for example 42");
    }

    private int weeks(JsonNode node) {
        JsonNode value = node.get("weeks");
        if (value == null || value.isNull()) {
            return DEFAULT_WEEKS;
        }
        if (!value.isIntegralNumber() || value.asLong() < 1 || value.asLong() > MAX_WEEKS) {
            throw error("weeks", "\"" + value.asText() + "\" is not a whole number of weeks from 1 to " + MAX_WEEKS);
        }
        return value.asInt();
    }

    private double minUsd(JsonNode node) {
        if (!node.hasNonNull("min_usd")) {
            return DEFAULT_MIN_USD;
        }
        double value = number(node, "min_usd");
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw error("min_usd", "\"" + node.get("min_usd").asText() + "\" is not 0 or more US dollars");
        }
        return value;
    }

    private Rule.Per per(JsonNode node, BudgetScope scope) {
        if (!node.hasNonNull("per")) {
            return null;
        }
        String text = text(node, "per", "");
        Rule.Per per = switch (text) {
            case "token" -> Rule.Per.TOKEN;
            case "user" -> Rule.Per.USER;
            case "group" -> Rule.Per.GROUP;
            default -> throw error("per", "\"" + text + "\" is not a per; use token, user or group");
        };
        if (!(scope instanceof BudgetScope.All)) {
            throw error(
                    "per", "give per or a scope (" + scope.label() + "), not both; per watches every " + per.label());
        }
        return per;
    }

    private static JsonNode textNode(String text) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(text);
    }

    private static Set<String> withAccountScopes(String... keys) {
        Set<String> all = new TreeSet<>(List.of(keys));
        all.addAll(List.of("token_id", "token", "user_id", "username", "group"));
        return Set.copyOf(all);
    }

    private String name(JsonNode node) {
        String name = required(node, "name");
        if (!NAME.matcher(name).matches()) {
            throw error("name", "\"" + name + "\" may only use letters, digits and _ . : - (at most 100)");
        }
        return name;
    }

    private BudgetWindow usageWindow(JsonNode node) {
        if (node == null || node.isNull()) {
            throw error("window", "missing; " + USAGE_WINDOW_HINT);
        }
        if (node.isObject()) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!key.equals("from") && !key.equals("to")) {
                    throw error("window." + key, "unknown key \"" + key + "\"; a custom window has from and to");
                }
            }
            LocalDateTime from = dateTime(node.get("from"), "window.from", false);
            LocalDateTime to = dateTime(node.get("to"), "window.to", true);
            if (!from.isBefore(to)) {
                throw error("window", "from must be before to");
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
        Duration rolling = USAGE_WINDOWS.get(text);
        if (rolling == null) {
            throw error("window", "\"" + text + "\" is not a window; " + USAGE_WINDOW_HINT);
        }
        return new BudgetWindow.Rolling(rolling, text);
    }

    private BudgetWindow shortWindow(JsonNode node) {
        if (node == null || node.isNull()) {
            throw error("window", "missing; " + SHORT_WINDOW_HINT);
        }
        String text = node.asText();
        Duration rolling = node.isValueNode() ? SHORT_WINDOWS.get(text) : null;
        if (rolling == null) {
            throw error("window", "\"" + text + "\" is not a window for this kind; " + SHORT_WINDOW_HINT);
        }
        return new BudgetWindow.Rolling(rolling, text);
    }

    /**
     * A custom window's end is inclusive to the precision written: "2026-11-30T23:59" ends at
     * 2026-12-01T00:00, "2026-11-30" at the start of the next day.
     */
    private LocalDateTime dateTime(JsonNode node, String field, boolean inclusiveEnd) {
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
        throw error(
                field,
                "\"" + text
                        + "\" is not a date and time; write 2026-11-01T00:00 or 2026-11-01 (in the config's timezone)");
    }

    private BudgetLimit limit(JsonNode node) {
        if (node == null || !node.isObject() || node.size() != 1) {
            throw error("limit", "give exactly one of {tokens: N}, {usd: N} or {requests: N}");
        }
        String unit = node.fieldNames().next();
        BudgetLimit.Unit parsed = switch (unit) {
            case "tokens" -> BudgetLimit.Unit.TOKENS;
            case "usd" -> BudgetLimit.Unit.USD;
            case "requests" -> BudgetLimit.Unit.REQUESTS;
            default -> throw error("limit." + unit, "unknown unit \"" + unit + "\"; use tokens, usd or requests");
        };
        JsonNode amount = node.get(unit);
        if (!amount.isNumber() || amount.asDouble() <= 0) {
            throw error("limit." + unit, "\"" + amount.asText() + "\" is not a positive number");
        }
        return new BudgetLimit(parsed, amount.asDouble());
    }

    private double number(JsonNode node, String key) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            throw error(key, "missing");
        }
        if (!value.isNumber()) {
            throw error(key, "\"" + value.asText() + "\" is not a number");
        }
        return value.asDouble();
    }

    private double positive(JsonNode node, String key, String unit) {
        double value = number(node, key);
        if (!(value > 0)) {
            throw error(key, "\"" + node.get(key).asText() + "\" is not more than 0 " + unit);
        }
        return value;
    }

    private long minRequests(JsonNode node, long fallback) {
        JsonNode value = node.get("min_requests");
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 1) {
            throw error("min_requests", "\"" + value.asText() + "\" is not a whole number of 1 or more");
        }
        return value.asLong();
    }

    private boolean enabled(JsonNode node) {
        if (node == null || node.isNull()) {
            return true;
        }
        if (!node.isBoolean()) {
            throw error("enabled", "\"" + node.asText() + "\" is not true or false");
        }
        return node.asBoolean();
    }

    private List<String> notify(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isArray()) {
            List<String> targets = new ArrayList<>();
            node.forEach(t -> targets.add(t.asText()));
            return common("notify", () -> TargetName.checkAll(at("notify"), targets));
        }
        return common("notify", () -> TargetName.parseList(at("notify"), node.asText()));
    }

    private String required(JsonNode node, String key) {
        String value = text(node, key, "");
        if (value.isEmpty()) {
            throw error(key, "missing");
        }
        return value;
    }

    private static String text(JsonNode node, String key, String fallback) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? fallback : value.asText().trim();
    }

    private void object(JsonNode node, String expected) {
        if (node == null || !node.isObject()) {
            String where = prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) + ": " : prefix;
            throw new RuleSpecException("", where + expected);
        }
    }

    private void unknownKeys(JsonNode node, Set<String> known, String what) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw error(
                        key, "unknown key for a " + what + "; known keys: " + String.join(", ", new TreeSet<>(known)));
            }
        }
    }

    /** A check of common's, whose ConfigException already names {@code at(field)}. */
    private <T> T common(String field, Supplier<T> check) {
        try {
            return check.get();
        } catch (ConfigException e) {
            throw new RuleSpecException(field, e.getMessage());
        }
    }

    private String at(String field) {
        return prefix + field;
    }

    private RuleSpecException error(String field, String detail) {
        return new RuleSpecException(field, at(field) + ": " + detail);
    }

    private static Map<String, Duration> windows(String... labels) {
        Map<String, Duration> windows = new LinkedHashMap<>();
        for (String label : labels) {
            windows.put(label, PromDuration.parse("window", label));
        }
        return Map.copyOf(windows);
    }
}
