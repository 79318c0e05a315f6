package io.tokenmonitor.bridge.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmonitor.bridge.breaker.Target;
import io.tokenmonitor.common.alert.AccountId;
import io.tokenmonitor.common.alert.ChannelId;
import io.tokenmonitor.common.config.ConfigException;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/…}: JSON in, JSON out, errors as {@code {"error": "…", "field": "…"}}. Runs on a worker thread
 * (the store is blocking); it is reached only after authentication and the cross-site check.
 */
final class ConsoleApi implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleApi.class);
    /** The API's bodies are tiny ({@code {}}); anything large is not from the console. */
    static final int MAX_BODY_BYTES = 16 * 1024;

    private static final int MAX_LIMIT = 500;
    private static final int DEFAULT_LIMIT = 50;
    private static final Set<String> STATES = Set.of("pending", "sent", "dead");

    private final ConsoleService service;
    private final String user;

    ConsoleApi(ConsoleService service, String user) {
        this.service = service;
        this.user = user;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        try {
            route(exchange);
        } catch (ApiError e) {
            ObjectNode body = service.json().createObjectNode().put("error", e.getMessage());
            e.field().ifPresent(f -> body.put("field", f));
            send(exchange, e.status(), body);
        } catch (RuntimeException e) {
            LOG.error("console API: {} {} failed", exchange.getRequestMethod(), exchange.getRequestPath(), e);
            send(exchange, 500, service.json().createObjectNode().put("error", "internal error; see the bridge's log"));
        }
    }

    private void route(HttpServerExchange exchange) throws IOException {
        String[] p = exchange.getRelativePath().replaceAll("^/+|/+$", "").split("/");
        boolean get = exchange.getRequestMethod().equals(Methods.GET);
        boolean post = exchange.getRequestMethod().equals(Methods.POST);
        if (post) {
            readBody(exchange);
        }
        Actor actor = new Actor(user, exchange.getSourceAddress().getAddress().getHostAddress());
        String path = String.join("/", p);
        if (get && path.equals("targets")) {
            ok(exchange, service.targets());
        } else if (post && p.length == 3 && p[0].equals("targets") && p[2].equals("test")) {
            send(exchange, 202, service.test(p[1], actor));
        } else if (get && path.equals("deliveries")) {
            Optional<String> state = param(exchange, "state");
            if (state.isPresent() && !STATES.contains(state.get())) {
                throw ApiError.badField("state", "\"" + state.get() + "\" is not pending, sent or dead");
            }
            ok(
                    exchange,
                    service.deliveries(
                            state, param(exchange, "target"), limit(exchange), number(exchange, "offset", 0, 0)));
        } else if (get && p.length == 2 && p[0].equals("deliveries")) {
            ok(exchange, service.delivery(id("id", p[1])));
        } else if (post && p.length == 3 && p[0].equals("deliveries") && p[2].equals("retry")) {
            ok(exchange, service.retry(id("id", p[1]), actor));
        } else if (post && p.length == 3 && p[0].equals("deliveries") && p[2].equals("discard")) {
            ok(exchange, service.discard(id("id", p[1]), actor));
        } else if (get && path.equals("breaker/actions")) {
            ok(exchange, service.breakerActions(limit(exchange), number(exchange, "offset", 0, 0)));
        } else if (post && p.length == 3 && p[0].equals("channels") && p[2].equals("enable")) {
            long channel;
            try {
                channel = ChannelId.parse("id", p[1]);
            } catch (ConfigException e) {
                throw ApiError.badField("id", "\"" + p[1] + "\" is not a channel id (1 or more)");
            }
            ConsoleService.Reply reply = service.enable(Target.channel(channel), actor);
            send(exchange, reply.status(), reply.body());
        } else if (post && p.length == 3 && (p[0].equals("tokens") || p[0].equals("users")) && p[2].equals("enable")) {
            boolean token = p[0].equals("tokens");
            long id;
            try {
                id = token ? AccountId.token("id", p[1]) : AccountId.user("id", p[1]);
            } catch (ConfigException e) {
                throw ApiError.badField(
                        "id", "\"" + p[1] + "\" is not a " + (token ? "key" : "user") + " id (1 or more)");
            }
            ConsoleService.Reply reply = service.enable(token ? Target.token(id) : Target.user(id), actor);
            send(exchange, reply.status(), reply.body());
        } else if (get && path.equals("held")) {
            ok(exchange, service.held());
        } else if (get && path.equals("audit")) {
            ok(exchange, service.audit(limit(exchange), number(exchange, "offset", 0, 0)));
        } else if (!get && !post) {
            throw new ApiError(405, "method not allowed; the API takes GET and POST");
        } else {
            throw new ApiError(404, "no such API endpoint: " + exchange.getRequestMethod() + " /api/v1/" + path);
        }
    }

    /** A POST body must be a JSON object (or empty); none of the actions takes parameters yet. */
    private void readBody(HttpServerExchange exchange) throws IOException {
        exchange.setMaxEntitySize(MAX_BODY_BYTES);
        exchange.startBlocking();
        byte[] bytes;
        try (InputStream in = exchange.getInputStream()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            throw new ApiError(413, "body: larger than " + MAX_BODY_BYTES + " bytes", Optional.of("body"));
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ApiError(413, "body: larger than " + MAX_BODY_BYTES + " bytes", Optional.of("body"));
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return;
        }
        try {
            JsonNode node = service.json().readTree(text);
            if (node == null || !node.isObject()) {
                throw ApiError.badField("body", "expected a JSON object such as {}");
            }
        } catch (JsonProcessingException e) {
            throw ApiError.badField("body", "not valid JSON");
        }
    }

    private static Optional<String> param(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() || values.peekFirst().isEmpty()
                ? Optional.empty()
                : Optional.of(values.peekFirst());
    }

    private static int limit(HttpServerExchange exchange) {
        int limit = number(exchange, "limit", DEFAULT_LIMIT, 1);
        if (limit > MAX_LIMIT) {
            throw ApiError.badField("limit", limit + " is more than " + MAX_LIMIT);
        }
        return limit;
    }

    private static int number(HttpServerExchange exchange, String name, int fallback, int min) {
        Optional<String> text = param(exchange, name);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(text.get());
            if (n < min) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiError.badField(name, "\"" + text.get() + "\" is not a whole number of at least " + min);
        }
    }

    private static long id(String field, String text) {
        if (!text.matches("\\d{1,18}")) {
            throw ApiError.badField(field, "\"" + text + "\" is not a delivery id (a whole number)");
        }
        return Long.parseLong(text);
    }

    private void ok(HttpServerExchange exchange, ObjectNode body) throws IOException {
        send(exchange, 200, body);
    }

    private void send(HttpServerExchange exchange, int status, ObjectNode body) {
        byte[] bytes;
        try {
            bytes = service.json().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree always serialises", e);
        }
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json; charset=utf-8");
        exchange.getResponseSender().send(java.nio.ByteBuffer.wrap(bytes));
    }
}
