package io.tokenmonitor.bridge.console;

import io.tokenmonitor.common.web.CrossSiteWrites;
import io.tokenmonitor.common.web.LoginThrottle;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.resource.ClassPathResourceManager;
import io.undertow.server.handlers.resource.ResourceHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The console's HTTP side: {@code /console/} (the page, static files from the jar) and {@code /api/v1/} (the API),
 * behind, in this order, the login throttle, authentication and the cross-site write check. With no login
 * configured both answer 404 with how to switch them on.
 */
public final class ConsoleHttp {
    /** Where the page's files are in the jar. */
    static final String STATIC = "io/tokenmonitor/bridge/console/static/";

    private static final String HOW_TO = "the console is off: set BRIDGE_USER and BRIDGE_PASSWORD (or their _FILE"
            + " forms), or ACCESS_PASSWORD for the user admin, and restart the bridge";

    private ConsoleHttp() {}

    /** The handlers for {@code /console} and {@code /api/v1}, each relative to its prefix. */
    public record Mounts(HttpHandler page, HttpHandler api) {}

    /** @param authenticate wraps a handler in the check of the console's login (a 401 otherwise) */
    public static Mounts on(
            ConsoleService service, String user, UnaryOperator<HttpHandler> authenticate, LoginThrottle throttle) {
        HttpHandler page = new ResourceHandler(new ClassPathResourceManager(ConsoleHttp.class.getClassLoader(), STATIC))
                .setWelcomeFiles("index.html")
                .setDirectoryListingEnabled(false);
        HttpHandler pageWithHeaders = exchange -> {
            if (exchange.getRelativePath().isEmpty()) {
                exchange.setStatusCode(StatusCodes.FOUND);
                exchange.getResponseHeaders().put(Headers.LOCATION, "/console/");
                exchange.endExchange();
                return;
            }
            // Nothing from elsewhere: no scripts, styles or frames from another origin, and never framed itself.
            exchange.getResponseHeaders()
                    .put(
                            new HttpString("Content-Security-Policy"),
                            "default-src 'self'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'");
            exchange.getResponseHeaders().put(new HttpString("X-Content-Type-Options"), "nosniff");
            exchange.getResponseHeaders().put(new HttpString("Referrer-Policy"), "no-referrer");
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
            page.handleRequest(exchange);
        };
        HttpHandler api = sameSiteWrites(new ConsoleApi(service, user));
        return new Mounts(
                throttled(throttle, authenticate.apply(pageWithHeaders)), throttled(throttle, authenticate.apply(api)));
    }

    /** Both prefixes when no login is configured: 404 saying how to switch the console on. */
    public static Mounts off() {
        HttpHandler page = exchange -> {
            exchange.setStatusCode(StatusCodes.NOT_FOUND);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
            exchange.getResponseSender()
                    .send("<!doctype html><meta charset=utf-8><title>Token Monitor bridge console</title>"
                            + "<p>Token Monitor bridge: " + HOW_TO + ".</p>"
                            + "<p>Token Monitor 告警桥：控制台未开启。请设置 BRIDGE_USER 和 BRIDGE_PASSWORD（或 _FILE 形式），"
                            + "或设置 ACCESS_PASSWORD（用户名 admin），然后重启。</p>\n");
        };
        HttpHandler api = exchange -> {
            exchange.setStatusCode(StatusCodes.NOT_FOUND);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json; charset=utf-8");
            exchange.getResponseSender().send("{\"error\":\"" + HOW_TO + "\"}");
        };
        return new Mounts(page, api);
    }

    /** Refuses writes a foreign page could have made (see {@link CrossSiteWrites}). */
    static HttpHandler sameSiteWrites(HttpHandler next) {
        return exchange -> {
            CrossSiteWrites.Verdict verdict = CrossSiteWrites.check(new CrossSiteWrites.Request(
                    exchange.getRequestMethod().toString(),
                    header(exchange, Headers.HOST),
                    header(exchange, Headers.CONTENT_TYPE),
                    header(exchange, Headers.ORIGIN),
                    header(exchange, new HttpString("Sec-Fetch-Site"))));
            if (verdict == CrossSiteWrites.Verdict.ALLOWED) {
                next.handleRequest(exchange);
                return;
            }
            refuse(exchange, verdict.status(), verdict.reason());
        };
    }

    /**
     * Refuses a client with too many recent wrong logins before its credentials are even checked, and counts each
     * request that carried credentials and was answered 401.
     */
    static HttpHandler throttled(LoginThrottle throttle, HttpHandler authenticated) {
        return exchange -> {
            String client = exchange.getSourceAddress().getAddress().getHostAddress();
            Duration wait = throttle.waitFor(client);
            if (!wait.isZero()) {
                exchange.getResponseHeaders()
                        .put(Headers.RETRY_AFTER, Long.toString(Math.max(1, wait.toSeconds() + 1)));
                refuse(
                        exchange,
                        StatusCodes.TOO_MANY_REQUESTS,
                        "too many wrong logins from this address; wait " + Math.max(1, wait.toSeconds() + 1) + " s");
                return;
            }
            boolean presented = exchange.getRequestHeaders().contains(Headers.AUTHORIZATION);
            exchange.addExchangeCompleteListener((ex, nextListener) -> {
                if (presented && ex.getStatusCode() == StatusCodes.UNAUTHORIZED) {
                    throttle.failed(client);
                }
                nextListener.proceed();
            });
            authenticated.handleRequest(exchange);
        };
    }

    private static Optional<String> header(HttpServerExchange exchange, HttpString name) {
        return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
    }

    private static void refuse(HttpServerExchange exchange, int status, String reason) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json; charset=utf-8");
        exchange.getResponseSender().send("{\"error\":\"" + reason.replace("\"", "'") + "\"}");
    }
}
