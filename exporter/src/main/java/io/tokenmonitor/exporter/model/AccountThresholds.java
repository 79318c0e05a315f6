package io.tokenmonitor.exporter.model;

import java.time.Duration;

/**
 * When a key or user counts as low on quota or a key as about to expire, and how many of them get
 * series of their own.
 *
 * @param lowQuotaUsd {@code LOW_QUOTA_USD}: remaining USD at or below this is low
 * @param lowQuotaRatio {@code LOW_QUOTA_RATIO}: remaining ÷ (remaining + used) at or below this is low
 * @param expiryWarning {@code EXPIRY_WARNING}: a key expiring within this is expiring
 * @param seriesLimit {@code ACCOUNT_SERIES_LIMIT}: per-key and per-user series at most, per kind
 */
public record AccountThresholds(double lowQuotaUsd, double lowQuotaRatio, Duration expiryWarning, int seriesLimit) {

    public static final AccountThresholds DEFAULT = new AccountThresholds(1, 0.1, Duration.ofHours(72), 100);
}
