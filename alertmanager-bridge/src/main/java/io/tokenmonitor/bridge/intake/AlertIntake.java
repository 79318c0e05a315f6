package io.tokenmonitor.bridge.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmonitor.bridge.metrics.BridgeMetrics;
import io.tokenmonitor.bridge.policy.AlertPolicy;
import io.tokenmonitor.bridge.policy.Tally;
import io.tokenmonitor.bridge.state.StateStore;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /alerts}: reads an Alertmanager v4 webhook and answers 200 only after its notifications are
 * committed to the outbox; 503 when they could not be stored (Alertmanager retries only 5xx), 4xx for a request
 * that can never succeed. Mount it in a {@code BlockingHandler}: it parses and writes SQLite.
 */
public final class AlertIntake implements HttpHandler {
    /** Alertmanager groups are small; 1 MiB holds thousands of alerts and bounds a hostile body. */
    public static final long MAX_BODY_BYTES = 1024 * 1024;

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

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        exchange.setMaxEntitySize(MAX_BODY_BYTES);
        if (exchange.getRequestContentLength() > MAX_BODY_BYTES) {
            reply(exchange, StatusCodes.REQUEST_ENTITY_TOO_LARGE, "body larger than " + MAX_BODY_BYTES + " bytes");
            return;
        }
        byte[] body;
        try {
            body = exchange.getInputStream().readAllBytes();
        } catch (IOException e) {
            // Chunked bodies only exceed the limit while being read; Undertow may wrap the exception.
            boolean tooBig = false;
            for (Throwable t = e; t != null && !tooBig; t = t.getCause()) {
                tooBig = t instanceof RequestTooBigException;
            }
            reply(
                    exchange,
                    tooBig ? StatusCodes.REQUEST_ENTITY_TOO_LARGE : StatusCodes.BAD_REQUEST,
                    tooBig ? "body larger than " + MAX_BODY_BYTES + " bytes" : "could not read the request body");
            return;
        }
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
                policy.accept(h, message.events(), clock.instant(), tally);
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
