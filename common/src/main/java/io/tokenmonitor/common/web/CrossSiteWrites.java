package io.tokenmonitor.common.web;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which requests to a console's API count as cross-site writes, whatever HTTP server answers them. A browser sends
 * a cookie or a cached Basic-auth header with any request a foreign page makes, so a write must prove that it comes
 * from the console's own page: it must be JSON (a plain HTML form cannot send {@code application/json}, and a
 * script on another site cannot without a CORS preflight, which the console never grants), and when the browser
 * says where the request comes from ({@code Origin}, {@code Sec-Fetch-Site}), that must be this very site.
 *
 * <p>A request with neither header is not from a browser page (curl, a script) and cannot be forged by one: modern
 * browsers send {@code Origin} on every POST, so it is let through.
 */
public final class CrossSiteWrites {
    /** The outcome of the check; each carries the HTTP status and a one-line reason for the client. */
    public enum Verdict {
        ALLOWED(200, ""),
        CROSS_ORIGIN(403, "cross-site request refused: the Origin or Sec-Fetch-Site is not this site"),
        NOT_JSON(415, "send the body as JSON with Content-Type: application/json");

        private final int status;
        private final String reason;

        Verdict(int status, String reason) {
            this.status = status;
            this.reason = reason;
        }

        public int status() {
            return status;
        }

        public String reason() {
            return reason;
        }
    }

    /** What the check needs of a request; absent headers are empty. */
    public record Request(
            String method,
            Optional<String> host,
            Optional<String> contentType,
            Optional<String> origin,
            Optional<String> secFetchSite) {}

    /** Methods that change nothing; the check lets them through. */
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private CrossSiteWrites() {}

    public static Verdict check(Request request) {
        if (SAFE.contains(request.method().toUpperCase(Locale.ROOT))) {
            return Verdict.ALLOWED;
        }
        Optional<String> site = request.secFetchSite().map(s -> s.strip().toLowerCase(Locale.ROOT));
        // "none": the user started it (typed, bookmark); browsers never use it for a page's fetch or form.
        if (site.isPresent() && !site.get().equals("same-origin") && !site.get().equals("none")) {
            return Verdict.CROSS_ORIGIN;
        }
        if (request.origin().isPresent() && !sameOrigin(request.origin().get(), request.host())) {
            return Verdict.CROSS_ORIGIN;
        }
        if (!isJson(request.contentType())) {
            return Verdict.NOT_JSON;
        }
        return Verdict.ALLOWED;
    }

    /** {@code application/json}, with or without parameters such as {@code charset}. */
    static boolean isJson(Optional<String> contentType) {
        return contentType
                .map(c -> c.split(";", 2)[0].strip().toLowerCase(Locale.ROOT))
                .filter(c -> c.equals("application/json"))
                .isPresent();
    }

    /**
     * Whether the Origin names the host the request was sent to. Only host and port are compared, not the scheme: a
     * TLS-terminating proxy in front of the server makes the page's {@code https} origin arrive as plain HTTP.
     */
    static boolean sameOrigin(String origin, Optional<String> host) {
        if (host.isEmpty() || origin.strip().equalsIgnoreCase("null")) {
            return false;
        }
        URI uri;
        try {
            uri = URI.create(origin.strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (uri.getHost() == null || uri.getScheme() == null) {
            return false;
        }
        int defaultPort = uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        int originPort = uri.getPort() < 0 ? defaultPort : uri.getPort();
        URI hostUri;
        try {
            hostUri = URI.create("http://" + host.get().strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (hostUri.getHost() == null) {
            return false;
        }
        int hostPort = hostUri.getPort() < 0 ? defaultPort : hostUri.getPort();
        return uri.getHost().equalsIgnoreCase(hostUri.getHost()) && originPort == hostPort;
    }
}
