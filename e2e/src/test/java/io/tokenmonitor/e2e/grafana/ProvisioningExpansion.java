package io.tokenmonitor.e2e.grafana;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Grafana's expansion of environment variables in provisioning files, ported from
 * grafana/grafana pkg/services/provisioning/values/values.go (commit 03d9862a11fa9db1790da9ae5bc3577700e7fe61:
 * interpolateValue, transformInterface), pkg/setting/expanders.go (commit 0524cbafcfcf42e76480675784159fd31136e4d2:
 * ExpandVar, applyExpander, envExpander, fileExpander) and Go's os.ExpandEnv (src/os/env.go: Expand, getShellName).
 *
 * <p>Grafana parses the YAML first and expands each string value on its own; map keys and comments are
 * never expanded. Every field of a v1 datasource (pkg/services/provisioning/datasources/types.go,
 * commit 01c834234982c8ae5eba61acd1313c1c4443e9dd) and of a dashboard provider
 * (pkg/services/provisioning/dashboards/types.go, commit 1411ff8797bd3fc717e206d6afa9bd1fccd9567f) is a
 * values.* type, and jsonData/options are JSONValue, which expands every string inside them; so every
 * string scalar of those files goes through {@link #value}. A value is split at {@code $$} (a literal
 * {@code $}); in each part first {@code ${NAME}} is replaced by the variable literally named NAME
 * (everything up to the first {@code }}, so {@code ${A:-b}} looks up {@code "A:-b"}) and
 * {@code $__file{path}} by the file's trimmed content, then os.ExpandEnv replaces {@code $NAME} and what is
 * left of {@code ${…}}. There is no default syntax; an unset variable is "".
 */
public final class ProvisioningExpansion {
    /** expanders.go: {@code \$(|__\w+){([^}]+)}}. */
    private static final Pattern EXPANDER = Pattern.compile("\\$(|__\\w+)\\{([^}]+)}");

    private final Function<String, String> getenv;

    /** With {@code environment} as the process environment of grafana-server (absent = unset = ""). */
    public ProvisioningExpansion(Map<String, String> environment) {
        this.getenv = name -> environment.getOrDefault(name, "");
    }

    /** values.go interpolateValue: one string value of a provisioning file, expanded. */
    public String value(String raw) {
        String[] parts = raw.split(Pattern.quote("$$"), -1);
        List<String> out = new ArrayList<>(parts.length);
        for (String part : parts) {
            out.add(expandEnv(expandVar(part)));
        }
        return String.join("$", out);
    }

    /** values.go transformInterface: maps and lists copied with every string expanded, other scalars as they are. */
    public Object tree(Object yaml) {
        if (yaml instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (k instanceof String key) { // transformMap drops keys that are not strings
                    out.put(key, tree(v));
                }
            });
            return out;
        }
        if (yaml instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(tree(v)));
            return out;
        }
        return yaml instanceof String s ? value(s) : yaml;
    }

    /** expanders.go ExpandVar: the env expander over all matches, then the file expander over the result. */
    private String expandVar(String s) {
        s = applyExpander(s, "env");
        return applyExpander(s, "file");
    }

    private String applyExpander(String s, String name) {
        Matcher m = EXPANDER.matcher(s);
        List<String[]> matches = new ArrayList<>();
        while (m.find()) {
            matches.add(new String[] {m.group(), m.group(1), m.group(2)});
        }
        for (String[] match : matches) {
            boolean env = name.equals("env");
            if (match[1].equals("__" + name) || match[1].isEmpty() && env) {
                String updated = env ? envValue(match[2]) : fileValue(match[2]);
                // strings.Replace(s, match[0], updated, 1): the first occurrence in the current string
                int at = s.indexOf(match[0]);
                s = s.substring(0, at) + updated + s.substring(at + match[0].length());
            }
        }
        return s;
    }

    private String envValue(String name) {
        String value = getenv.apply(name);
        if (name.equals("HOSTNAME") && value.isEmpty()) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                throw new IllegalStateException("${HOSTNAME}: no host name", e);
            }
        }
        return value;
    }

    private static String fileValue(String path) {
        try {
            return Files.readString(Path.of(path)).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("$__file{" + path + "}", e);
        }
    }

    /** Go os.Expand with os.Getenv. */
    private String expandEnv(String s) {
        StringBuilder buf = null;
        int i = 0;
        for (int j = 0; j < s.length(); j++) {
            if (s.charAt(j) == '$' && j + 1 < s.length()) {
                if (buf == null) {
                    buf = new StringBuilder(2 * s.length());
                }
                buf.append(s, i, j);
                ShellName n = shellName(s.substring(j + 1));
                if (n.name().isEmpty() && n.width() > 0) {
                    // invalid syntax ("${}", "${" without "}"): Go drops those characters
                } else if (n.name().isEmpty()) {
                    buf.append('$'); // "$" not followed by a name stays
                } else {
                    buf.append(getenv.apply(n.name()));
                }
                j += n.width();
                i = j + 1;
            }
        }
        return buf == null ? s : buf + s.substring(i);
    }

    /** Go getShellName: the name that begins {@code s} and how many characters it takes. */
    private record ShellName(String name, int width) {}

    private static ShellName shellName(String s) {
        if (s.charAt(0) == '{') {
            if (s.length() > 2 && isShellSpecialVar(s.charAt(1)) && s.charAt(2) == '}') {
                return new ShellName(s.substring(1, 2), 3);
            }
            for (int i = 1; i < s.length(); i++) {
                if (s.charAt(i) == '}') {
                    return i == 1 ? new ShellName("", 2) : new ShellName(s.substring(1, i), i + 1);
                }
            }
            return new ShellName("", 1);
        }
        if (isShellSpecialVar(s.charAt(0))) {
            return new ShellName(s.substring(0, 1), 1);
        }
        int i = 0;
        while (i < s.length() && isAlphaNum(s.charAt(i))) {
            i++;
        }
        return new ShellName(s.substring(0, i), i);
    }

    private static boolean isShellSpecialVar(char c) {
        return "*#$@!?-0123456789".indexOf(c) >= 0;
    }

    private static boolean isAlphaNum(char c) {
        return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }
}
