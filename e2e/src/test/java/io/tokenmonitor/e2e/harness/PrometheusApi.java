package io.tokenmonitor.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** A small client for Prometheus's HTTP API (/api/v1/query, query_range, series, label values, targets). */
public final class PrometheusApi {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    public PrometheusApi(URI base) {
        this.base = base;
    }

    public URI base() {
        return base;
    }

    /** One series of a query answer: its labels and its samples (one for instant queries). */
    public record Series(Map<String, String> labels, List<Double> values) {}

    /** An instant query at {@code time}. Fails on a PromQL error, with the expression in the message. */
    public List<Series> query(String expr, Instant time) {
        JsonNode data = post("/api/v1/query", Map.of("query", expr, "time", seconds(time)), expr);
        return series(data);
    }

    /** A range query from {@code start} to {@code end} every {@code step}. */
    public List<Series> queryRange(String expr, Instant start, Instant end, Duration step) {
        JsonNode data = post(
                "/api/v1/query_range",
                Map.of(
                        "query",
                        expr,
                        "start",
                        seconds(start),
                        "end",
                        seconds(end),
                        "step",
                        Double.toString(step.toMillis() / 1000.0)),
                expr);
        return series(data);
    }

    /** Label sets of the series matching {@code selector} between {@code start} and {@code end}. */
    public List<Map<String, String>> seriesMatching(String selector, Instant start, Instant end) {
        JsonNode data = post(
                "/api/v1/series", Map.of("match[]", selector, "start", seconds(start), "end", seconds(end)), selector);
        List<Map<String, String>> out = new ArrayList<>();
        data.forEach(node -> out.add(labels(node)));
        return out;
    }

    /** Every value of {@code label} in the database. */
    public List<String> labelValues(String label) {
        JsonNode data = get("/api/v1/label/" + label + "/values", label);
        List<String> out = new ArrayList<>();
        data.forEach(node -> out.add(node.asText()));
        return out;
    }

    /** Scrape targets by job, with their health ("up", "down", "unknown"). */
    public Map<String, String> targetHealthByScrapeUrl() {
        JsonNode data = get("/api/v1/targets", "targets");
        Map<String, String> out = new LinkedHashMap<>();
        data.path("activeTargets")
                .forEach(t ->
                        out.put(t.path("scrapeUrl").asText(), t.path("health").asText()));
        return out;
    }

    /** Names of the loaded rule groups. */
    public List<String> ruleGroups() {
        JsonNode data = get("/api/v1/rules", "rules");
        List<String> out = new ArrayList<>();
        data.path("groups").forEach(g -> out.add(g.path("name").asText()));
        return out;
    }

    private JsonNode post(String path, Map<String, String> form, String what) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(TIMEOUT)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                what);
    }

    private JsonNode get(String path, String what) {
        return send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(TIMEOUT)
                        .GET()
                        .build(),
                what);
    }

    private JsonNode send(HttpRequest request, String what) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode root = json.readTree(response.body());
            if (response.statusCode() != 200
                    || !"success".equals(root.path("status").asText())) {
                throw new PromQueryException(what + ": Prometheus answered " + response.statusCode() + " "
                        + root.path("errorType").asText() + ": "
                        + root.path("error").asText());
            }
            return root.path("data");
        } catch (IOException e) {
            throw new UncheckedIOException(what + ": " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static List<Series> series(JsonNode data) {
        List<Series> out = new ArrayList<>();
        String type = data.path("resultType").asText();
        if (type.equals("scalar") || type.equals("string")) {
            out.add(new Series(Map.of(), List.of(number(data.path("result").get(1)))));
            return out;
        }
        for (JsonNode s : data.path("result")) {
            List<Double> values = new ArrayList<>();
            if (s.has("value")) {
                values.add(number(s.path("value").get(1)));
            }
            s.path("values").forEach(v -> values.add(number(v.get(1))));
            out.add(new Series(labels(s.path("metric").isMissingNode() ? s : s.path("metric")), values));
        }
        return out;
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new LinkedHashMap<>();
        new TreeSet<String>(iterable(node))
                .forEach(k -> labels.put(k, node.path(k).asText()));
        return labels;
    }

    private static List<String> iterable(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static double number(JsonNode node) {
        String text = node.asText();
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    private static String seconds(Instant time) {
        return Double.toString(time.toEpochMilli() / 1000.0);
    }

    /** Prometheus rejected a query (syntax, types, execution). */
    public static final class PromQueryException extends RuntimeException {
        PromQueryException(String message) {
            super(message);
        }
    }
}
