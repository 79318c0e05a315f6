package io.tokenmonitor.exporter.model;

/**
 * One row of the gateway's {@code logs} table as read, normalised to one shape for both gateways.
 * Missing or NULL text is {@code ""}, missing numbers are 0; {@code useTimeMillis} is -1 when the
 * gateway recorded none. {@code problems} counts values that had to be replaced because they were
 * of an unexpected type.
 */
public record LogRow(
        long id,
        long createdAt,
        int type,
        long userId,
        String username,
        String tokenName,
        String modelName,
        long quota,
        long promptTokens,
        long completionTokens,
        long useTimeMillis,
        boolean stream,
        long channelId,
        String group,
        String other,
        String content,
        String requestId,
        String ip,
        int problems) {}
