package io.tokenmonitor.exporter.rule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.common.time.IanaZone;
import io.tokenmonitor.exporter.budget.Budget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The exporter's YAML config file ({@code --config} / {@code CONFIG_FILE}): the time zone, the
 * budgets (usage rules in their own grammar) and the rules of every kind (docs/alert-labels.md).
 * Every mistake is reported with the path of the key, such as
 * {@code budgets[2].window: "calender_day" is not a window; use 1h … 30d, calendar_day, calendar_month or {from, to}}
 * or {@code rules[0].above: "x" is not a number}.
 *
 * @param source the file name, for messages
 * @param rules the budgets first, then the rules, each in the file's order
 */
public record RulesFile(String source, ZoneId zone, List<Rule> rules) {

    private static final Set<String> TOP_KEYS = Set.of("timezone", "budgets", "rules");

    public RulesFile {
        rules = List.copyOf(rules);
    }

    /** No rules, calendar windows in the machine's zone. */
    public static RulesFile empty() {
        return new RulesFile("", ZoneId.systemDefault(), List.of());
    }

    /** Reads and checks a config file. @throws ConfigException naming the file, the key and a right value */
    public static RulesFile read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("CONFIG_FILE: cannot read " + file + ": " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    /**
     * Parses the YAML text of a config file.
     *
     * @param source the file name, for messages
     * @throws ConfigException naming the file, the key and what a right value looks like
     */
    public static RulesFile parse(String yaml, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException(source + ": not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new RulesFile(source, ZoneId.systemDefault(), List.of());
        }
        if (!root.isObject()) {
            throw new ConfigException(source + ": expected a mapping with keys timezone, budgets, rules");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!TOP_KEYS.contains(key)) {
                throw new ConfigException(
                        source + ": unknown key \"" + key + "\" at top level; known keys: timezone, budgets, rules");
            }
        }
        ZoneId zone = root.has("timezone")
                ? IanaZone.parse(source + ": timezone", root.get("timezone").asText())
                : ZoneId.systemDefault();
        List<Rule> rules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String list : List.of("budgets", "rules")) {
            JsonNode items = root.path(list);
            if (!items.isMissingNode() && !items.isNull() && !items.isArray()) {
                throw new ConfigException(source + ": " + list + ": expected a list of " + list);
            }
            for (int i = 0; i < items.size(); i++) {
                String prefix = source + ": " + list + "[" + i + "].";
                RuleParser parser = new RuleParser(prefix, zone);
                Rule rule;
                try {
                    rule = list.equals("budgets") ? parser.budget(items.get(i)) : parser.rule(items.get(i));
                } catch (RuleSpecException e) {
                    throw new ConfigException(e.getMessage());
                }
                if (!names.add(rule.name())) {
                    throw new ConfigException(prefix + "name: \"" + rule.name()
                            + "\" is used twice; names must be unique across budgets and rules");
                }
                rules.add(rule);
            }
        }
        return new RulesFile(source, zone, rules);
    }

    /** The usage rules (budgets and rules of kind usage) as budgets. */
    public List<Budget> budgets() {
        return rules.stream()
                .filter(r -> r.kind() == RuleKind.USAGE)
                .map(Rule::budget)
                .toList();
    }
}
