package io.tokenmonitor.exporter.source;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import java.time.Duration;

/** Builds the read-only HikariCP pool on a gateway database. */
public final class SourcePool {

    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_POOL_SIZE = 3;

    private SourcePool() {}

    /**
     * Opens a lazily connecting pool: a database that is down at start is retried by the sync loop
     * instead of stopping the program.
     *
     * @param name pool name in logs and metrics ({@code gateway-logs}, {@code gateway-main})
     */
    public static HikariDataSource open(String name, SourceDsn dsn, MetricsTrackerFactory metrics) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(dsn.jdbcUrl());
        if (dsn.user() != null) {
            config.setUsername(dsn.user());
            config.setPassword(dsn.password());
        }
        config.setReadOnly(true);
        config.setAutoCommit(true);
        config.setMaximumPoolSize(MAX_POOL_SIZE);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        config.setInitializationFailTimeout(-1); // start even when the database is down; the sync loop retries
        if (dsn.dialect() == SourceDialect.SQLITE) {
            // sqlite-jdbc cannot switch an open connection to read-only: it has to be opened that way.
            config.addDataSourceProperty("open_mode", "1"); // SQLITE_OPEN_READONLY
        }
        if (metrics != null) {
            config.setMetricsTrackerFactory(metrics);
        }
        return new HikariDataSource(config);
    }
}
