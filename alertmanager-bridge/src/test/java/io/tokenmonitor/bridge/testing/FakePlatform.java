package io.tokenmonitor.bridge.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A local HTTP server on port 0 that records every request and answers as a platform would; tests swap the
 * answer at will (success, 429 with retry_after, body code errors, 5xx).
 */
public final class FakePlatform implements AutoCloseable {
    /** One recorded request. */
    public record Request(String path, String body) {}

    /** One answer. */
    public record Answer(int status, String body) {}

    public static final Answer TELEGRAM_OK = new Answer(200, "{\"ok\":true,\"result\":{\"message_id\":1}}");
    public static final Answer FEISHU_OK = new Answer(
            200, "{\"StatusCode\":0,\"StatusMessage\":\"success\",\"code\":0,\"data\":{},\"msg\":\"success\"}");
    public static final Answer WECOM_OK = new Answer(200, "{\"errcode\":0,\"errmsg\":\"ok\"}");

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Request> all = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Answer> responder;
    /** Stopped on close: its threads would otherwise keep a benchmark's JVM alive after main returns. */
    private final ExecutorService executor = Executors.newFixedThreadPool(4);

    public FakePlatform(Answer initial) {
        this.responder = r -> initial;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request request = new Request(exchange.getRequestURI().toString(), body);
            all.add(request);
            Answer answer = responder.apply(request);
            if (answer.status() / 100 == 2) {
                requests.add(request); // only what the platform accepted counts as delivered
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    public void answer(Answer answer) {
        this.responder = r -> answer;
    }

    public void answer(Function<Request, Answer> responder) {
        this.responder = responder;
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Requests answered with 2xx (whatever the body code says), in arrival order. */
    public List<Request> accepted() {
        return new ArrayList<>(requests);
    }

    /** Every request, answered however. */
    public List<Request> all() {
        return new ArrayList<>(all);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
