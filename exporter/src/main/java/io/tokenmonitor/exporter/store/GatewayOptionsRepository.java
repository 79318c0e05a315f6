package io.tokenmonitor.exporter.store;

import org.jdbi.v3.core.Handle;

/** The store's copy of the gateway options its readers need: {@code QuotaPerUnit}. */
final class GatewayOptionsRepository {

    private static final String LOAD = "SELECT quota_per_unit FROM gateway_options WHERE singleton = 1";
    private static final String SAVE = "UPDATE gateway_options SET quota_per_unit = ? WHERE singleton = 1";

    double quotaPerUnit(Handle handle) {
        return handle.createQuery(LOAD).mapTo(Double.class).one();
    }

    void saveQuotaPerUnit(Handle handle, double quotaPerUnit) {
        handle.createUpdate(SAVE).bind(0, quotaPerUnit).execute();
    }
}
