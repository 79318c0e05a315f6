package io.tokenmonitor.bridge.intake;

import io.tokenmonitor.common.config.Secret;
import io.undertow.server.Connectors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Lets a request through to {@code next} only with the bearer token or the basic-auth pair that Alertmanager's
 * {@code http_config} sends; otherwise 401 and the connection is closed.
 *
 * <p>It runs on the IO thread, before any worker is taken: the check needs the headers only, so a client that
 * sends no valid credentials never holds a thread, and its body is not read at all (draining it would wait on
 * the client). Every check does the same work whoever asks: the presented user and password are each hashed and
 * compared with the configured ones in constant time, both always, so an unknown user is answered exactly like a
 * known one with a wrong password and the timing reveals no username.
 */
public final class BearerOrBasicAuth implements HttpHandler {
    /** Compared against when a scheme is not configured, so that a refusal costs the same as a check. */
    private static final byte[] UNSET =
            "token-monitor-bridge: no credential of this kind".getBytes(StandardCharsets.UTF_8);

    private final UnaryOperator<byte[]> digest;
    private final Optional<byte[]> bearer;
    private final Optional<byte[]> user;
    private final Optional<byte[]> password;
    private final byte[] unset;
    private final HttpHandler next;

    public BearerOrBasicAuth(
            Optional<Secret> bearerToken, Optional<String> user, Optional<Secret> password, HttpHandler next) {
        this(bearerToken, user, password, next, BearerOrBasicAuth::sha256);
    }

    /** With the hash of each credential given, so that a test can count the work of a check. */
    BearerOrBasicAuth(
            Optional<Secret> bearerToken,
            Optional<String> user,
            Optional<Secret> password,
            HttpHandler next,
            UnaryOperator<byte[]> digest) {
        this.digest = digest;
        this.bearer = bearerToken.map(t -> digest.apply(utf8(t.value())));
        this.user = user.flatMap(u -> password.map(p -> digest.apply(utf8(u))));
        this.password = user.flatMap(u -> password.map(p -> digest.apply(utf8(p.value()))));
        this.unset = digest.apply(UNSET);
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (authorised(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION))) {
            next.handleRequest(exchange);
            return;
        }
        exchange.setStatusCode(StatusCodes.UNAUTHORIZED);
        if (user.isPresent()) {
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Basic realm=\"token-monitor-bridge\"");
        } else {
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer");
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        // Close instead of draining the body: a client without credentials may send it as slowly as it likes.
        exchange.getResponseHeaders().put(Headers.CONNECTION, "close");
        exchange.setPersistent(false);
        Connectors.terminateRequest(exchange);
        exchange.getResponseSender()
                .send("unauthorized: send the bearer token or basic-auth credentials configured for the bridge\n");
    }

    boolean authorised(String header) {
        String scheme = "";
        String credentials = "";
        if (header != null && header.indexOf(' ') > 0) {
            int space = header.indexOf(' ');
            scheme = header.substring(0, space);
            credentials = header.substring(space + 1).strip();
        }
        if (scheme.equalsIgnoreCase("Bearer")) {
            return matches(bearer, utf8(credentials));
        }
        byte[] pair = new byte[0];
        if (scheme.equalsIgnoreCase("Basic")) {
            try {
                pair = Base64.getDecoder().decode(credentials);
            } catch (IllegalArgumentException e) {
                pair = new byte[0];
            }
        }
        int colon = indexOf(pair, (byte) ':');
        byte[] presentedUser = colon < 0 ? pair : java.util.Arrays.copyOfRange(pair, 0, colon);
        byte[] presentedPassword = colon < 0 ? new byte[0] : java.util.Arrays.copyOfRange(pair, colon + 1, pair.length);
        // Both compared, always, and combined without short-circuit: the work does not depend on the user.
        boolean userMatches = matches(user, presentedUser);
        boolean passwordMatches = matches(password, presentedPassword);
        return scheme.equalsIgnoreCase("Basic") && colon >= 0 & userMatches & passwordMatches;
    }

    private boolean matches(Optional<byte[]> expected, byte[] presented) {
        byte[] hashed = digest.apply(presented);
        return MessageDigest.isEqual(expected.orElse(unset), hashed) & expected.isPresent();
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}
