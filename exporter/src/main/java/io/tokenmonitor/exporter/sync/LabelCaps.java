package io.tokenmonitor.exporter.sync;

import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.Dimension;
import io.tokenmonitor.exporter.model.DimensionKey;
import io.tokenmonitor.exporter.model.LogKind;
import io.tokenmonitor.exporter.model.SeriesKey;
import io.tokenmonitor.exporter.model.UsageTotals;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place where label values are capped, before rows reach the store: {@code model}
 * ({@code MAX_MODELS}) and the optional dimensions ({@code OPTIONAL_LABELS}, {@code MAX_LABEL_VALUES}),
 * so a client sending random model or token names cannot blow up Prometheus or the exporter's
 * memory. One rule for every label: the first {@code max} values seen are kept; later ones fold into
 * {@value #OTHER}. The raw log rows keep the real values.
 */
public final class LabelCaps {

    /** The value that every value beyond a cap becomes. */
    public static final String OTHER = "__other__";

    private final Cap models;
    private final Map<Dimension, Cap> dimensions = new EnumMap<>(Dimension.class);

    /**
     * @param knownModels models already published (from the store), admitted first
     * @param knownValues values already published per dimension (from the store), admitted first
     */
    public LabelCaps(
            int maxModels,
            Collection<String> knownModels,
            Set<Dimension> enabled,
            int maxValues,
            Map<Dimension, ? extends Collection<String>> knownValues) {
        this.models = new Cap(maxModels, knownModels);
        for (Dimension d : enabled) {
            Collection<String> known = knownValues.get(d);
            dimensions.put(d, new Cap(maxValues, known == null ? List.of() : known));
        }
    }

    /** Caps that first admit what {@code published} already holds, so those values keep their series after a restart. */
    public static LabelCaps continuing(UsageTotals published, int maxModels, Set<Dimension> enabled, int maxValues) {
        Map<Dimension, List<String>> known = new EnumMap<>(Dimension.class);
        published
                .dimensions()
                .keySet()
                .forEach(k -> known.computeIfAbsent(k.dimension(), d -> new ArrayList<>())
                        .add(k.value()));
        return new LabelCaps(
                maxModels,
                published.series().keySet().stream().map(SeriesKey::model).toList(),
                enabled,
                maxValues,
                known);
    }

    /** The optional dimensions that are counted. */
    public Set<Dimension> enabled() {
        return dimensions.keySet();
    }

    /** {@code row} with its {@code model} capped and the capped optional-dimension series it adds to. */
    public ClassifiedRow apply(ClassifiedRow row) {
        String model = row.kind().keptAsRaw() ? models.admit(row.model()) : row.model();
        List<DimensionKey> keys = List.of();
        if (!dimensions.isEmpty() && row.isUsage() && row.kind() != LogKind.ERROR) {
            List<DimensionKey> capped = new ArrayList<>(dimensions.size());
            dimensions.forEach((d, cap) -> capped.add(new DimensionKey(d, cap.admit(d.valueOf(row.row())))));
            keys = capped;
        }
        return row.withLabels(model, keys);
    }

    /** Whether the row's {@code model} was folded into {@value #OTHER} (counted as label overflow). */
    public static boolean modelFolded(ClassifiedRow row) {
        return row.model().equals(OTHER) && !row.row().modelName().equals(OTHER);
    }

    /** The rule: the first {@code max} distinct values are admitted, every later one becomes {@value #OTHER}. */
    private static final class Cap {

        private final int max;
        private final Set<String> admitted = ConcurrentHashMap.newKeySet();

        Cap(int max, Collection<String> known) {
            this.max = max;
            known.stream().filter(v -> !v.equals(OTHER)).limit(max).forEach(admitted::add);
        }

        String admit(String value) {
            if (admitted.contains(value)) {
                return value;
            }
            synchronized (admitted) {
                if (admitted.size() < max) {
                    admitted.add(value);
                    return value;
                }
            }
            return OTHER;
        }
    }
}
