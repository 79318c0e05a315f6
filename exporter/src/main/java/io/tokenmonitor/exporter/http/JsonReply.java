package io.tokenmonitor.exporter.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;

/** Writes the console's and the API's JSON answers, errors as {@code {"error": "…", "field": "…"}}. */
final class JsonReply {
    private final ObjectMapper json;

    JsonReply(ObjectMapper json) {
        this.json = json;
    }

    ObjectMapper json() {
        return json;
    }

    void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree always serialises", e);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = new BoundedWrites(exchange.getResponseBody())) {
            out.write(bytes);
        }
    }

    void error(HttpExchange exchange, int status, String field, String message) throws IOException {
        send(exchange, status, json.createObjectNode().put("error", message).put("field", field));
    }

    /** An answer without a body (204). */
    static void empty(HttpExchange exchange, int status) throws IOException {
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }
}
