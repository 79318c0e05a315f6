package io.tokenmonitor.exporter.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.exporter.metrics.TextFormat;
import io.tokenmonitor.exporter.metrics.UsageExposition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * {@code /metrics}: the usage families from {@link UsageExposition}, then everything registered
 * with client_java (self metrics, channels, budgets, JVM, pool), in OpenMetrics when the scraper
 * accepts it (Prometheus does) and in the Prometheus text format otherwise; gzip when asked.
 */
final class MetricsEndpoint implements HttpHandler {

    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusRegistry registry;
    private final UsageExposition usage;

    MetricsEndpoint(PrometheusRegistry registry, UsageExposition usage) {
        this.registry = registry;
        this.usage = usage;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String accept = exchange.getRequestHeaders().getFirst("Accept");
            boolean openMetrics = accept != null && accept.contains("application/openmetrics-text");
            TextFormat format = openMetrics ? TextFormat.OPENMETRICS : TextFormat.PROMETHEUS_TEXT;
            String encoding = exchange.getRequestHeaders().getFirst("Accept-Encoding");
            boolean gzip = encoding != null && encoding.contains("gzip");
            ByteArrayOutputStream rest = new ByteArrayOutputStream(64 * 1024);
            if (openMetrics) {
                OpenMetricsTextFormatWriter.create().write(rest, registry.scrape()); // ends with "# EOF"
            } else {
                PrometheusTextFormatWriter.create().write(rest, registry.scrape());
            }
            exchange.getResponseHeaders().set("Content-Type", openMetrics ? OPENMETRICS : TEXT);
            if (gzip) {
                exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            }
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            byte[] head =
                    gzip ? usage.renderGzip(format) : usage.render(format); // gzip: a member of its own, ready made
            ByteArrayOutputStream tail = rest;
            if (gzip) {
                tail = new ByteArrayOutputStream(rest.size() / 4 + 64);
                try (GZIPOutputStream zip = new GZIPOutputStream(tail)) {
                    rest.writeTo(zip);
                }
            }
            // A known length spares the JDK server chunking megabytes into small pieces.
            exchange.sendResponseHeaders(200, head.length + tail.size());
            try (OutputStream out = new BoundedWrites(exchange.getResponseBody())) {
                out.write(head);
                tail.writeTo(out);
            }
        }
    }
}
