package io.tokenmonitor.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.testing.DbUser;
import io.tokenmonitor.common.testing.GatewayDatabase;
import io.tokenmonitor.common.testing.GatewayDatabase.Flavor;
import io.tokenmonitor.exporter.config.ExporterConfig;
import io.tokenmonitor.exporter.testing.Await;
import io.tokenmonitor.exporter.testing.GatewayAccounts;
import io.tokenmonitor.exporter.testing.MetricsScrape;
import io.tokenmonitor.exporter.testing.StoreSql;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter as started by ExporterMain, on MariaDB as the README's least-privilege user: with the account
 * grants it publishes the account series and keeps the store's copy; without them it says once which grant to add
 * and the rest (sync, usage, channels) keeps working.
 */
class AccountsIT {

    @TempDir
    Path dir;

    @Test
    void givenTheDocumentedGrants_whenRunning_thenTheAccountSeriesArePublishedAndTheStoreHasTheCopy() throws Exception {
        try (GatewayDatabase db = GatewayDatabase.create(Dialect.MYSQL, Flavor.NEW_API, dir)) {
            GatewayAccounts accounts = filled(db);
            Map<String, List<String>> grants = new HashMap<>(baseGrants());
            grants.putAll(accounts.documentedGrants());
            DbUser user = db.createUser("exporter", grants);
            Path store = dir.resolve("store.db");

            try (Exporter exporter = Exporter.start(config(db.sqlDsnAs(user), store), false)) {
                MetricsScrape scrape = Await.until(
                        () -> MetricsScrape.of(exporter.port()),
                        s -> s.text().contains("newapi_tokens_low_quota"),
                        Duration.ofSeconds(30));

                assertThat(scrape.value("newapi_tokens_low_quota")).isEqualTo(1);
                assertThat(scrape.value("newapi_users_low_quota")).isEqualTo(1);
                assertThat(scrape.text())
                        .contains("newapi_tokens{status=\"enabled\"} 2.0")
                        .contains("newapi_token_remaining_usd{token_id=\"2\",token_name=\"ci\",user_id=\"2\","
                                + "username=\"bob\"} 0.5")
                        .contains("newapi_user_remaining_usd{group=\"default\",user_id=\"2\",username=\"bob\"} 0.2");
                assertThat(StoreSql.longs(store, "SELECT id FROM tokens ORDER BY id"))
                        .containsExactly(1L, 2L);
                assertThat(StoreSql.longs(store, "SELECT id FROM users ORDER BY id"))
                        .containsExactly(1L, 2L);
            }
        }
    }

    @Test
    void givenNoAccountGrants_whenRunning_thenOneLineSaysWhichGrantToAddAndTheRestWorks() throws Exception {
        try (GatewayDatabase db = GatewayDatabase.create(Dialect.MYSQL, Flavor.NEW_API, dir)) {
            filled(db);
            db.addConsumeLogs(1, "gpt-4o", 3, 10, 20, System.currentTimeMillis() / 1000 - 60);
            DbUser user = db.createUser("noaccounts", baseGrants());
            Path store = dir.resolve("store.db");
            PrintStream original = System.err;
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            MetricsScrape scrape;
            try (Exporter exporter = Exporter.start(config(db.sqlDsnAs(user), store), false)) {
                scrape = Await.until(
                        () -> MetricsScrape.of(exporter.port()), s -> !s.usage().isEmpty(), Duration.ofSeconds(30));
            } finally {
                System.setErr(original);
            }
            String text = log.toString(StandardCharsets.UTF_8);
            List<String> failures = text.lines()
                    .filter(l -> l.contains("accounts: reading the gateway's tokens and users failed"))
                    .toList();
            assertThat(failures)
                    .singleElement()
                    .asString()
                    .contains("grant it: GRANT SELECT (id, user_id, name, status, remain_quota, used_quota,"
                            + " unlimited_quota, created_time, accessed_time, expired_time, `group`, deleted_at) ON `"
                            + db.name() + "`.tokens TO '" + user.name() + "'@'%'");
            assertThat(scrape.usage()).as("the sync keeps working").isNotEmpty();
            assertThat(scrape.text()).contains("newapi_channel_status").doesNotContain("newapi_tokens{");
        }
    }

    private static GatewayAccounts filled(GatewayDatabase db) throws Exception {
        db.addChannel(1, "main", List.of("gpt-4o"));
        GatewayAccounts accounts = GatewayAccounts.create(db);
        accounts.addUser(1, "alice", 1, "vip", 500_000_000, 0, false);
        accounts.addUser(2, "bob", 1, "default", 100_000, 9_900_000, false);
        accounts.addToken(1, 1, "prod", 1, "vip", 50_000_000, 0, false, -1, false);
        accounts.addToken(2, 2, "ci", 1, "default", 250_000, 10_000_000, false, -1, false);
        return accounts;
    }

    /** What the exporter needed before issue 15 (README): logs, the channel columns, QuotaPerUnit. */
    private static Map<String, List<String>> baseGrants() {
        return Map.of(
                "logs", List.of("SELECT"),
                "channels",
                        List.of("SELECT (`id`, `name`, `type`, `status`, `group`, `tag`, `balance`, `response_time`)"),
                "options", List.of("SELECT (`key`, `value`)"));
    }

    private static ExporterConfig config(String sqlDsn, Path store) {
        return ExporterConfig.fromEnvironment(
                Map.of("SQL_DSN", sqlDsn, "LISTEN_ADDRESS", "127.0.0.1:0", "STORE_PATH", store.toString()), false);
    }
}
