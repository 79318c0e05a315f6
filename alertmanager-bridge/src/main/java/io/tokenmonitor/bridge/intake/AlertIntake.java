package io.tokenmonitor.bridge.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmonitor.bridge.metrics.BridgeMetrics;
import io.tokenmonitor.bridge.policy.AlertPolicy;
import io.tokenmonitor.bridge.policy.Tally;
import io.tokenmonitor.bridge.state.StateStore;
import io.undertow.server.Connectors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * {@code POST /alerts}: reads an Alertmanager v4 webhook and answers 200 only after its notifications are
 * committed to the outbox; 503 when they could not be stored (Alertmanager retries only 5xx), 4xx for a request
 * that can never succeed. Mount it directly, not in a {@code BlockingHandler}: it reads the body on the IO thread
 * and takes a worker thread (to parse and write SQLite) only once the body is complete.
 */
public final class AlertIntake implements HttpHandler {
    /** Alertmanager groups are small; 1 MiB holds thousands of alerts and bounds a hostile body. */
    public static final long MAX_BODY_BYTES = 1024 * 1024;
    /** Up to this, a too-large body is read and discarded so the client sees its 413 (see refuseTooLarge). */
    static final long DISCARD_LIMIT_BYTES = 8 * MAX_BODY_BYTES;

    /** The whole body must arrive within this; Alertmanager sends even 1 MiB in milliseconds. */
    static final long BODY_DEADLINE_MS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(AlertIntake.class);
    private static final int MAX_REASON_CHARS = 200;

    private final ObjectMapper mapper;
    private final StateStore store;
    private final AlertPolicy policy;
    private final BridgeMetrics metrics;
    private final Clock clock;
    private final Runnable onQueued;

    public AlertIntake(
            ObjectMapper mapper,
            StateStore store,
            AlertPolicy policy,
            BridgeMetrics metrics,
            Clock clock,
            Runnable onQueued) {
        this.mapper = mapper;
        this.store = store;
        this.policy = policy;
        this.metrics = metrics;
        this.clock = clock;
        this.onQueued = onQueued;
    }

    /**
     * Runs on the IO thread: the body is read without blocking, under {@link #BODY_DEADLINE_MS} in all, and only
     * the whole body is handed to a worker thread, so a client that sends slowly holds no thread at all.
     */
    @Override
    public void handleRequest(HttpServerExchange exchange) {
        long announced = exchange.getRequestContentLength();
        if (announced > MAX_BODY_BYTES) {
            refuseTooLarge(exchange, announced);
            return;
        }
        exchange.setMaxEntitySize(MAX_BODY_BYTES);
        AtomicBoolean received = new AtomicBoolean();
        XnioExecutor.Key deadline = exchange.getIoThread()
                .executeAfter(
                        () -> {
                            if (received.compareAndSet(false, true)) {
                                // Alertmanager sends its body at once; one that trickles is not worth a thread.
                                IoUtils.safeClose(exchange.getConnection());
                            }
                        },
                        BODY_DEADLINE_MS,
                        TimeUnit.MILLISECONDS);
        exchange.getRequestReceiver()
                .receiveFullBytes(
                        (ex, body) -> {
                            if (received.compareAndSet(false, true)) {
                                deadline.remove();
                                ex.dispatch((HttpHandler) e -> accept(e, body));
                            }
                        },
                        (ex, e) -> {
                            if (received.compareAndSet(false, true)) {
                                deadline.remove();
                                // Chunked bodies only exceed the limit while being read; Undertow may wrap it.
                                boolean tooBig = false;
                                for (Throwable t = e; t != null && !tooBig; t = t.getCause()) {
                                    tooBig = t instanceof RequestTooBigException;
                                }
                                refuse(
                                        ex,
                                        tooBig ? StatusCodes.REQUEST_ENTITY_TOO_LARGE : StatusCodes.BAD_REQUEST,
                                        tooBig
                                                ? "body larger than " + MAX_BODY_BYTES + " bytes"
                                                : "could not read the request body");
                            }
                        });
    }

    /** On a worker thread, with the whole body: parses it and commits its notifications. */
    private void accept(HttpServerExchange exchange, byte[] body) {
        if (!validUtf8(body)) {
            // JSON on the wire is UTF-8 (RFC 8259); Jackson alone lets some malformed sequences through.
            reply(exchange, StatusCodes.BAD_REQUEST, "not an Alertmanager v4 webhook: body is not valid UTF-8");
            return;
        }
        WebhookMessage message;
        try {
            message = mapper.readValue(body, WebhookMessage.class);
        } catch (JsonProcessingException e) {
            reply(
                    exchange,
                    StatusCodes.BAD_REQUEST,
                    "not an Alertmanager v4 webhook: " + oneLine(e.getOriginalMessage()));
            return;
        } catch (IOException e) {
            reply(exchange, StatusCodes.BAD_REQUEST, "not an Alertmanager v4 webhook: unreadable body");
            return;
        }
        if (message == null) {
            reply(exchange, StatusCodes.BAD_REQUEST, "not an Alertmanager v4 webhook: empty body");
            return;
        }
        var problem = message.problem();
        if (problem.isPresent()) {
            reply(exchange, StatusCodes.BAD_REQUEST, "not an Alertmanager v4 webhook: " + problem.get());
            return;
        }
        Tally tally = new Tally();
        try {
            store.writeGrouped(h -> {
                policy.accept(
                        h,
                        message.groupKey() == null ? "" : message.groupKey(),
                        message.groupLabelsWithoutNulls(),
                        message.events(),
                        clock.instant(),
                        tally);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn(
                    "intake: storing {} alert(s) of group {} failed, answering 503: {}",
                    message.alerts().size(),
                    message.groupKey(),
                    oneLine(String.valueOf(e.getMessage())));
            reply(exchange, StatusCodes.SERVICE_UNAVAILABLE, "could not store the alerts; retry later");
            return;
        }
        tally.publish(metrics);
        if (tally.enqueued() > 0) {
            onQueued.run();
        }
        reply(exchange, StatusCodes.OK, "queued");
    }

    /**
     * A body announced too large is read and thrown away first, without a worker and under the same deadline, when
     * it is at most {@link #DISCARD_LIMIT_BYTES}: closing a socket with unread bytes makes the kernel reset the
     * connection, and the reset can destroy the 413 before the client reads it. Larger ones are refused at once.
     */
    private static void refuseTooLarge(HttpServerExchange exchange, long announced) {
        String text = "body larger than " + MAX_BODY_BYTES + " bytes";
        if (announced > DISCARD_LIMIT_BYTES) {
            refuse(exchange, StatusCodes.REQUEST_ENTITY_TOO_LARGE, text);
            return;
        }
        exchange.setMaxEntitySize(announced);
        AtomicBoolean done = new AtomicBoolean();
        XnioExecutor.Key deadline = exchange.getIoThread()
                .executeAfter(
                        () -> {
                            if (done.compareAndSet(false, true)) {
                                IoUtils.safeClose(exchange.getConnection());
                            }
                        },
                        BODY_DEADLINE_MS,
                        TimeUnit.MILLISECONDS);
        exchange.getRequestReceiver()
                .receivePartialBytes(
                        (ex, chunk, last) -> {
                            if (last && done.compareAndSet(false, true)) {
                                deadline.remove();
                                refuse(ex, StatusCodes.REQUEST_ENTITY_TOO_LARGE, text);
                            }
                        },
                        (ex, e) -> {
                            if (done.compareAndSet(false, true)) {
                                deadline.remove();
                                IoUtils.safeClose(ex.getConnection());
                            }
                        });
    }

    /** A body left unread is not drained: the client is told and the connection closed. */
    private static void refuse(HttpServerExchange exchange, int status, String text) {
        exchange.getResponseHeaders().put(Headers.CONNECTION, "close");
        exchange.setPersistent(false);
        Connectors.terminateRequest(exchange);
        reply(exchange, status, text);
    }

    private static boolean validUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static void reply(HttpServerExchange exchange, int status, String text) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send(text + "\n");
    }

    /** First line, bounded: a hostile body must not be echoed back at length. */
    private static String oneLine(String text) {
        String line = text == null ? "" : text.lines().findFirst().orElse("").strip();
        return line.length() > MAX_REASON_CHARS ? line.substring(0, MAX_REASON_CHARS) + "…" : line;
    }
}
