package io.tokenmonitor.common.alert;

import io.tokenmonitor.common.config.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The name of a notification target: letters, digits, {@code _}, {@code .} and {@code -}. The bridge defines the
 * targets; the {@code notify} label and a budget's {@code notify} list them separated by commas, which is why a
 * comma (or space) cannot be part of a name.
 */
public final class TargetName {
    /** {@code [A-Za-z0-9_.-]+}. */
    public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9_.-]+");

    private TargetName() {}

    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }

    /**
     * Checks one name.
     *
     * @return {@code name}
     * @throws ConfigException naming {@code key}
     */
    public static String check(String key, String name) {
        if (!isValid(name)) {
            throw new ConfigException(
                    key + ": \"" + name + "\" is not a target name; use letters, digits, '_', '.' and '-'"
                            + " (the notify label lists names separated by commas), such as telegram, feishu, wecom");
        }
        return name;
    }

    /**
     * Reads a {@code notify} list: names separated by commas, white space around them ignored, empty items and
     * repeats dropped (first place kept). An empty list means every target.
     *
     * @throws ConfigException naming {@code key} at the first bad name
     */
    public static List<String> parseList(String key, String text) {
        return checkAll(key, text == null ? List.of() : List.of(text.split(",", -1)));
    }

    /** As {@link #parseList}, for a list given item by item (a YAML list). */
    public static List<String> checkAll(String key, List<String> names) {
        Set<String> out = new LinkedHashSet<>();
        for (String item : names) {
            String name = item == null ? "" : item.strip();
            if (!name.isEmpty()) {
                out.add(check(key, name));
            }
        }
        return List.copyOf(new ArrayList<>(out));
    }

    /** The label value for {@code names}: joined by commas, empty for every target. */
    public static String formatList(List<String> names) {
        return String.join(",", names);
    }
}
