package io.tokenmonitor.e2e.grafana;

import io.tokenmonitor.e2e.harness.PrometheusApi;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Runs a Prometheus variable query as Grafana does: {@code label_values(label)},
 * {@code label_values(selector, label)} and {@code query_result(expr)} (each result formatted as
 * {@code name{k="v",…} value timestamp}), then applies the variable's regex (named groups
 * {@code text} and {@code value}, else the first group).
 */
public final class VariableResolver {
    private static final Pattern LABEL_VALUES =
            Pattern.compile("^label_values\\((?:(.+),\\s*)?(\\w+)\\)$", Pattern.DOTALL);
    private static final Pattern QUERY_RESULT = Pattern.compile("^query_result\\((.+)\\)$", Pattern.DOTALL);

    private final PrometheusApi prometheus;
    private final Instant from;
    private final Instant to;

    public VariableResolver(PrometheusApi prometheus, Instant from, Instant to) {
        this.prometheus = prometheus;
        this.from = from;
        this.to = to;
    }

    /** An option of a variable: what the picker shows and what is substituted. */
    public record Option(String text, String value) {}

    /** The options of {@code variable} whose query has already been interpolated into {@code query}. */
    public List<Option> options(Variable variable, String query) {
        List<String> texts = raw(query.trim());
        return applyRegex(variable.regex(), texts);
    }

    private List<String> raw(String query) {
        Matcher lv = LABEL_VALUES.matcher(query);
        if (lv.matches()) {
            String selector = lv.group(1);
            String label = lv.group(2);
            if (selector == null) {
                return prometheus.labelValues(label);
            }
            Set<String> values = new LinkedHashSet<>();
            prometheus.seriesMatching(selector, from, to).forEach(s -> {
                if (s.containsKey(label)) {
                    values.add(s.get(label));
                }
            });
            return values.stream().sorted().toList();
        }
        Matcher qr = QUERY_RESULT.matcher(query);
        if (qr.matches()) {
            List<String> out = new ArrayList<>();
            long ts = to.toEpochMilli();
            for (PrometheusApi.Series s : prometheus.query(qr.group(1), to)) {
                Map<String, String> labels = new LinkedHashMap<>(s.labels());
                String name = labels.remove("__name__");
                String text = (name == null ? "" : name) + "{"
                        + labels.entrySet().stream()
                                .map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
                                .collect(Collectors.joining(","))
                        + "}";
                out.add(text + " " + format(s.values().get(0)) + " " + ts);
            }
            return out;
        }
        throw new IllegalArgumentException(
                "variable query \"" + query + "\" is neither label_values(…) nor query_result(…)");
    }

    static List<Option> applyRegex(String regex, List<String> texts) {
        if (regex == null || regex.isEmpty()) {
            return texts.stream().map(t -> new Option(t, t)).toList();
        }
        Pattern pattern = jsRegex(regex);
        Map<String, Option> out = new LinkedHashMap<>();
        for (String t : texts) {
            Matcher m = pattern.matcher(t);
            if (!m.find()) {
                continue;
            }
            String value;
            String text;
            if (pattern.pattern().contains("(?<value>") || pattern.pattern().contains("(?<text>")) {
                value = pattern.pattern().contains("(?<value>") ? m.group("value") : m.group("text");
                text = pattern.pattern().contains("(?<text>") ? m.group("text") : value;
            } else {
                value = m.groupCount() > 0 ? m.group(1) : m.group();
                text = value;
            }
            out.putIfAbsent(value, new Option(text, value));
        }
        return new ArrayList<>(out.values());
    }

    /** A Grafana regex "/…/flags" as a Java pattern. */
    static Pattern jsRegex(String regex) {
        if (regex.startsWith("/") && regex.lastIndexOf('/') > 0) {
            int end = regex.lastIndexOf('/');
            String flags = regex.substring(end + 1);
            return Pattern.compile(regex.substring(1, end), flags.contains("i") ? Pattern.CASE_INSENSITIVE : 0);
        }
        return Pattern.compile(regex);
    }

    /** A sample value as Prometheus writes it in JSON (integers without ".0"). */
    private static String format(double v) {
        if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
