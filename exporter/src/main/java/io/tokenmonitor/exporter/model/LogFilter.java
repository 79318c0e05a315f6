package io.tokenmonitor.exporter.model;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The Logs dashboard's filters, for a query of the store's raw {@code logs} rows: created in {@code [from, to)} (unix
 * seconds), in one of the channels, models and kinds (an empty list: any), with exactly this key name, user, key id
 * and group, and the search text in content, other or model, or equal to the id, request id or ip; newest or oldest
 * first, at most {@code limit} rows (empty: all).
 */
public record LogFilter(
        OptionalLong fromSeconds,
        OptionalLong toSeconds,
        List<String> channelIds,
        List<String> models,
        List<String> kinds,
        Optional<String> tokenName,
        Optional<String> username,
        Optional<String> tokenId,
        Optional<String> group,
        Optional<String> search,
        boolean oldestFirst,
        OptionalLong limit) {
    public LogFilter {
        channelIds = List.copyOf(channelIds);
        models = List.copyOf(models);
        kinds = List.copyOf(kinds);
    }
}
