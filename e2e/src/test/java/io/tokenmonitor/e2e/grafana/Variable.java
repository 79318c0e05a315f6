package io.tokenmonitor.e2e.grafana;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A dashboard template variable.
 *
 * @param query the query text (Prometheus variable query, custom values "a,b,c", or the textbox default)
 */
public record Variable(
        String name,
        String type,
        String datasourceUid,
        String query,
        String regex,
        boolean multi,
        boolean includeAll,
        String allValue,
        String currentValue) {

    static Variable of(JsonNode v) {
        JsonNode q = v.path("query");
        String query = q.isObject() ? q.path("query").asText() : q.asText();
        JsonNode current = v.path("current").path("value");
        String currentValue =
                current.isArray() ? (current.isEmpty() ? "" : current.get(0).asText()) : current.asText("");
        return new Variable(
                v.path("name").asText(),
                v.path("type").asText(),
                v.path("datasource").path("uid").asText(""),
                query,
                v.path("regex").asText(""),
                v.path("multi").asBoolean(false),
                v.path("includeAll").asBoolean(false),
                v.has("allValue") && !v.path("allValue").isNull()
                        ? v.path("allValue").asText()
                        : null,
                currentValue);
    }
}
