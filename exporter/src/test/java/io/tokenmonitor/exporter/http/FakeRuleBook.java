package io.tokenmonitor.exporter.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmonitor.exporter.rule.AuditEntry;
import io.tokenmonitor.exporter.rule.Evaluation;
import io.tokenmonitor.exporter.rule.RuleBook;
import io.tokenmonitor.exporter.rule.RuleRejected;
import io.tokenmonitor.exporter.rule.RuleStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An in-memory {@link RuleBook} that keeps the contract's javadoc (versions, file rules read-only, names unique,
 * errors naming the field, the audit), for the API's tests; its checks of a spec are a small part of the grammar.
 */
final class FakeRuleBook implements RuleBook {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KINDS =
            Set.of("usage", "error_ratio", "latency", "spike", "channel_down", "spend_anomaly");
    private static final Set<String> USAGE_WINDOWS =
            Set.of("1h", "6h", "12h", "24h", "48h", "72h", "7d", "30d", "calendar_day", "calendar_month");

    private final Map<String, RuleStatus> file = new TreeMap<>();
    private final Map<String, RuleStatus> console = new TreeMap<>();
    private final List<AuditEntry> audit = new ArrayList<>();

    FakeRuleBook withFileRule(String name) {
        ObjectNode spec =
                JSON.createObjectNode().put("name", name).put("kind", "usage").put("window", "24h");
        spec.putObject("limit").put("usd", 10);
        spec.put("enabled", true);
        file.put(name, new RuleStatus(name, "file", true, 0, spec, evaluate(spec)));
        return this;
    }

    @Override
    public synchronized List<RuleStatus> list() {
        List<RuleStatus> all = new ArrayList<>(file.values());
        all.addAll(console.values());
        return all;
    }

    @Override
    public synchronized Optional<RuleStatus> get(String name) {
        return Optional.ofNullable(file.getOrDefault(name, console.get(name)));
    }

    @Override
    public synchronized RuleStatus create(JsonNode spec, String actor) {
        ObjectNode checked = check(spec);
        String name = checked.get("name").asText();
        if (file.containsKey(name) || console.containsKey(name)) {
            throw new RuleRejected(RuleRejected.Reason.CONFLICT, "name", "name: \"" + name + "\" is taken");
        }
        RuleStatus rule = status(checked, 1);
        console.put(name, rule);
        audit.add(new AuditEntry(audit.size() + 1, Instant.now(), actor, "create", name, null, checked));
        return rule;
    }

    @Override
    public synchronized RuleStatus replace(String name, JsonNode spec, long expectedVersion, String actor) {
        RuleStatus old = writable(name, expectedVersion);
        ObjectNode given = spec.deepCopy();
        if (given.has("name") && !given.get("name").asText().equals(name)) {
            throw new RuleRejected(RuleRejected.Reason.INVALID, "name", "name: a rule cannot be renamed");
        }
        given.put("name", name);
        ObjectNode checked = check(given);
        RuleStatus rule = status(checked, old.version() + 1);
        console.put(name, rule);
        audit.add(new AuditEntry(audit.size() + 1, Instant.now(), actor, "update", name, old.spec(), checked));
        return rule;
    }

    @Override
    public synchronized void delete(String name, long expectedVersion, String actor) {
        RuleStatus old = writable(name, expectedVersion);
        console.remove(name);
        audit.add(new AuditEntry(audit.size() + 1, Instant.now(), actor, "delete", name, old.spec(), null));
    }

    @Override
    public Evaluation preview(JsonNode spec) {
        return evaluate(check(spec));
    }

    @Override
    public synchronized List<AuditEntry> audit(Optional<String> rule, int limit) {
        List<AuditEntry> newest = new ArrayList<>();
        for (int i = audit.size() - 1; i >= 0 && newest.size() < limit; i--) {
            if (rule.isEmpty() || audit.get(i).rule().equals(rule.get())) {
                newest.add(audit.get(i));
            }
        }
        return newest;
    }

    private RuleStatus writable(String name, long expectedVersion) {
        if (file.containsKey(name)) {
            throw new RuleRejected(
                    RuleRejected.Reason.READ_ONLY, "", "rule \"" + name + "\" is in the config file; change it there");
        }
        RuleStatus old = console.get(name);
        if (old == null) {
            throw new RuleRejected(RuleRejected.Reason.NOT_FOUND, "", "no rule named \"" + name + "\"");
        }
        if (old.version() != expectedVersion) {
            throw new RuleRejected(
                    RuleRejected.Reason.STALE,
                    "",
                    "rule \"" + name + "\" is at version " + old.version() + ", not " + expectedVersion);
        }
        return old;
    }

    private static RuleStatus status(ObjectNode spec, long version) {
        return new RuleStatus(
                spec.get("name").asText(), "console", spec.get("enabled").asBoolean(), version, spec, evaluate(spec));
    }

    private static ObjectNode check(JsonNode spec) {
        ObjectNode s = spec.deepCopy();
        String name = s.path("name").asText("");
        if (!name.matches("[A-Za-z0-9_.:-]{1,100}")) {
            throw invalid("name", "\"" + name + "\" may only use letters, digits and _ . : - (at most 100)");
        }
        String kind = s.path("kind").asText("");
        if (!KINDS.contains(kind)) {
            throw invalid("kind", "\"" + kind + "\" is not a kind; use " + new java.util.TreeSet<>(KINDS));
        }
        if (kind.equals("usage")) {
            if (!USAGE_WINDOWS.contains(s.path("window").asText(""))) {
                throw invalid("window", "\"" + s.path("window").asText("") + "\" is not a window");
            }
            JsonNode limit = s.path("limit");
            if (!limit.isObject() || limit.size() != 1) {
                throw invalid("limit", "one of tokens, usd or requests");
            }
            String unit = limit.fieldNames().next();
            if (!limit.get(unit).isNumber() || limit.get(unit).asDouble() <= 0) {
                throw invalid("limit." + unit, "\"" + limit.get(unit).asText() + "\" is not a positive number");
            }
        } else if (kind.equals("spend_anomaly")) {
            // every key of its own is optional (window, weeks, above, min_usd; a scope or per)
            if (s.has("above") && !s.path("above").isNumber()) {
                throw invalid("above", "\"" + s.path("above").asText() + "\" is not a number");
            }
        } else if (!kind.equals("channel_down") && !s.path("above").isNumber()) {
            throw invalid("above", "\"" + s.path("above").asText() + "\" is not a number");
        }
        if (!s.has("enabled")) {
            s.put("enabled", true);
        }
        return s;
    }

    private static RuleRejected invalid(String field, String message) {
        return new RuleRejected(RuleRejected.Reason.INVALID, field, field + ": " + message);
    }

    private static Evaluation evaluate(JsonNode spec) {
        boolean enabled = spec.path("enabled").asBoolean(true);
        if (spec.path("kind").asText().equals("usage")) {
            String unit = spec.path("limit").fieldNames().next();
            double limit = spec.path("limit").path(unit).asDouble();
            Instant end = Instant.now();
            return new Evaluation(
                    "usage",
                    1234.0,
                    limit,
                    unit,
                    enabled,
                    enabled && 1234 > limit,
                    "",
                    end.minusSeconds(86_400),
                    end,
                    0);
        }
        return new Evaluation(
                spec.path("kind").asText(),
                null,
                spec.path("above").asDouble(),
                "ratio",
                false,
                false,
                "0 of the 20 requests needed",
                null,
                null,
                0);
    }
}
