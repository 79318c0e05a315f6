package io.tokenmonitor.common.alert;

import java.util.Arrays;
import java.util.List;

/**
 * The labels by which an alert tells the bridge what to do (docs/alert-labels.md). The exporter puts them on its budget
 * series from the budget config, alerting rules may set them too, and the bridge reads them; both programs name
 * them through this enum, and read their values with {@link TargetName}, {@link Action}, {@link Severity},
 * {@link ChannelId}, {@code time.ActiveWindow}, {@code time.PromDuration} and {@code time.IanaZone}.
 */
public enum PolicyLabel {
    /** Comma-separated target names ({@link TargetName#parseList}); empty or absent: every target. */
    NOTIFY("notify"),
    /** {@link Action}. */
    ACTION("action"),
    /** An active window ({@code time.ActiveWindow}). */
    ACTIVE("active"),
    /** The zone of {@code active} ({@code time.IanaZone}). */
    TZ("tz"),
    /** How long to stay quiet after a notification ({@code time.PromDuration}). */
    COOLDOWN("cooldown"),
    /** {@link Severity}. */
    SEVERITY("severity"),
    /** The gateway channel that {@code action=disable_channel} disables ({@link ChannelId}). */
    CHANNEL_ID("channel_id"),
    /** The gateway API key ({@code tokens.id}) that {@code action=disable_token} disables. */
    TOKEN_ID("token_id"),
    /** The gateway user ({@code users.id}) that {@code action=disable_user} disables. */
    USER_ID("user_id");

    private final String label;

    PolicyLabel(String label) {
        this.label = label;
    }

    /** The label's name as it appears on a series and an alert. */
    public String label() {
        return label;
    }

    /** Every policy label's name, in declaration order. */
    public static List<String> names() {
        return Arrays.stream(values()).map(PolicyLabel::label).toList();
    }
}
