package io.tokenmonitor.common.config;

/** A secret value whose {@code toString} never shows it, so it cannot leak into logs by accident. */
public record Secret(String value) {
    public Secret {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("a secret cannot be empty");
        }
    }

    @Override
    public String toString() {
        return "<masked>";
    }
}
