package io.tokenmonitor.bridge.http;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.net.InetSocketAddress;
import java.util.function.BooleanSupplier;

/** The bridge's HTTP endpoints: {@code POST /alerts}, {@code GET /metrics}, {@code GET /healthz}. */
public final class BridgeServer implements AutoCloseable {
    private final Undertow undertow;

    /** Builds and starts the server; {@code alerts} is already wrapped in authentication when required. */
    public BridgeServer(String host, int port, HttpHandler alerts, HttpHandler metrics, BooleanSupplier healthy) {
        HttpHandler routes = Handlers.routing()
                .post("/alerts", new BlockingHandler(alerts))
                .get("/metrics", new BlockingHandler(metrics))
                .get("/healthz", new BlockingHandler(exchange -> {
                    boolean ok = healthy.getAsBoolean();
                    exchange.setStatusCode(ok ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE);
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
                    exchange.getResponseSender().send(ok ? "ok\n" : "state store unavailable\n");
                }))
                .setFallbackHandler(exchange -> {
                    exchange.setStatusCode(StatusCodes.NOT_FOUND);
                    exchange.getResponseSender()
                            .send("not found; endpoints: POST /alerts, GET /metrics, GET /healthz\n");
                })
                .setInvalidMethodHandler(exchange -> {
                    exchange.setStatusCode(StatusCodes.METHOD_NOT_ALLOWED);
                    exchange.getResponseSender().send("method not allowed\n");
                });
        this.undertow = Undertow.builder()
                .addHttpListener(port, host)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, 10_000)
                .setHandler(routes)
                .build();
        undertow.start();
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    @Override
    public void close() {
        undertow.stop();
    }
}
