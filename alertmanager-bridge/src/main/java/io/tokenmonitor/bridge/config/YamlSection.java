package io.tokenmonitor.bridge.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmonitor.bridge.settings.PromDuration;
import io.tokenmonitor.bridge.settings.Secret;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** One mapping of the YAML config, read strictly: unknown keys and wrong types name their full key path. */
final class YamlSection {
    private final String file;
    private final String path;
    private final ObjectNode node;

    private YamlSection(String file, String path, ObjectNode node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    static YamlSection root(String file, JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return new YamlSection(file, "", JsonNodeFactory.instance.objectNode());
        }
        if (!node.isObject()) {
            throw new ConfigException(file + ": expected a mapping of keys at top level");
        }
        return new YamlSection(file, "", (ObjectNode) node);
    }

    /** Stops at the first key not in {@code known}. */
    YamlSection allowOnly(String... known) {
        Set<String> allowed = new LinkedHashSet<>(Arrays.asList(known));
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                String where = path.isEmpty() ? "at top level" : "in " + path;
                throw new ConfigException(file + ": unknown key \"" + key + "\" " + where + "; known keys: "
                        + String.join(", ", allowed));
            }
        }
        return this;
    }

    Iterable<String> keys() {
        return node::fieldNames;
    }

    String keyPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    ConfigException error(String key, String problem) {
        return new ConfigException(file + ": " + keyPath(key) + ": " + problem);
    }

    Optional<YamlSection> section(String key) {
        JsonNode child = node.get(key);
        if (child == null || child.isNull()) {
            return Optional.empty();
        }
        if (!child.isObject()) {
            throw error(key, "expected a mapping of keys");
        }
        return Optional.of(new YamlSection(file, keyPath(key), (ObjectNode) child));
    }

    Optional<String> text(String key) {
        JsonNode child = node.get(key);
        if (child == null || child.isNull()) {
            return Optional.empty();
        }
        if (!child.isValueNode()) {
            throw error(key, "expected a single value, not a list or mapping");
        }
        return Optional.of(child.asText().strip());
    }

    <T> Optional<T> parsed(String key, Function<String, T> parser) {
        Optional<String> value = text(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parser.apply(value.get()));
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw error(key, e.getMessage());
        }
    }

    Optional<Duration> duration(String key) {
        return parsed(key, PromDuration::parse);
    }

    Optional<Boolean> bool(String key) {
        return parsed(key, v -> switch (v) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("\"" + v + "\" is not true or false");
        });
    }

    Optional<Long> integer(String key, long min, long max) {
        return parsed(key, v -> {
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"" + v + "\" is not a whole number");
            }
            if (n < min || n > max) {
                throw new IllegalArgumentException(n + " is out of range; use " + min + " to " + max);
            }
            return n;
        });
    }

    /** A secret given inline as {@code key} or in a file as {@code key_file}. */
    Optional<Secret> secret(String key) {
        Optional<String> inline = text(key);
        Optional<String> file = text(key + "_file");
        if (inline.isPresent() && file.isPresent()) {
            throw error(key, "set either " + key + " or " + key + "_file, not both");
        }
        if (file.isPresent()) {
            return Optional.of(new Secret(Env.readSecretFile(this.file + ": " + keyPath(key + "_file"), file.get())));
        }
        return inline.filter(v -> !v.isEmpty()).map(Secret::new);
    }
}
