package io.tokenmonitor.exporter.testing;

import io.tokenmonitor.exporter.model.Dimension;
import io.tokenmonitor.exporter.source.GatewayFlavor;
import io.tokenmonitor.exporter.sync.LabelCaps;
import io.tokenmonitor.exporter.sync.RowClassifier;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Row classifiers for tests and tools: no cap on label values unless a test asks for one. */
public final class Classifiers {

    private Classifiers() {}

    /** Classifies rows without a cap on distinct models and without optional dimensions. */
    public static RowClassifier uncapped(GatewayFlavor flavor) {
        return new RowClassifier(flavor, new LabelCaps(Integer.MAX_VALUE, List.of(), Set.of(), 0, Map.of()));
    }

    /** Classifies rows counting {@code dimensions}, each capped at {@code maxValues}; models uncapped. */
    public static RowClassifier withDimensions(GatewayFlavor flavor, Set<Dimension> dimensions, int maxValues) {
        return new RowClassifier(flavor, new LabelCaps(Integer.MAX_VALUE, List.of(), dimensions, maxValues, Map.of()));
    }
}
