package io.tokenmonitor.exporter.model;

import java.util.Locale;

/** An optional usage dimension ({@code OPTIONAL_LABELS}), the label it becomes and its metric prefix. */
public enum Dimension {
    GROUP("group", "newapi_group_usage"),
    TOKEN("token_name", "newapi_token_usage"),
    USER("username", "newapi_user_usage");

    private final String label;
    private final String metricPrefix;

    Dimension(String label, String metricPrefix) {
        this.label = label;
        this.metricPrefix = metricPrefix;
    }

    public String label() {
        return label;
    }

    public String metricPrefix() {
        return metricPrefix;
    }

    /** The row's raw value of this dimension. */
    public String valueOf(LogRow row) {
        return switch (this) {
            case GROUP -> row.group();
            case TOKEN -> row.tokenName();
            case USER -> row.username();
        };
    }

    /** Parses an {@code OPTIONAL_LABELS} entry: {@code group}, {@code token_name} or {@code username}. */
    public static Dimension ofLabel(String label) {
        for (Dimension d : values()) {
            if (d.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
                return d;
            }
        }
        return null;
    }
}
