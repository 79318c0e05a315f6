package io.tokenmonitor.exporter.model;

/**
 * A gateway channel as read from the {@code channels} table (never its key).
 *
 * @param status the gateway's status: 1 enabled, 2 manually disabled, 3 auto-disabled
 */
public record Channel(
        String id,
        String name,
        int type,
        String group,
        String tag,
        int status,
        double balanceUsd,
        double testResponseTimeSeconds) {}
