package io.tokenmonitor.bridge.digest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Instant queries against Prometheus' HTTP API ({@code /api/v1/query}). Prometheus holds every gateway's usage and
 * the budgets' series; the bridge cannot read the exporter's store, and asking Prometheus gives the same numbers the
 * dashboards show.
 */
public final class PrometheusQueries {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final URI base;
    /** The address as logged and shown in a digest: without user info, which may hold a password. */
    private final String shown;

    private final HttpClient client;
    private final ObjectMapper json;

    public PrometheusQueries(URI base, HttpClient client, ObjectMapper json) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text : text + "/");
        this.shown = shown(this.base);
        this.client = client;
        this.json = json;
    }

    /** One series of an instant vector. */
    public record Sample(Map<String, String> labels, double value) {
        public Sample {
            labels = new TreeMap<>(labels);
        }
    }

    /** Prometheus did not answer, or answered with an error; the message is for the digest and the log. */
    public static final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message);
        }
    }

    /** Evaluates {@code promql} at {@code time}; a scalar comes back as one sample without labels. */
    public List<Sample> query(String promql, Instant time) throws Unavailable {
        String form = "query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&time="
                + (time.toEpochMilli() / 1000.0);
        HttpRequest request = HttpRequest.newBuilder(base.resolve("api/v1/query"))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unavailable("Prometheus at " + shown + " did not answer ("
                    + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while asking Prometheus");
        }
        JsonNode body;
        try {
            body = json.readTree(response.body());
        } catch (IOException e) {
            throw new Unavailable("Prometheus at " + shown + " answered HTTP " + response.statusCode()
                    + " with a body that is not JSON");
        }
        if (!"success".equals(body.path("status").asText())) {
            throw new Unavailable("Prometheus at " + shown + " answered HTTP " + response.statusCode() + ": "
                    + body.path("error").asText("no error text"));
        }
        JsonNode data = body.path("data");
        List<Sample> out = new ArrayList<>();
        if ("scalar".equals(data.path("resultType").asText())) {
            out.add(new Sample(Map.of(), number(data.path("result").path(1))));
            return out;
        }
        for (JsonNode series : data.path("result")) {
            Map<String, String> labels = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = series.path("metric").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                labels.put(e.getKey(), e.getValue().asText());
            }
            out.add(new Sample(labels, number(series.path("value").path(1))));
        }
        return out;
    }

    /** {@code scheme://host:port/path} of {@code uri}, never its user info or query. */
    public static String shown(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getPath() == null ? "" : uri.getPath());
    }

    private static double number(JsonNode text) {
        return switch (text.asText()) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text.asText());
        };
    }
}
