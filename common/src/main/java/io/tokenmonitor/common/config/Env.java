package io.tokenmonitor.common.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The process environment. A blank variable counts as unset (compose files write {@code FOO=} for "not
 * set"), and every secret may come from {@code NAME} or from the file named by {@code NAME_FILE}
 * (Docker and Kubernetes secrets), never both.
 */
public record Env(Map<String, String> variables) {
    public Env {
        variables = Map.copyOf(variables);
    }

    /** The environment of this process. */
    public static Env system() {
        return new Env(System.getenv());
    }

    /** A plain variable, stripped; blank counts as unset. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(variables.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    /**
     * A secret from {@code NAME} or from the file named by {@code NAME_FILE} (surrounding white space and the
     * trailing newline trimmed).
     *
     * @throws ConfigException when both are set, or the file cannot be read or is empty; the message never holds the secret
     */
    public Optional<String> secret(String name) {
        Optional<String> direct = get(name);
        Optional<String> file = get(name + "_FILE");
        if (direct.isPresent() && file.isPresent()) {
            throw new ConfigException(name + ": set either " + name + " or " + name + "_FILE, not both");
        }
        return direct.isPresent() ? direct : file.map(f -> readSecretFile(name + "_FILE", f));
    }

    /**
     * Reads a secret file.
     *
     * @param key names the setting in the error message
     * @throws ConfigException when the file cannot be read or is empty
     */
    public static String readSecretFile(String key, String path) {
        String value;
        try {
            value = Files.readString(Path.of(path), StandardCharsets.UTF_8).strip();
        } catch (IOException | java.nio.file.InvalidPathException e) {
            // The exception's class only: a message could quote the file's content on some platforms.
            throw new ConfigException(
                    key + ": cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
        }
        if (value.isEmpty()) {
            throw new ConfigException(key + ": file " + path + " is empty; it should hold the secret");
        }
        return value;
    }
}
