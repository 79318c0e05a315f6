package io.tokenmonitor.common.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One mapping of a YAML config file, read strictly: an unknown key or a wrong type stops the program with the
 * file and the full key path ({@code bridge.yml: defaults.cooldown: "5x" is not a duration; …}).
 */
public final class YamlSection {
    private final String file;
    private final String path;
    private final ObjectNode node;

    private YamlSection(String file, String path, ObjectNode node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    /**
     * The top of a file; a missing or empty document reads as an empty mapping.
     *
     * @param file the file's name, the first word of every message
     */
    public static YamlSection root(String file, JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return new YamlSection(file, "", JsonNodeFactory.instance.objectNode());
        }
        if (!node.isObject()) {
            throw new ConfigException(file + ": expected a mapping of keys at top level");
        }
        return new YamlSection(file, "", (ObjectNode) node);
    }

    /** Stops at the first key not in {@code known}, naming the known ones. */
    public YamlSection allowOnly(String... known) {
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

    /** The keys of this mapping, in file order. */
    public Iterable<String> keys() {
        return node::fieldNames;
    }

    /** {@code key} with the path of this section before it ({@code defaults.cooldown}). */
    public String keyPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The file and the key path, as the key of a message or of a {@link BiFunction} parser ({@code bridge.yml: defaults.active}). */
    public String where(String key) {
        return file + ": " + keyPath(key);
    }

    /** A problem with {@code key}'s value, to throw. */
    public ConfigException error(String key, String problem) {
        return new ConfigException(where(key) + ": " + problem);
    }

    /** A nested mapping; empty when absent or null. */
    public Optional<YamlSection> section(String key) {
        JsonNode child = node.get(key);
        if (child == null || child.isNull()) {
            return Optional.empty();
        }
        if (!child.isObject()) {
            throw error(key, "expected a mapping of keys");
        }
        return Optional.of(new YamlSection(file, keyPath(key), (ObjectNode) child));
    }

    /** A single value as text, stripped; empty when absent or null. */
    public Optional<String> text(String key) {
        JsonNode child = node.get(key);
        if (child == null || child.isNull()) {
            return Optional.empty();
        }
        if (!child.isValueNode()) {
            throw error(key, "expected a single value, not a list or mapping");
        }
        return Optional.of(child.asText().strip());
    }

    /**
     * A value read by a parser that throws {@link IllegalArgumentException} or {@link java.time.DateTimeException}
     * with the problem only; the message gets the file and key path in front.
     */
    public <T> Optional<T> parsed(String key, Function<String, T> parser) {
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

    /**
     * A value read by one of the shared grammars, which take the key to name and throw {@link ConfigException}
     * themselves: {@code section.setting("cooldown", PromDuration::parse)}, {@code section.setting("active", ActiveWindow::parse)}.
     */
    public <T> Optional<T> setting(String key, BiFunction<String, String, T> parser) {
        return text(key).map(value -> parser.apply(where(key), value));
    }

    /** {@code true} or {@code false}, nothing else. */
    public Optional<Boolean> bool(String key) {
        return parsed(key, v -> switch (v) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("\"" + v + "\" is not true or false");
        });
    }

    /** A whole number from {@code min} to {@code max}. */
    public Optional<Long> integer(String key, long min, long max) {
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

    /** A secret given inline as {@code key} or in a file as {@code key_file}, never both; an empty inline value is unset. */
    public Optional<Secret> secret(String key) {
        Optional<String> inline = text(key);
        Optional<String> file = text(key + "_file");
        if (inline.isPresent() && file.isPresent()) {
            throw error(key, "set either " + key + " or " + key + "_file, not both");
        }
        if (file.isPresent()) {
            return Optional.of(new Secret(Env.readSecretFile(where(key + "_file"), file.get())));
        }
        return inline.filter(v -> !v.isEmpty()).map(Secret::new);
    }
}
