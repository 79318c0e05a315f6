package io.tokenmonitor.exporter.rule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.exporter.store.Store;
import io.tokenmonitor.exporter.store.StoredAudit;
import io.tokenmonitor.exporter.store.StoredRule;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of the config file (read-only; replaced whole by {@link #acceptFile} on a reload) and
 * the console's, kept in the store with a version each. Names are unique across both: the API
 * refuses a name of the file, and a reload of the file that brings a console rule's name is
 * rejected (the previous file rules stay in force; see {@link #acceptFile}).
 *
 * <p>Changes are serialised here and compare-and-set in the store (the version), so of two writers
 * that read the same version one wins and the other gets STALE. Every change is audited in the same
 * transaction, and evaluated at once.
 */
public final class RuleRegistry implements RuleBook {

    private static final Logger LOG = LoggerFactory.getLogger(RuleRegistry.class);
    private static final int MAX_AUDIT = 1_000;
    private static final String PREVIEW_NAME = "preview";

    private final Store store;
    private final RuleEvaluator evaluator;
    private final BooleanSupplier storeReady;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    /** Held by every change of the rules, so checks and writes are not interleaved. */
    private final Object writes = new Object();
    /** Held by an evaluation, so an older one never overwrites a newer one's outcomes. */
    private final Object evaluations = new Object();

    private volatile RulesFile file;
    /** By name; replaced whole at every change. */
    private volatile Map<String, ConsoleRule> console = Map.of();
    /** The last evaluation, by name; empty until the first one (after the first backfill). */
    private volatile Map<String, RuleOutcome> outcomes = Map.of();

    private volatile List<RuleOutcome> published = List.of();

    /**
     * Loads the console rules from the store.
     *
     * @param storeReady evaluation waits until the first backfill caught up, so values are never partial
     * @throws ConfigException when a rule of {@code file} has the name of a console rule
     */
    public RuleRegistry(Store store, RuleEvaluator evaluator, RulesFile file, BooleanSupplier storeReady, Clock clock) {
        this.store = store;
        this.evaluator = evaluator;
        this.storeReady = storeReady;
        this.clock = clock;
        this.file = file;
        this.console = loadConsole(file.zone());
        checkNames(file, console);
    }

    /** A console rule; {@code rule} is null when its stored spec no longer parses (it can still be replaced or deleted). */
    private record ConsoleRule(StoredRule stored, JsonNode spec, Rule rule) {}

    // ---- the config file ----

    /**
     * Puts a reloaded config file's rules in force and evaluates.
     *
     * @throws ConfigException when one of its rules has the name of a console rule: the file is rejected
     *     (the previous file rules stay in force) until that rule is renamed in the file or the console rule deleted
     */
    public void acceptFile(RulesFile next) {
        synchronized (writes) {
            Map<String, ConsoleRule> current = next.zone().equals(file.zone()) ? console : loadConsole(next.zone());
            checkNames(next, current);
            console = current;
            file = next;
        }
        evaluate();
    }

    private static void checkNames(RulesFile file, Map<String, ConsoleRule> console) {
        for (Rule rule : file.rules()) {
            if (console.containsKey(rule.name())) {
                throw new ConfigException(file.source() + ": rule \"" + rule.name()
                        + "\" has the name of a console rule; rename it in the file or delete the console rule");
            }
        }
    }

    /** The time zone of the config in force (calendar windows, and the {@code tz} label for active windows). */
    public ZoneId zone() {
        return file.zone();
    }

    // ---- evaluation ----

    /** Whether evaluations run: once the first backfill caught up. */
    public boolean ready() {
        return storeReady.getAsBoolean();
    }

    /** Evaluates every rule now, if the store is ready; the collectors publish the result. */
    public void evaluate() {
        if (!ready()) {
            return;
        }
        synchronized (evaluations) {
            RulesFile f = file;
            List<Rule> rules = new ArrayList<>(f.rules());
            console.values().stream()
                    .map(ConsoleRule::rule)
                    .filter(r -> r != null)
                    .forEach(rules::add);
            List<RuleOutcome> result = evaluator.evaluate(rules, f.zone(), clock.instant());
            Map<String, RuleOutcome> byName = new HashMap<>();
            result.forEach(o -> byName.put(o.rule().name(), o));
            outcomes = Map.copyOf(byName);
            published = List.copyOf(result);
        }
    }

    /** A change is saved whatever happens here: a failed evaluation is logged, and the next interval retries. */
    private void evaluateAfterChange() {
        try {
            evaluate();
        } catch (RuntimeException e) {
            LOG.warn("rules: evaluating after a change failed: {}; the next evaluation retries", e.getMessage());
        }
    }

    /** Every rule as last evaluated, file rules first; empty until the first evaluation. */
    public List<RuleOutcome> outcomes() {
        return published;
    }

    // ---- RuleBook ----

    @Override
    public List<RuleStatus> list() {
        List<RuleStatus> list = new ArrayList<>();
        file.rules().stream().sorted(Comparator.comparing(Rule::name)).forEach(r -> list.add(fileStatus(r)));
        console.values().forEach(c -> list.add(consoleStatus(c)));
        return list;
    }

    @Override
    public Optional<RuleStatus> get(String name) {
        Optional<Rule> inFile = fileRule(name);
        if (inFile.isPresent()) {
            return Optional.of(fileStatus(inFile.get()));
        }
        return Optional.ofNullable(console.get(name)).map(this::consoleStatus);
    }

    @Override
    public RuleStatus create(JsonNode spec, String actor) {
        Rule rule = parse(spec);
        synchronized (writes) {
            if (fileRule(rule.name()).isPresent()) {
                throw new RuleRejected(
                        RuleRejected.Reason.CONFLICT,
                        "name",
                        "name: \"" + rule.name() + "\" is a rule of the config file; choose another name");
            }
            Store.RuleWrite result = store.createRule(rule.name(), text(rule.spec()), clock.millis(), actor);
            if (result == Store.RuleWrite.TAKEN) {
                throw new RuleRejected(
                        RuleRejected.Reason.CONFLICT,
                        "name",
                        "name: \"" + rule.name() + "\" is taken by a console rule; choose another name");
            }
            console = loadConsole(file.zone());
        }
        LOG.info(
                "rules: {} created console rule {} ({})",
                actor,
                rule.name(),
                rule.kind().label());
        evaluate();
        return get(rule.name()).orElseThrow();
    }

    @Override
    public RuleStatus replace(String name, JsonNode spec, long expectedVersion, String actor) {
        synchronized (writes) {
            consoleOnly(name);
            if (spec == null || !spec.isObject()) {
                throw new RuleRejected(RuleRejected.Reason.INVALID, "", "expected a JSON object with the rule");
            }
            ObjectNode named = ((ObjectNode) spec).deepCopy();
            if (named.hasNonNull("name") && !named.get("name").asText().equals(name)) {
                throw new RuleRejected(
                        RuleRejected.Reason.INVALID,
                        "name",
                        "name: \"" + named.get("name").asText() + "\" is not \"" + name
                                + "\"; a rule cannot be renamed, create a new one and delete this one");
            }
            named.put("name", name);
            Rule rule = parse(named);
            written(
                    name,
                    expectedVersion,
                    store.replaceRule(name, expectedVersion, text(rule.spec()), clock.millis(), actor));
            console = loadConsole(file.zone());
        }
        LOG.info("rules: {} changed console rule {}", actor, name);
        evaluateAfterChange();
        return get(name).orElseThrow();
    }

    @Override
    public void delete(String name, long expectedVersion, String actor) {
        synchronized (writes) {
            consoleOnly(name);
            written(name, expectedVersion, store.deleteRule(name, expectedVersion, clock.millis(), actor));
            console = loadConsole(file.zone());
        }
        LOG.info("rules: {} deleted console rule {}", actor, name);
        evaluateAfterChange();
    }

    @Override
    public Evaluation preview(JsonNode spec) {
        JsonNode named = spec;
        if (spec != null && spec.isObject() && !spec.hasNonNull("name")) {
            named = ((ObjectNode) spec).deepCopy().put("name", PREVIEW_NAME);
        }
        Rule rule = parse(named);
        return evaluator.evaluate(rule, file.zone(), clock.instant()).evaluation();
    }

    @Override
    public List<AuditEntry> audit(Optional<String> rule, int limit) {
        int bounded = Math.max(1, Math.min(limit, MAX_AUDIT));
        return store.ruleAudit(rule, bounded).stream().map(this::entry).toList();
    }

    // ---- helpers ----

    private Rule parse(JsonNode spec) {
        try {
            return new RuleParser("", file.zone()).rule(spec);
        } catch (RuleSpecException e) {
            throw new RuleRejected(RuleRejected.Reason.INVALID, e.field(), e.getMessage());
        }
    }

    private void consoleOnly(String name) {
        if (fileRule(name).isPresent()) {
            throw new RuleRejected(
                    RuleRejected.Reason.READ_ONLY,
                    "",
                    "\"" + name + "\" is a rule of the config file; change it there (the console cannot)");
        }
        if (!console.containsKey(name)) {
            throw new RuleRejected(RuleRejected.Reason.NOT_FOUND, "", "there is no rule \"" + name + "\"");
        }
    }

    private void written(String name, long expectedVersion, Store.RuleWrite result) {
        switch (result) {
            case DONE -> {}
            case NOT_FOUND ->
                throw new RuleRejected(RuleRejected.Reason.NOT_FOUND, "", "there is no rule \"" + name + "\"");
            case STALE, TAKEN ->
                throw new RuleRejected(
                        RuleRejected.Reason.STALE,
                        "",
                        "rule \"" + name + "\" is no longer at version " + expectedVersion
                                + ": someone changed it; read it again and redo the change");
        }
    }

    private Optional<Rule> fileRule(String name) {
        return file.rules().stream().filter(r -> r.name().equals(name)).findFirst();
    }

    private RuleStatus fileStatus(Rule rule) {
        return new RuleStatus(rule.name(), "file", rule.enabled(), 0, rule.spec(), current(rule.name(), rule));
    }

    private RuleStatus consoleStatus(ConsoleRule c) {
        boolean enabled = c.rule() == null
                ? c.spec().path("enabled").asBoolean(true)
                : c.rule().enabled();
        return new RuleStatus(
                c.stored().name(),
                "console",
                enabled,
                c.stored().version(),
                c.spec(),
                current(c.stored().name(), c.rule()));
    }

    /** The last evaluation of exactly this rule: null before the first and for a change not yet evaluated. */
    private Evaluation current(String name, Rule rule) {
        RuleOutcome outcome = outcomes.get(name);
        return outcome == null || rule == null || !outcome.rule().equals(rule) ? null : outcome.evaluation();
    }

    private Map<String, ConsoleRule> loadConsole(ZoneId zone) {
        Map<String, ConsoleRule> rules = new TreeMap<>();
        for (StoredRule stored : store.consoleRules()) {
            JsonNode spec = json(stored.spec());
            Rule rule = null;
            try {
                rule = new RuleParser("", zone).rule(spec);
            } catch (RuleSpecException e) {
                LOG.warn(
                        "rules: console rule {} in the store does not parse ({}); it is not evaluated until it is"
                                + " replaced or deleted in the console",
                        stored.name(),
                        e.getMessage());
            }
            rules.put(stored.name(), new ConsoleRule(stored, spec, rule));
        }
        return Collections.unmodifiableMap(rules);
    }

    private AuditEntry entry(StoredAudit a) {
        return new AuditEntry(
                a.id(),
                Instant.ofEpochMilli(a.atMillis()),
                a.actor(),
                a.action(),
                a.rule(),
                a.before() == null ? null : json(a.before()),
                a.after() == null ? null : json(a.after()));
    }

    private JsonNode json(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            return json.getNodeFactory().textNode(text);
        }
    }

    private String text(JsonNode spec) {
        try {
            return json.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed rule is always JSON", e);
        }
    }
}
