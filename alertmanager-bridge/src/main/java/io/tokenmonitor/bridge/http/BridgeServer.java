package io.tokenmonitor.bridge.http;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.xnio.Options;

/**
 * The bridge's HTTP endpoints: {@code POST /alerts}, {@code GET /metrics}, {@code GET /healthz}, and the console
 * ({@code /console/}, {@code /api/v1/}).
 *
 * <p>No route blocks a thread on a client: {@code /alerts} authenticates and reads its body on the IO threads
 * (see {@code BearerOrBasicAuth} and {@code AlertIntake}) and takes a worker only with the whole body in hand;
 * {@code /metrics} and {@code /healthz} run on their own two threads, so a burst of webhooks cannot starve the
 * scrape and the health check that report on it. Writes are asynchronous, and a connection that stops sending
 * or reading is closed after {@link #SOCKET_TIMEOUT_MS}.
 */
public final class BridgeServer implements AutoCloseable {
    /** A client that sends or reads nothing for this long is gone or hostile; Alertmanager never pauses so. */
    static final int SOCKET_TIMEOUT_MS = 30_000;

    private final Undertow undertow;
    private final ExecutorService observers;

    /** Builds and starts the server without the console ({@code /console/} and {@code /api/v1/} answer 404). */
    public BridgeServer(String host, int port, HttpHandler alerts, HttpHandler metrics, BooleanSupplier healthy) {
        this(host, port, alerts, metrics, healthy, BridgeServer::notFound, BridgeServer::notFound);
    }

    /**
     * Builds and starts the server; {@code alerts} is already wrapped in authentication when required, and so are
     * {@code console} (mounted at {@code /console}) and {@code api} (at {@code /api/v1}), which see the path below
     * their prefix as the relative path.
     */
    public BridgeServer(
            String host,
            int port,
            HttpHandler alerts,
            HttpHandler metrics,
            BooleanSupplier healthy,
            HttpHandler console,
            HttpHandler api) {
        this.observers = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "http-observers");
            t.setDaemon(true);
            return t;
        });
        HttpHandler health = exchange -> {
            boolean ok = healthy.getAsBoolean();
            exchange.setStatusCode(ok ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
            exchange.getResponseSender().send(ok ? "ok\n" : "state store unavailable\n");
        };
        HttpHandler routes = Handlers.routing()
                .post("/alerts", alerts)
                .get("/metrics", exchange -> exchange.dispatch(observers, metrics))
                .get("/healthz", exchange -> exchange.dispatch(observers, health))
                .setFallbackHandler(BridgeServer::notFound)
                .setInvalidMethodHandler(exchange -> {
                    exchange.setStatusCode(StatusCodes.METHOD_NOT_ALLOWED);
                    exchange.getResponseSender().send("method not allowed\n");
                });
        this.undertow = Undertow.builder()
                .addHttpListener(port, host)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, 10_000)
                .setServerOption(UndertowOptions.IDLE_TIMEOUT, SOCKET_TIMEOUT_MS)
                .setSocketOption(Options.READ_TIMEOUT, SOCKET_TIMEOUT_MS)
                .setSocketOption(Options.WRITE_TIMEOUT, SOCKET_TIMEOUT_MS)
                .setHandler(
                        Handlers.path(routes).addPrefixPath("/console", console).addPrefixPath("/api/v1", api))
                .build();
        undertow.start();
    }

    private static void notFound(HttpServerExchange exchange) {
        exchange.setStatusCode(StatusCodes.NOT_FOUND);
        exchange.getResponseSender()
                .send("not found; endpoints: POST /alerts, GET /metrics, GET /healthz, /console/, /api/v1/\n");
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    @Override
    public void close() {
        undertow.stop();
        observers.shutdownNow();
    }
}
