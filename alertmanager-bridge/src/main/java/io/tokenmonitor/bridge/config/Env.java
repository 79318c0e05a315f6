package io.tokenmonitor.bridge.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** The process environment, with secrets readable from {@code NAME_FILE} as well as {@code NAME}. */
public record Env(Map<String, String> variables) {
    public Env {
        variables = Map.copyOf(variables);
    }

    /** A plain variable; blank counts as unset. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(variables.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    /** A secret from {@code NAME} or from the file named by {@code NAME_FILE} (trailing newline trimmed). */
    public Optional<String> secret(String name) {
        Optional<String> direct = get(name);
        Optional<String> file = get(name + "_FILE");
        if (direct.isPresent() && file.isPresent()) {
            throw new ConfigException(name + ": set either " + name + " or " + name + "_FILE, not both");
        }
        return direct.isPresent() ? direct : file.map(f -> readSecretFile(name + "_FILE", f));
    }

    /** Reads a secret file; {@code key} names the setting in the error message. */
    public static String readSecretFile(String key, String path) {
        try {
            String value = Files.readString(Path.of(path), StandardCharsets.UTF_8).strip();
            if (value.isEmpty()) {
                throw new ConfigException(key + ": file " + path + " is empty; it should hold the secret");
            }
            return value;
        } catch (IOException e) {
            throw new ConfigException(key + ": cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
        }
    }
}
