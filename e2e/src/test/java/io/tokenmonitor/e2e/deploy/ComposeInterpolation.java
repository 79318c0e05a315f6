package io.tokenmonitor.e2e.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Docker Compose's interpolation of a string value of docker-compose.yml (compose-spec "Interpolation"):
 * {@code $$} is a literal {@code $}; {@code $VAR} and {@code ${VAR}}; {@code ${VAR:-default}} (unset or
 * empty) and {@code ${VAR-default}} (unset); {@code ${VAR:?message}} and {@code ${VAR?message}} fail;
 * {@code ${VAR:+other}} and {@code ${VAR+other}}. Defaults may hold further references.
 */
final class ComposeInterpolation {
    /** Thrown where compose stops with "required variable … is missing a value". */
    static final class MissingVariable extends RuntimeException {
        MissingVariable(String name, String message) {
            super(name + ": " + message);
        }
    }

    private final Map<String, String> environment;

    /** {@code environment}: the shell's variables and .env (absent = unset). */
    ComposeInterpolation(Map<String, String> environment) {
        this.environment = environment;
    }

    /** Every string of a parsed compose file interpolated, keys left as they are (as compose does). */
    Object tree(Object yaml) {
        if (yaml instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, tree(v)));
            return out;
        }
        if (yaml instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(tree(v)));
            return out;
        }
        return yaml instanceof String s ? value(s) : yaml;
    }

    String value(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '$' || i + 1 == s.length()) {
                out.append(c);
                i++;
            } else if (s.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (s.charAt(i + 1) == '{') {
                int end = closingBrace(s, i + 2);
                out.append(braced(s.substring(i + 2, end)));
                i = end + 1;
            } else {
                int j = i + 1;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                    j++;
                }
                out.append(j == i + 1 ? "$" : environment.getOrDefault(s.substring(i + 1, j), ""));
                i = j;
            }
        }
        return out.toString();
    }

    private static int closingBrace(String s, int from) {
        int depth = 1;
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == '{') {
                depth++;
            } else if (s.charAt(i) == '}' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unclosed ${ in " + s);
    }

    private String braced(String body) {
        int op = 0;
        while (op < body.length() && (Character.isLetterOrDigit(body.charAt(op)) || body.charAt(op) == '_')) {
            op++;
        }
        String name = body.substring(0, op);
        String value = environment.get(name);
        if (op == body.length()) {
            return value == null ? "" : value;
        }
        boolean colon = body.charAt(op) == ':';
        char kind = body.charAt(colon ? op + 1 : op);
        String arg = body.substring(colon ? op + 2 : op + 1);
        boolean set = value != null && (!colon || !value.isEmpty());
        return switch (kind) {
            case '-' -> set ? value : value(arg);
            case '?' -> {
                if (!set) {
                    throw new MissingVariable(name, value(arg));
                }
                yield value;
            }
            case '+' -> set ? value(arg) : "";
            default -> throw new IllegalArgumentException("${" + body + "}: not compose syntax");
        };
    }
}
