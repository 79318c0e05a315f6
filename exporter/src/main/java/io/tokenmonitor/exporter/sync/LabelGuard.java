package io.tokenmonitor.exporter.sync;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Caps how many distinct values one label may take, so a client sending random model names cannot
 * blow up Prometheus or the exporter's memory. The first {@code max} values seen are kept; later
 * ones fold into {@value #OTHER}. The raw log rows keep the real value.
 */
public final class LabelGuard {

    /** The value that every value beyond the cap becomes. */
    public static final String OTHER = "__other__";

    private final int max;
    private final Set<String> admitted = ConcurrentHashMap.newKeySet();

    /** @param known values already published (from the store), admitted first */
    public LabelGuard(int max, Collection<String> known) {
        this.max = max;
        known.stream().filter(v -> !v.equals(OTHER)).limit(max).forEach(admitted::add);
    }

    /** The value to publish for {@code value}. */
    public String admit(String value) {
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
