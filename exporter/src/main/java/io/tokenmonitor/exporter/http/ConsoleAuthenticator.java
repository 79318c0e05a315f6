package io.tokenmonitor.exporter.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import io.tokenmonitor.common.web.ConsoleLogin;
import io.tokenmonitor.common.web.LoginThrottle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who may use the rules console and its API: the web config's {@code basic_auth_users} (bcrypt, as {@code /metrics}
 * checks them) and, with {@code ACCESS_PASSWORD}, the user {@code admin}. HTTP Basic, the browser's own login
 * prompt, as the bridge's console. A client with too many recent wrong logins is refused (429) before its
 * credentials are even checked ({@link LoginThrottle}).
 */
final class ConsoleAuthenticator {
    /** The request attribute that holds the authenticated user, for the audit's actor. */
    static final String USER = "io.tokenmonitor.exporter.console.user";

    private final Optional<BcryptAuthenticator> webUsers;
    private final int webUserCount;
    private final Optional<ConsoleLogin> accessPassword;
    private final LoginThrottle throttle;
    private final JsonReply reply;

    ConsoleAuthenticator(
            Map<String, String> basicAuthUsers,
            Optional<ConsoleLogin> accessPassword,
            LoginThrottle throttle,
            JsonReply reply) {
        this.webUsers =
                basicAuthUsers.isEmpty() ? Optional.empty() : Optional.of(new BcryptAuthenticator(basicAuthUsers));
        this.webUserCount = basicAuthUsers.size();
        this.accessPassword = accessPassword;
        this.throttle = throttle;
        this.reply = reply;
    }

    /** Whether anyone can log in at all; without, the console is off. */
    boolean configured() {
        return webUsers.isPresent() || accessPassword.isPresent();
    }

    /** Who may log in, for the start-up log line (names of settings, never a secret). */
    String describe() {
        List<String> who = new ArrayList<>();
        if (webUsers.isPresent()) {
            who.add(webUserCount + " basic_auth_users of the web config");
        }
        accessPassword.ifPresent(login -> who.add("the user " + login.user() + " (" + login.source() + ")"));
        return String.join(" and ", who);
    }

    /** The user the {@code Authorization} header proves; empty for none, a malformed one or a wrong password. */
    Optional<String> user(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        boolean access = accessPassword
                .filter(login -> login.user().equals(user))
                .filter(login -> sameSecret(login.password().value(), password))
                .isPresent();
        if (access || webUsers.map(w -> w.checkCredentials(user, password)).orElse(false)) {
            return Optional.of(user);
        }
        return Optional.empty();
    }

    /** Throttle, then authentication; the user goes on as the {@link #USER} attribute. */
    Filter filter() {
        return new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                String client = exchange.getRemoteAddress().getAddress().getHostAddress();
                Duration wait = throttle.waitFor(client);
                if (!wait.isZero()) {
                    long seconds = Math.max(1, wait.toSeconds() + 1);
                    exchange.getResponseHeaders().set("Retry-After", Long.toString(seconds));
                    reply.error(exchange, 429, "", "too many wrong logins from this address; wait " + seconds + " s");
                    return;
                }
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                Optional<String> user = user(authorization);
                if (user.isEmpty()) {
                    if (authorization != null) {
                        throttle.failed(client);
                    }
                    exchange.getResponseHeaders()
                            .set(
                                    "WWW-Authenticate",
                                    "Basic realm=\"" + BcryptAuthenticator.REALM + "\", charset=\"UTF-8\"");
                    reply.error(
                            exchange,
                            401,
                            "",
                            "log in with a user of the web config's basic_auth_users, or admin and ACCESS_PASSWORD");
                    return;
                }
                exchange.setAttribute(USER, user.get());
                chain.doFilter(exchange);
            }

            @Override
            public String description() {
                return "console login";
            }
        };
    }

    /** Compares digests, so the time taken tells nothing about how much of the password was right. */
    private static boolean sameSecret(String expected, String given) {
        return MessageDigest.isEqual(sha256(expected), sha256(given));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
