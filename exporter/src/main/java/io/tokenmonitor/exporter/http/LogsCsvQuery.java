package io.tokenmonitor.exporter.http;

import io.tokenmonitor.exporter.model.LogFilter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The parameters of {@code /api/v1/logs.csv}, named as the Logs dashboard's variables: {@code from}, {@code to} (unix
 * seconds, or milliseconds as Grafana's {@code $__from} when 10^11 or more), {@code channel_id}, {@code model},
 * {@code kind} (each repeatable), {@code token}, {@code user}, {@code token_id}, {@code group}, {@code q},
 * {@code order} ({@code newest} or {@code oldest}), {@code limit} and {@code bom}. A value may also come as Grafana's
 * {@code ${var:sqlstring}} writes it ({@code 'a','b'}, with {@code "} as {@code \"}), so the dashboard's link passes
 * exactly what its SQL gets; {@code |.*|} or {@code $__all} among a list's values means all, as on the dashboard.
 */
record LogsCsvQuery(LogFilter filter, boolean bom) {
    static final Set<String> KINDS = Set.of("request", "error", "refund", "settlement", "channel_test");
    private static final Set<String> LISTS = Set.of("channel_id", "model", "kind");
    private static final Set<String> SINGLES =
            Set.of("from", "to", "token", "user", "token_id", "group", "q", "order", "limit", "bom");
    private static final Set<String> ALL = Set.of("|.*|", "$__all");
    /** From here on a time is in milliseconds: 10^11 s is the year 5138, 10^11 ms is 1973. */
    static final long MILLIS_FROM = 100_000_000_000L;

    static LogsCsvQuery parse(String rawQuery) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq), "a parameter name");
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1), key);
                if (!LISTS.contains(key) && !SINGLES.contains(key)) {
                    throw ApiError.badField(
                            key,
                            "no such parameter; there are from, to, channel_id, model, kind, token, user, token_id,"
                                    + " group, q, order, limit, bom");
                }
                params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            }
        }
        for (String single : SINGLES) {
            if (params.getOrDefault(single, List.of()).size() > 1) {
                throw ApiError.badField(single, "given more than once; give it once");
            }
        }
        OptionalLong from = time(params, "from");
        OptionalLong to = time(params, "to");
        List<String> kinds = list(params, "kind");
        for (String kind : kinds) {
            if (!KINDS.contains(kind)) {
                throw ApiError.badField(
                        "kind",
                        "\"" + kind + "\" is not a kind; use request, error, refund, settlement or channel_test");
            }
        }
        Optional<String> tokenId = single(params, "token_id");
        if (tokenId.isPresent() && !tokenId.get().matches("\\d{1,18}")) {
            throw ApiError.badField(
                    "token_id", "\"" + tokenId.get() + "\" is not a key id (tokens.id, a whole number)");
        }
        String order = single(params, "order").orElse("newest");
        if (!order.equals("newest") && !order.equals("oldest")) {
            throw ApiError.badField("order", "\"" + order + "\" is neither newest nor oldest");
        }
        OptionalLong limit = OptionalLong.empty();
        Optional<String> limitText = single(params, "limit");
        if (limitText.isPresent()) {
            if (!limitText.get().matches("\\d{1,18}") || Long.parseLong(limitText.get()) < 1) {
                throw ApiError.badField(
                        "limit", "\"" + limitText.get() + "\" is not a whole number of rows, 1 or more (omit it: all)");
            }
            limit = OptionalLong.of(Long.parseLong(limitText.get()));
        }
        String bom = single(params, "bom").orElse("0");
        if (!bom.equals("0") && !bom.equals("1")) {
            throw ApiError.badField(
                    "bom", "\"" + bom + "\" is neither 0 nor 1 (1: a UTF-8 byte order mark, for Excel)");
        }
        LogFilter filter = new LogFilter(
                from,
                to,
                list(params, "channel_id"),
                list(params, "model"),
                kinds,
                single(params, "token"),
                single(params, "user"),
                tokenId,
                single(params, "group"),
                single(params, "q"),
                order.equals("oldest"),
                limit);
        return new LogsCsvQuery(filter, bom.equals("1"));
    }

    private static OptionalLong time(Map<String, List<String>> params, String name) {
        Optional<String> text = single(params, name);
        if (text.isEmpty()) {
            return OptionalLong.empty();
        }
        if (!text.get().matches("\\d{1,18}")) {
            throw ApiError.badField(
                    name,
                    "\"" + text.get() + "\" is not a time; give unix seconds or milliseconds (Grafana's $__" + name
                            + ")");
        }
        long value = Long.parseLong(text.get());
        // As the dashboard's $__from / 1000: whole seconds, rounded down.
        return OptionalLong.of(value >= MILLIS_FROM ? value / 1000 : value);
    }

    /** The values of a list parameter; empty when none was given or one of them means all. */
    private static List<String> list(Map<String, List<String>> params, String name) {
        List<String> values = new ArrayList<>();
        for (String raw : params.getOrDefault(name, List.of())) {
            values.addAll(grafana(name, raw));
        }
        if (values.stream().anyMatch(ALL::contains)) {
            return List.of();
        }
        return values;
    }

    private static Optional<String> single(Map<String, List<String>> params, String name) {
        List<String> raw = params.getOrDefault(name, List.of());
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        List<String> values = grafana(name, raw.get(0));
        if (values.size() > 1) {
            throw ApiError.badField(name, "takes one value, not a list");
        }
        return values.isEmpty() || values.get(0).isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * A value as given, or, when it starts with {@code '}, the values of Grafana's sqlstring format: quoted, quotes
     * doubled, {@code "} written as {@code \"} (which the dashboard's SQL undoes the same way).
     */
    static List<String> grafana(String name, String raw) {
        if (!raw.startsWith("'")) {
            return raw.isEmpty() ? List.of() : List.of(raw);
        }
        List<String> values = new ArrayList<>();
        int i = 0;
        while (true) {
            if (i >= raw.length() || raw.charAt(i) != '\'') {
                throw ApiError.badField(name, "\"" + raw + "\" is not in Grafana's sqlstring format ('a','b')");
            }
            StringBuilder value = new StringBuilder();
            i++;
            while (true) {
                if (i >= raw.length()) {
                    throw ApiError.badField(name, "\"" + raw + "\" has an unclosed quote");
                }
                char c = raw.charAt(i);
                if (c == '\'') {
                    if (i + 1 < raw.length() && raw.charAt(i + 1) == '\'') {
                        value.append('\'');
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                value.append(c);
                i++;
            }
            values.add(value.toString().replace("\\\"", "\""));
            if (i == raw.length()) {
                return values;
            }
            if (raw.charAt(i) != ',') {
                throw ApiError.badField(name, "\"" + raw + "\" is not in Grafana's sqlstring format ('a','b')");
            }
            i++;
        }
    }

    private static String decode(String text, String name) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiError.badField(name, "bad percent-encoding in \"" + text + "\"");
        }
    }
}
