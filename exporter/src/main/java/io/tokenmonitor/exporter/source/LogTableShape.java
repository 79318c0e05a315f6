package io.tokenmonitor.exporter.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The columns the gateway's {@code logs} table really has, found by looking at it. Decides the
 * flavor (New API has {@code use_time} and {@code other}; One API has {@code elapsed_time}) and
 * which optional columns can be selected.
 */
public record LogTableShape(GatewayFlavor flavor, Set<String> columns) {

    /** Columns every supported version of both gateways has. */
    static final List<String> REQUIRED = List.of(
            "id",
            "created_at",
            "type",
            "user_id",
            "username",
            "token_name",
            "model_name",
            "quota",
            "prompt_tokens",
            "completion_tokens",
            "is_stream",
            "channel_id",
            "content");

    /** Columns we read when present; a gateway version without them still syncs. */
    static final List<String> OPTIONAL =
            List.of("use_time", "elapsed_time", "group", "other", "request_id", "ip", "token_id");

    public LogTableShape {
        columns = Set.copyOf(columns);
    }

    /**
     * Recognises the gateway from the column names of its {@code logs} table.
     *
     * @throws IllegalStateException naming the missing columns when this is not a gateway's logs table
     */
    public static LogTableShape of(Set<String> columnNames) {
        Set<String> lower =
                columnNames.stream().map(c -> c.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        List<String> missing = REQUIRED.stream().filter(c -> !lower.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException(
                    "table logs lacks columns " + missing + "; is this a New API or One API database?");
        }
        GatewayFlavor flavor =
                lower.contains("use_time") || lower.contains("other") ? GatewayFlavor.NEW_API : GatewayFlavor.ONE_API;
        return new LogTableShape(flavor, lower);
    }

    public boolean has(String column) {
        return columns.contains(column);
    }

    /** The select list, in a fixed order: required columns, then the optional ones present. */
    public List<String> selectedColumns() {
        List<String> selected = new ArrayList<>(REQUIRED);
        OPTIONAL.stream().filter(columns::contains).forEach(selected::add);
        return selected;
    }
}
