package io.tokenmonitor.exporter.model;

/**
 * A gateway API key as read from the {@code tokens} table: never its {@code key} column.
 *
 * @param status 1 enabled, 2 disabled, 3 expired, 4 exhausted
 * @param group '' where the gateway has no {@code tokens.group} (One API)
 * @param remainQuota gateway units; meaningless when {@code unlimitedQuota}
 * @param expiredTime unix seconds; {@link #NEVER_EXPIRES} for never
 * @param deleted soft-deleted ({@code deleted_at} set): gone for the gateway
 */
public record Token(
        long id,
        long userId,
        String name,
        int status,
        String group,
        long remainQuota,
        long usedQuota,
        boolean unlimitedQuota,
        long createdTime,
        long accessedTime,
        long expiredTime,
        boolean deleted) {

    public static final int ENABLED = 1;
    public static final long NEVER_EXPIRES = -1;
}
