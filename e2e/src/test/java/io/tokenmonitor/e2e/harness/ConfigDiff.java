package io.tokenmonitor.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Compares two YAML (or JSON) documents as trees and lists the JSON-pointer paths where they
 * differ, so a test can show that a derived configuration changed only what it meant to.
 */
public final class ConfigDiff {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigDiff() {}

    /** Paths (e.g. {@code /route/group_wait}) whose values differ, are missing or were added. */
    public static List<String> changedPaths(Path original, Path derived) {
        try {
            return changedPaths(YAML.readTree(original.toFile()), YAML.readTree(derived.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + original + " or " + derived, e);
        }
    }

    public static List<String> changedPaths(JsonNode a, JsonNode b) {
        List<String> out = new ArrayList<>();
        walk("", a, b, out);
        return out;
    }

    private static void walk(String path, JsonNode a, JsonNode b, List<String> out) {
        if (a == null || b == null || a.isMissingNode() || b.isMissingNode()) {
            if (!(isAbsent(a) && isAbsent(b))) {
                out.add(path.isEmpty() ? "/" : path);
            }
            return;
        }
        if (a.isObject() && b.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                walk(path + "/" + k.replace("~", "~0").replace("/", "~1"), a.get(k), b.get(k), out);
            }
        } else if (a.isArray() && b.isArray()) {
            int n = Math.max(a.size(), b.size());
            for (int i = 0; i < n; i++) {
                walk(path + "/" + i, a.get(i), b.get(i), out);
            }
        } else if (!sameScalar(a, b)) {
            out.add(path.isEmpty() ? "/" : path);
        }
    }

    private static boolean isAbsent(JsonNode n) {
        return n == null || n.isMissingNode();
    }

    /** YAML scalars compare by their text, so 15 and "15" or true and "true" count as equal. */
    private static boolean sameScalar(JsonNode a, JsonNode b) {
        if (a.isContainerNode() || b.isContainerNode()) {
            return false;
        }
        return a.asText().equals(b.asText());
    }
}
