package io.tokenmonitor.exporter.store;

import io.tokenmonitor.exporter.sync.ClassifiedRow;
import io.tokenmonitor.exporter.sync.LabelGuard;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The optional per-group, per-token and per-user usage families ({@code OPTIONAL_LABELS}). Each is
 * off by default and capped: the first {@code maxValues} values get their own series, later ones
 * count under {@code __other__}, so a gateway with thousands of users stays cheap to scrape.
 */
public final class OptionalDimensions {

    /** A dimension and the label (and metric prefix) it becomes. */
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

    public static final OptionalDimensions NONE = new OptionalDimensions(Set.of(), 0, Map.of());

    private final Map<Dimension, LabelGuard> guards = new EnumMap<>(Dimension.class);

    /** @param known values already published per dimension (from the store), kept first */
    public OptionalDimensions(Set<Dimension> enabled, int maxValues, Map<Dimension, Collection<String>> known) {
        for (Dimension d : enabled) {
            guards.put(d, new LabelGuard(maxValues, known.getOrDefault(d, List.of())));
        }
    }

    public Set<Dimension> enabled() {
        return guards.keySet();
    }

    /** The dimension series a usage row adds to. */
    List<DimensionKey> keysOf(ClassifiedRow row) {
        if (guards.isEmpty()) {
            return List.of();
        }
        List<DimensionKey> keys = new ArrayList<>(guards.size());
        guards.forEach((d, guard) -> keys.add(new DimensionKey(d, guard.admit(switch (d) {
            case GROUP -> row.row().group();
            case TOKEN -> row.row().tokenName();
            case USER -> row.row().username();
        }))));
        return keys;
    }
}
