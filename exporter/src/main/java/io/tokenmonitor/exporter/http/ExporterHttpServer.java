package io.tokenmonitor.exporter.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Serves {@code /metrics} (OpenMetrics or Prometheus text, as the scraper asks), {@code /healthz}
 * (the process is alive) and {@code /readyz} (200 once the first backfill caught up, 503 before).
 */
public final class ExporterHttpServer implements AutoCloseable {

    private static final int THREADS = 4;

    private final HttpServer server;
    private final ExecutorService executor;

    private ExporterHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static ExporterHttpServer start(InetSocketAddress address, PrometheusRegistry registry, BooleanSupplier ready)
            throws IOException {
        HttpServer server = HttpServer.create(address, 0);
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", new MetricsHandler(registry));
        server.createContext("/healthz", exchange -> reply(exchange, 200, "ok\n"));
        server.createContext("/readyz", exchange -> {
            boolean isReady = ready.getAsBoolean();
            reply(exchange, isReady ? 200 : 503, isReady ? "ready\n" : "backfilling: usage metrics are withheld until the first sync catches up\n");
        });
        server.createContext("/", exchange -> {
            if (exchange.getRequestURI().getPath().equals("/")) {
                reply(exchange, 200, "Token Monitor exporter: /metrics /healthz /readyz\n");
            } else {
                reply(exchange, 404, "not found\n");
            }
        });
        server.start();
        return new ExporterHttpServer(server, executor);
    }

    /** The port actually bound (useful when started on port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
