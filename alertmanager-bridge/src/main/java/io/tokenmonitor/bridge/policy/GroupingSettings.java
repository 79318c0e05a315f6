package io.tokenmonitor.bridge.policy;

import java.util.Set;

/**
 * Which targets get one message per alert instead of one per Alertmanager group. Grouping is the default: a storm
 * is exactly when one message per alert hurts (Telegram takes 20 a minute, so 20 alerts would fill a minute of its
 * queue), and a group holding a single alert is rendered exactly as before.
 */
public record GroupingSettings(Set<String> ungrouped) {
    public static final GroupingSettings ALL_GROUPED = new GroupingSettings(Set.of());

    public GroupingSettings {
        ungrouped = Set.copyOf(ungrouped);
    }
}
