package io.tokenmonitor.exporter.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmonitor.exporter.rule.AuditEntry;
import io.tokenmonitor.exporter.rule.Evaluation;
import io.tokenmonitor.exporter.rule.RuleStatus;
import java.time.Instant;

/** The API's JSON of the rules contract: snake_case fields, times in RFC 3339 (UTC) or null. */
final class RuleJson {
    private final ObjectMapper json;

    RuleJson(ObjectMapper json) {
        this.json = json;
    }

    ObjectNode status(RuleStatus rule) {
        ObjectNode node = json.createObjectNode()
                .put("name", rule.name())
                .put("source", rule.source())
                .put("enabled", rule.enabled())
                .put("version", rule.version());
        node.set("spec", rule.spec());
        node.set("current", rule.current() == null ? json.nullNode() : evaluation(rule.current()));
        return node;
    }

    ObjectNode evaluation(Evaluation e) {
        ObjectNode node = json.createObjectNode().put("kind", e.kind());
        if (e.value() == null) {
            node.putNull("value");
        } else {
            node.put("value", e.value());
        }
        node.put("threshold", e.threshold())
                .put("unit", e.unit())
                .put("armed", e.armed())
                .put("firing", e.firing())
                .put("note", e.note() == null ? "" : e.note());
        time(node, "window_start", e.windowStart());
        time(node, "window_end", e.windowEnd());
        return node.put("requests", e.requests());
    }

    ObjectNode audit(AuditEntry entry) {
        ObjectNode node = json.createObjectNode().put("id", entry.id());
        time(node, "at", entry.at());
        node.put("actor", entry.actor()).put("action", entry.action()).put("rule", entry.rule());
        node.set("before", entry.before() == null ? json.nullNode() : entry.before());
        node.set("after", entry.after() == null ? json.nullNode() : entry.after());
        return node;
    }

    private static void time(ObjectNode node, String field, Instant at) {
        if (at == null) {
            node.putNull(field);
        } else {
            node.put(field, at.toString());
        }
    }
}
