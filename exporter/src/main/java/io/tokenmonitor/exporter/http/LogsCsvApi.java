package io.tokenmonitor.exporter.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.tokenmonitor.exporter.model.LogFilter;
import io.tokenmonitor.exporter.model.LogSource;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/logs.csv}: the store's raw log rows that the Logs dashboard's filters select, as a CSV download,
 * every row (no panel row cap), streamed from the store's cursor to the client. Reached only after
 * {@link ConsoleAuthenticator}; a GET changes nothing, so it needs no cross-site check. See {@link LogsCsvQuery} for
 * the parameters.
 */
final class LogsCsvApi implements HttpHandler {
    static final String PATH = "/api/v1/logs.csv";
    private static final Logger LOG = LoggerFactory.getLogger(LogsCsvApi.class);
    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    /** Characters buffered before a write to the client: the memory an export holds, whatever its size. */
    static final int BUFFER_CHARS = 32 * 1024;

    private final LogSource logs;
    private final JsonReply reply;
    private final Clock clock;

    LogsCsvApi(LogSource logs, JsonReply reply, Clock clock) {
        this.logs = logs;
        this.reply = reply;
        this.clock = clock;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(PATH)) {
                reply.error(
                        exchange,
                        404,
                        "",
                        "no such API endpoint: " + exchange.getRequestURI().getPath());
                return;
            }
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                reply.error(exchange, 405, "", "method " + exchange.getRequestMethod() + " not allowed here; use GET");
                return;
            }
            LogsCsvQuery query;
            try {
                query = LogsCsvQuery.parse(exchange.getRequestURI().getRawQuery());
            } catch (ApiError e) {
                reply.error(exchange, e.status(), e.field(), e.getMessage());
                return;
            }
            stream(exchange, query);
        }
    }

    private void stream(HttpExchange exchange, LogsCsvQuery query) throws IOException {
        String file = "token-monitor-logs-" + FILE_TIME.format(clock.instant()) + ".csv";
        exchange.getResponseHeaders().set("Content-Type", "text/csv; charset=utf-8; header=present");
        exchange.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + file + "\"");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        long started = System.nanoTime();
        LogFilter filter = query.filter();
        // 0: chunked, the length is not known until the last row.
        exchange.sendResponseHeaders(200, 0);
        long rows;
        try (Writer out = new BufferedWriter(
                new OutputStreamWriter(new BoundedWrites(exchange.getResponseBody()), StandardCharsets.UTF_8),
                BUFFER_CHARS)) {
            if (query.bom()) {
                out.write('\uFEFF');
            }
            CsvWriter csv = new CsvWriter(out);
            List<String> columns = logs.exportColumns();
            csv.row(columns);
            rows = logs.exportLogs(filter, csv::row);
        } catch (IOException e) {
            LOG.info(
                    "log export: the client went away after {} ms ({}); nothing to do",
                    millis(started),
                    e.getMessage());
            return;
        } catch (RuntimeException e) {
            // The status is sent: the client sees a cut-off transfer, not a complete file.
            LOG.error("log export: reading the store failed; the download was cut off; see the cause", e);
            return;
        }
        LOG.info(
                "log export: {} rows to {} in {} ms",
                rows,
                exchange.getAttribute(ConsoleAuthenticator.USER),
                millis(started));
    }

    private static long millis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
