package io.tokenmonitor.e2e.grafana;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Replaces variables in a query the way Grafana's template service does for the cases the
 * dashboards use: {@code $name}, {@code ${name}}, {@code ${name:format}} and {@code [[name]]}; the
 * global {@code $__from}, {@code $__to}, {@code $__interval}, {@code $__interval_ms},
 * {@code $__rate_interval}, {@code $__range}, {@code $__range_s}, {@code $__range_ms}. A custom
 * "All" value (allValue) is inserted unformatted, as Grafana does. Unknown names stay as they are
 * (so {@code $1} in label_replace survives).
 */
public final class Interpolator {
    /** Variable names the template service knows without a definition on the dashboard. */
    public static final List<String> GLOBALS = List.of(
            "__from",
            "__to",
            "__interval",
            "__interval_ms",
            "__rate_interval",
            "__range",
            "__range_s",
            "__range_ms",
            "__dashboard",
            "__org",
            "__user",
            "__timezone");

    private static final Pattern REFERENCE =
            Pattern.compile("\\$\\{(\\w+)(?::([\\w:]+))?}|\\$(\\w+)|\\[\\[(\\w+)(?::(\\w+))?]]");

    /** A value of a variable: its selected values, or "All" with a custom all value. */
    public record Value(List<String> values, String customAll, boolean forPrometheus) {
        public static Value of(String single) {
            return new Value(List.of(single), null, false);
        }
    }

    private final Map<String, Value> values = new HashMap<>();
    private final Map<String, String> globals = new HashMap<>();

    /** Globals for a dashboard range from {@code from} to {@code to}, with {@code interval} and the scrape interval. */
    public Interpolator(Instant from, Instant to, Duration interval, Duration scrapeInterval) {
        Duration range = Duration.between(from, to);
        Duration rateInterval = max(interval.plus(scrapeInterval), scrapeInterval.multipliedBy(4));
        globals.put("__from", Long.toString(from.toEpochMilli()));
        globals.put("__to", Long.toString(to.toEpochMilli()));
        globals.put("__interval", interval.toMillis() + "ms");
        globals.put("__interval_ms", Long.toString(interval.toMillis()));
        globals.put("__rate_interval", rateInterval.toMillis() + "ms");
        globals.put("__range", range.toSeconds() + "s");
        globals.put("__range_s", Long.toString(range.toSeconds()));
        globals.put("__range_ms", Long.toString(range.toMillis()));
    }

    public void set(String name, Value value) {
        values.put(name, value);
    }

    public boolean knows(String name) {
        return values.containsKey(name) || globals.containsKey(name);
    }

    /** {@code text} with every known reference replaced; {@code prometheus} selects the Prometheus default formatting. */
    public String apply(String text, boolean prometheus) {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(3) != null ? m.group(3) : m.group(4);
            String format = m.group(2) != null ? m.group(2) : m.group(5);
            String replacement = replacement(name, format, prometheus);
            m.appendReplacement(out, Matcher.quoteReplacement(replacement == null ? m.group() : replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String replacement(String name, String format, boolean prometheus) {
        if (globals.containsKey(name)) {
            return globals.get(name);
        }
        Value value = values.get(name);
        if (value == null) {
            return null;
        }
        if ("queryparam".equals(format)) {
            return queryParameters(name, value);
        }
        if (value.customAll() != null && !"text".equals(format)) {
            return value.customAll();
        }
        List<String> vs = value.values();
        if (format == null) {
            format = prometheus ? "prometheus" : (vs.size() == 1 ? "raw" : "glob");
        }
        return switch (format) {
            case "raw", "text" -> String.join(",", vs);
            case "csv" -> String.join(",", vs);
            // sqlStringFormatter of grafana/scenes packages/scenes/src/variables/interpolation/formatRegistry.ts
            // (SQL_ESCAPE_MAP; re-read at commit 06bf62dbfc08f066b5f5a55edb99b888a02d1b6e, what Grafana 12
            // interpolates with): each value in single quotes, ' doubled and " written as \", one pass
            // over the value (the two replacements touch different characters), joined with ",".
            case "sqlstring" ->
                vs.stream()
                        .map(v -> "'" + v.replace("'", "''").replace("\"", "\\\"") + "'")
                        .collect(Collectors.joining(","));
            case "singlequote" ->
                vs.stream().map(v -> "'" + v.replace("'", "\\'") + "'").collect(Collectors.joining(","));
            case "doublequote" ->
                vs.stream().map(v -> "\"" + v.replace("\"", "\\\"") + "\"").collect(Collectors.joining(","));
            case "pipe" -> String.join("|", vs);
            case "regex" -> "(" + vs.stream().map(Interpolator::escapeRegex).collect(Collectors.joining("|")) + ")";
            case "prometheus" ->
                vs.size() == 1
                        ? escapeProm(vs.get(0))
                        : "(" + vs.stream().map(Interpolator::escapeProm).collect(Collectors.joining("|")) + ")";
            case "glob" -> "{" + String.join(",", vs) + "}";
            default ->
                throw new IllegalArgumentException(
                        "format \":" + format + "\" of $" + name + " is not emulated by this test");
        };
    }

    /**
     * The {@code queryparam} format of grafana/scenes packages/scenes/src/variables/interpolation/formatRegistry.ts
     * (commit 06bf62dbfc08f066b5f5a55edb99b888a02d1b6e) for a dashboard variable, which has a URL sync handler: {@code
     * urlUtil.toUrlParams(variable.urlSync.getUrlState())}. {@code MultiValueUrlSyncHandler.getUrlState} gives {@code
     * {"var-<name>": value}} with the variable's state value — {@code $__all} when All is selected, whatever its
     * custom all value — and {@code toUrlParams} (grafana packages/grafana-data/src/utils/url.ts) writes one {@code
     * key=value} per value, joined with {@code &}, both encoded by {@code encodeURIComponentAsAngularJS(v, true)}.
     */
    private static String queryParameters(String name, Value value) {
        List<String> state = value.customAll() != null ? List.of("$__all") : value.values();
        String key = encodeUriComponentAsAngularJs("var-" + name);
        return state.stream()
                .map(v -> key + "=" + encodeUriComponentAsAngularJs(v))
                .collect(Collectors.joining("&"));
    }

    /**
     * {@code encodeURIComponentAsAngularJS(val, true)} of grafana-data's url.ts: JavaScript's {@code
     * encodeURIComponent} (UTF-8 bytes percent-encoded in upper case, except {@code A-Z a-z 0-9 - _ . ! ~ * ' ( )}),
     * then {@code %40 %3A %24 %2C %3B} back to {@code @ : $ , ;}; spaces stay {@code %20}.
     */
    static String encodeUriComponentAsAngularJs(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || "-_.!~*'()".indexOf(c) >= 0 // encodeURIComponent leaves these
                    || "@:$,;".indexOf(c) >= 0) { // and the AngularJS replacements restore these
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static String escapeRegex(String v) {
        return v.replaceAll("[\\\\^$*+?.()|{}\\[\\]/]", "\\\\$0");
    }

    /** Regex-escaped, with the backslashes doubled for the PromQL string literal (Grafana's prometheusRegularEscape). */
    private static String escapeProm(String v) {
        return escapeRegex(v).replace("\\", "\\\\");
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
