package io.tokenmonitor.exporter.testing;

import io.tokenmonitor.common.testing.Usage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads an exporter's /metrics over HTTP and sums the usage families per channel and model. */
public final class MetricsScrape {

    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One sample: metric name, labels, value. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    private final java.util.List<Sample> samples;
    private final String text;

    private MetricsScrape(java.util.List<Sample> samples, String text) {
        this.samples = samples;
        this.text = text;
    }

    public static MetricsScrape of(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return parse(response.body());
    }

    public static MetricsScrape parse(String text) {
        java.util.List<Sample> samples = new java.util.ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), unescape(l.group(2)));
                }
            }
            samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
        }
        return new MetricsScrape(samples, text);
    }

    private static String unescape(String value) {
        return value.replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
    }

    public String text() {
        return text;
    }

    public java.util.List<Sample> samples() {
        return samples;
    }

    /** The value of an unlabelled sample, or NaN. */
    public double value(String name) {
        return samples.stream()
                .filter(s -> s.name().equals(name))
                .mapToDouble(Sample::value)
                .findFirst()
                .orElse(Double.NaN);
    }

    /** Usage per "channel|model" as the exporter reports it. */
    public Map<String, Usage> usage() {
        Map<String, long[]> sums = new HashMap<>();
        for (Sample s : samples) {
            String key = s.labels().get("channel_id") + "|" + s.labels().get("model");
            long v = (long) s.value();
            int slot = switch (s.name()) {
                case "newapi_usage_requests_total" -> 0;
                case "newapi_usage_tokens_total" -> "input".equals(s.labels().get("token_type")) ? 1 : 2;
                case "newapi_usage_quota_total" -> 3;
                case "newapi_usage_quota_refunded_total" -> 4;
                case "newapi_usage_request_errors_total" -> 5;
                default -> -1;
            };
            if (slot >= 0) {
                sums.computeIfAbsent(key, k -> new long[6])[slot] += v;
            }
        }
        Map<String, Usage> result = new TreeMap<>();
        sums.forEach((key, a) -> {
            Usage u = new Usage(a[0], a[1], a[2], a[3] - a[4], a[5]);
            if (!u.isZero()) {
                result.put(key, u);
            }
        });
        return result;
    }
}
