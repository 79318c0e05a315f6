package io.tokenmonitor.exporter.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * {@code /console/}: the rules page, plain files from the jar (no build step, nothing from another site). Reached
 * only after {@link ConsoleAuthenticator}.
 */
final class ConsolePage implements HttpHandler {
    static final String PREFIX = "/console";
    /** Where the page's files are in the jar. */
    static final String STATIC = "io/tokenmonitor/exporter/console/static/";

    /** The only files served, with their types: nothing else of the class path can be read through here. */
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8",
            "favicon.svg", "image/svg+xml");

    /** Nothing from elsewhere: no scripts, styles or frames from another origin, and never framed itself. */
    static final String CSP = "default-src 'self'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'";

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.equals(PREFIX)) {
                exchange.getResponseHeaders().set("Location", PREFIX + "/");
                exchange.sendResponseHeaders(302, -1);
                return;
            }
            String file = path.startsWith(PREFIX + "/") ? path.substring(PREFIX.length() + 1) : "";
            if (path.equals(PREFIX + "/")) {
                file = "index.html";
            }
            if (!exchange.getRequestMethod().equals("GET")
                    && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String type = FILES.get(file);
            byte[] bytes = type == null ? null : read(file);
            if (bytes == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.getResponseHeaders().set("Content-Security-Policy", CSP);
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = new BoundedWrites(exchange.getResponseBody())) {
                out.write(bytes);
            }
        }
    }

    private static byte[] read(String file) throws IOException {
        try (InputStream in = ConsolePage.class.getClassLoader().getResourceAsStream(STATIC + file)) {
            return in == null ? null : in.readAllBytes();
        }
    }
}
