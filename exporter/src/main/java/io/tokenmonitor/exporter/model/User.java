package io.tokenmonitor.exporter.model;

/**
 * A gateway user as read from the {@code users} table: never its password, access token, display name,
 * e-mail or any third-party id.
 *
 * @param role 1 common, 10 admin, 100 root
 * @param status 1 enabled, 2 disabled
 * @param quota remaining, gateway units
 * @param requestCount the gateway's own counter
 * @param deleted soft-deleted ({@code deleted_at} set, New API)
 */
public record User(
        long id,
        String username,
        int role,
        int status,
        String group,
        long quota,
        long usedQuota,
        long requestCount,
        boolean deleted) {

    public static final int ENABLED = 1;
}
