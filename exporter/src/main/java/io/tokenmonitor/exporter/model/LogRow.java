package io.tokenmonitor.exporter.model;

/**
 * One row of the gateway's {@code logs} table as read, normalised to one shape for both gateways.
 * Missing or NULL text is {@code ""}, missing numbers are 0; {@code useTimeMillis} is -1 when the
 * gateway recorded none. {@code problems} counts values that had to be replaced because they were
 * of an unexpected type.
 *
 * @param tokenId the gateway's {@code logs.token_id} (0: no key); {@link #NO_TOKEN_ID} when its table has no such
 *     column (One API), for the store to look up by user and key name
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
        int problems,
        long tokenId) {

    /** The source has no {@code token_id} column: the store finds the key by {@code userId} and {@code tokenName}. */
    public static final long NO_TOKEN_ID = -1;

    /** The same row with the key the store found for it. */
    public LogRow withTokenId(long resolved) {
        return new LogRow(
                id,
                createdAt,
                type,
                userId,
                username,
                tokenName,
                modelName,
                quota,
                promptTokens,
                completionTokens,
                useTimeMillis,
                stream,
                channelId,
                group,
                other,
                content,
                requestId,
                ip,
                problems,
                resolved);
    }
}
