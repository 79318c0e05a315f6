package io.tokenmonitor.exporter.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.tokenmonitor.common.web.CrossSiteWrites;
import io.tokenmonitor.exporter.rule.RuleBook;
import io.tokenmonitor.exporter.rule.RuleRejected;
import io.tokenmonitor.exporter.rule.RuleStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/rules…} and {@code /api/v1/audit}: the {@link RuleBook} over HTTP, JSON in and out. Reached only
 * after {@link ConsoleAuthenticator}; every write must pass {@link CrossSiteWrites} (JSON, this site). A change
 * names the version it read ({@code If-Match} with the {@code ETag} of a GET), so two people editing the same
 * rule cannot silently overwrite each other.
 */
final class RulesApi implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RulesApi.class);
    static final String PREFIX = "/api/v1/";
    /** A rule is a few hundred bytes; anything this large is not one. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    static final int DEFAULT_AUDIT_LIMIT = 50;
    static final int MAX_AUDIT_LIMIT = 500;

    private final RuleBook rules;
    private final RuleJson wire;
    private final JsonReply reply;

    RulesApi(RuleBook rules, JsonReply reply) {
        this.rules = rules;
        this.reply = reply;
        this.wire = new RuleJson(reply.json());
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                refuseCrossSite(exchange);
                route(exchange);
            } catch (ApiError e) {
                reply.error(exchange, e.status(), e.field(), e.getMessage());
            } catch (RuleRejected e) {
                reply.error(exchange, e.reason().status(), e.field(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.error(
                        "rules API: {} {} failed; the request was not carried out",
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().getPath(),
                        e);
                reply.error(exchange, 500, "", "internal error; see the exporter's log");
            }
        }
    }

    private static void refuseCrossSite(HttpExchange exchange) {
        CrossSiteWrites.Verdict verdict = CrossSiteWrites.check(new CrossSiteWrites.Request(
                exchange.getRequestMethod(),
                header(exchange, "Host"),
                header(exchange, "Content-Type"),
                header(exchange, "Origin"),
                header(exchange, "Sec-Fetch-Site")));
        if (verdict != CrossSiteWrites.Verdict.ALLOWED) {
            throw new ApiError(verdict.status(), "", verdict.reason());
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
        if (path.equals("rules")) {
            switch (method) {
                case "GET" -> list(exchange);
                case "POST" -> create(exchange);
                default -> notAllowed(exchange, "GET, POST");
            }
        } else if (path.equals("rules/preview")) {
            if (!method.equals("POST")) {
                notAllowed(exchange, "POST");
            }
            reply.send(exchange, 200, wire.evaluation(rules.preview(body(exchange))));
        } else if (path.startsWith("rules/")
                && !path.substring(6).isEmpty()
                && !path.substring(6).contains("/")) {
            String name = path.substring(6);
            switch (method) {
                case "GET" -> get(exchange, name);
                case "PUT" -> replace(exchange, name);
                case "DELETE" -> delete(exchange, name);
                default -> notAllowed(exchange, "GET, PUT, DELETE");
            }
        } else if (path.equals("audit")) {
            if (!method.equals("GET")) {
                notAllowed(exchange, "GET");
            }
            audit(exchange);
        } else {
            throw new ApiError(
                    404,
                    "",
                    "no such API endpoint: " + method + " " + PREFIX + path
                            + "; there are /api/v1/rules, /api/v1/rules/{name}, /api/v1/rules/preview, /api/v1/audit");
        }
    }

    private void list(HttpExchange exchange) throws IOException {
        ArrayNode list = reply.json().createArrayNode();
        rules.list().forEach(rule -> list.add(wire.status(rule)));
        ObjectNode body = reply.json().createObjectNode();
        body.set("rules", list);
        reply.send(exchange, 200, body);
    }

    private void create(HttpExchange exchange) throws IOException {
        RuleStatus created = rules.create(body(exchange), user(exchange));
        exchange.getResponseHeaders().set("Location", PREFIX + "rules/" + created.name());
        sendRule(exchange, 201, created);
    }

    private void get(HttpExchange exchange, String name) throws IOException {
        RuleStatus rule = rules.get(name).orElseThrow(() -> notFound(name));
        sendRule(exchange, 200, rule);
    }

    private void replace(HttpExchange exchange, String name) throws IOException {
        long version = ifMatch(exchange);
        sendRule(exchange, 200, rules.replace(name, body(exchange), version, user(exchange)));
    }

    private void delete(HttpExchange exchange, String name) throws IOException {
        long version = ifMatch(exchange);
        rules.delete(name, version, user(exchange));
        JsonReply.empty(exchange, 204);
    }

    private void audit(HttpExchange exchange) throws IOException {
        Optional<String> rule = query(exchange, "rule");
        int limit = query(exchange, "limit").map(RulesApi::limit).orElse(DEFAULT_AUDIT_LIMIT);
        ArrayNode entries = reply.json().createArrayNode();
        rules.audit(rule, limit).forEach(entry -> entries.add(wire.audit(entry)));
        ObjectNode body = reply.json().createObjectNode();
        body.set("entries", entries);
        reply.send(exchange, 200, body);
    }

    private void sendRule(HttpExchange exchange, int status, RuleStatus rule) throws IOException {
        exchange.getResponseHeaders().set("ETag", etag(rule.version()));
        reply.send(exchange, status, wire.status(rule));
    }

    static String etag(long version) {
        return "\"" + version + "\"";
    }

    /** The version the writer read, from {@code If-Match: "<version>"} (the ETag of its GET). */
    private static long ifMatch(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("If-Match");
        if (header == null || header.isBlank()) {
            throw new ApiError(
                    428,
                    "If-Match",
                    "If-Match: required; send the ETag of your GET of the rule, so that another person's change in"
                            + " between is not overwritten");
        }
        String tag = header.strip();
        if (tag.startsWith("W/")) {
            tag = tag.substring(2);
        }
        tag = tag.replaceAll("^\"|\"$", "");
        if (!tag.matches("\\d{1,18}")) {
            // Not a tag this API hands out, so it cannot match the rule's current one.
            throw new ApiError(
                    412,
                    "If-Match",
                    "If-Match: " + header.strip() + " is not a version of this rule; GET it again and send its ETag");
        }
        return Long.parseLong(tag);
    }

    private static int limit(String text) {
        if (!text.matches("\\d{1,9}")) {
            throw ApiError.badField("limit", "\"" + text + "\" is not a whole number from 1 to " + MAX_AUDIT_LIMIT);
        }
        int limit = Integer.parseInt(text);
        if (limit < 1 || limit > MAX_AUDIT_LIMIT) {
            throw ApiError.badField("limit", limit + " is out of range; use 1 to " + MAX_AUDIT_LIMIT);
        }
        return limit;
    }

    /** A write's body: one JSON object, the rule in the config file's grammar. */
    private JsonNode body(HttpExchange exchange) throws IOException {
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ApiError(413, "body", "body: larger than " + MAX_BODY_BYTES + " bytes; a rule is far smaller");
        }
        JsonNode node;
        try {
            node = reply.json().readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiError.badField("body", "not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw ApiError.badField("body", "expected a JSON object, the rule, such as {\"name\": …, \"kind\": …}");
        }
        return node;
    }

    private static ApiError notFound(String name) {
        return new ApiError(404, "", "no rule named \"" + name + "\"");
    }

    private static void notAllowed(HttpExchange exchange, String allowed) {
        exchange.getResponseHeaders().set("Allow", allowed);
        throw new ApiError(405, "", "method " + exchange.getRequestMethod() + " not allowed here; use " + allowed);
    }

    private static String user(HttpExchange exchange) {
        return (String) exchange.getAttribute(ConsoleAuthenticator.USER);
    }

    private static Optional<String> header(HttpExchange exchange, String name) {
        return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
    }

    private static Optional<String> query(HttpExchange exchange, String name) {
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return Optional.empty();
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                return value.isEmpty() ? Optional.empty() : Optional.of(value);
            }
        }
        return Optional.empty();
    }
}
