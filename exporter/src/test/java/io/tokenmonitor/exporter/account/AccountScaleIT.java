package io.tokenmonitor.exporter.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.testing.DbUser;
import io.tokenmonitor.common.testing.GatewayDatabase;
import io.tokenmonitor.common.testing.GatewayDatabase.Flavor;
import io.tokenmonitor.exporter.metrics.AccountCollector;
import io.tokenmonitor.exporter.model.AccountThresholds;
import io.tokenmonitor.exporter.source.AccountReader;
import io.tokenmonitor.exporter.source.SourceDialect;
import io.tokenmonitor.exporter.source.SourceDsn;
import io.tokenmonitor.exporter.source.SourcePool;
import io.tokenmonitor.exporter.store.Store;
import io.tokenmonitor.exporter.testing.GatewayAccounts;
import io.tokenmonitor.exporter.testing.StoreSql;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * 100,000 keys on MariaDB and PostgreSQL, read by the documented grants: the refresh's time and heap (printed for the closing
 * note), an unchanged gateway costing no store writes, and /metrics staying within ACCOUNT_SERIES_LIMIT.
 */
class AccountScaleIT {

    private static final int KEYS = 100_000;
    private static final int USERS = 10_000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(
            value = Dialect.class,
            names = {"MYSQL", "POSTGRES"})
    void givenOneHundredThousandKeys_whenRefreshedAndCollected_thenTheStoreIsWrittenOnceAndTheSeriesStayCapped(
            Dialect dialect) throws Exception {
        try (GatewayDatabase db = GatewayDatabase.create(dialect, Flavor.NEW_API, dir)) {
            GatewayAccounts accounts = GatewayAccounts.create(db);
            accounts.addManyTokens(KEYS, USERS, 50_000_000);
            for (int i = 1; i <= 3; i++) {
                accounts.addUser(i, "user-" + i, 1, "default", 0, 0, false);
            }
            accounts.execute("INSERT INTO users (id, username, password, quota, used_quota)"
                    + " SELECT id + 3, CONCAT('bulk-', id), 'x', 1000000000, 0 FROM tokens WHERE id <= " + (USERS - 3));
            if (dialect == Dialect.POSTGRES) {
                accounts.execute("ANALYZE tokens", "ANALYZE users");
            }
            DbUser reader = db.createUser("scale", accounts.documentedGrants());
            Path storeFile = dir.resolve("store.db");
            try (HikariDataSource pool =
                            SourcePool.open("scale", SourceDsn.parse("SQL_DSN", db.sqlDsnAs(reader), "x"), null);
                    Store store = Store.open(storeFile)) {
                AccountRefresher refresher = new AccountRefresher(
                        new AccountReader(Jdbi.create(pool), SourceDialect.valueOf(dialect.name()), reader.name()),
                        store,
                        Duration.ofSeconds(60),
                        Clock.systemUTC());
                long heapBefore = usedHeap();

                long first = timed(refresher::refreshOnce);
                long heapAfter = usedHeap();
                long unchanged = timed(refresher::refreshOnce);
                accounts.execute("UPDATE tokens SET remain_quota = remain_quota - 1, used_quota = used_quota + 1"
                        + " WHERE id <= 1000");
                long thousandChanged = timed(refresher::refreshOnce);

                assertThat(refresher.state().tokens()).hasSize(KEYS);
                assertThat(StoreSql.one(storeFile, "SELECT COUNT(*) FROM tokens"))
                        .isEqualTo(KEYS);
                assertThat(StoreSql.one(storeFile, "SELECT remain_quota FROM tokens WHERE id = 7"))
                        .isEqualTo(50_000_000 - 1);
                AccountCollector collector = new AccountCollector(
                        refresher::state, AccountThresholds.DEFAULT, () -> 500_000, Clock.systemUTC());
                collector.collect();
                long collectStart = System.nanoTime();
                MetricSnapshots out = collector.collect();
                long collect = (System.nanoTime() - collectStart) / 1_000_000;
                System.out.printf(
                        "accounts at %,d keys and %,d users (%s, column grants): first refresh %d ms (all rows"
                                + " written), unchanged %d ms (none written), 1,000 changed %d ms; state on the heap"
                                + " %.1f MiB; collect %d ms%n",
                        KEYS,
                        USERS,
                        dialect,
                        first,
                        unchanged,
                        thousandChanged,
                        (heapAfter - heapBefore) / 1048576.0,
                        collect);

                int perKey = 0;
                for (MetricSnapshot s : out) {
                    if (s.getMetadata().getPrometheusName().startsWith("newapi_token_")) {
                        perKey += ((GaugeSnapshot) s).getDataPoints().size();
                        assertThat(((GaugeSnapshot) s).getDataPoints()).hasSizeLessThanOrEqualTo(100);
                    }
                }
                assertThat(perKey)
                        .as("low keys: every tenth, 10,000; capped at 100 per family")
                        .isEqualTo(200);
            }
        }
    }

    private static long timed(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
