package io.tokenmonitor.bridge.intake;

import io.tokenmonitor.common.config.Secret;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/**
 * Lets a request through to {@code next} only with the bearer token or the basic-auth pair that Alertmanager's
 * {@code http_config} sends; otherwise 401. Comparisons take constant time.
 */
public final class BearerOrBasicAuth implements HttpHandler {
    private final Optional<byte[]> bearer;
    private final Optional<byte[]> basic;
    private final HttpHandler next;

    public BearerOrBasicAuth(
            Optional<Secret> bearerToken, Optional<String> user, Optional<Secret> password, HttpHandler next) {
        this.bearer = bearerToken.map(t -> t.value().getBytes(StandardCharsets.UTF_8));
        this.basic = user.flatMap(u -> password.map(p -> (u + ":" + p.value()).getBytes(StandardCharsets.UTF_8)));
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (authorised(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION))) {
            next.handleRequest(exchange);
            return;
        }
        exchange.setStatusCode(StatusCodes.UNAUTHORIZED);
        if (basic.isPresent()) {
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Basic realm=\"token-monitor-bridge\"");
        } else {
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer");
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender()
                .send("unauthorized: send the bearer token or basic-auth credentials configured for the bridge\n");
    }

    private boolean authorised(String header) {
        if (header == null) {
            return false;
        }
        int space = header.indexOf(' ');
        if (space < 0) {
            return false;
        }
        String scheme = header.substring(0, space);
        String credentials = header.substring(space + 1).strip();
        if (scheme.equalsIgnoreCase("Bearer") && bearer.isPresent()) {
            return MessageDigest.isEqual(bearer.get(), credentials.getBytes(StandardCharsets.UTF_8));
        }
        if (scheme.equalsIgnoreCase("Basic") && basic.isPresent()) {
            try {
                return MessageDigest.isEqual(basic.get(), Base64.getDecoder().decode(credentials));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return false;
    }
}
