package io.tokenmonitor.exporter.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.LogRow;
import io.tokenmonitor.exporter.model.SyncPosition;
import io.tokenmonitor.exporter.source.GatewayFlavor;
import io.tokenmonitor.exporter.sync.RowClassifier;
import io.tokenmonitor.exporter.testing.Classifiers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's write path for usage per key, user and group: token ids, the account rollups, their pruning. */
class AccountUsageStoreTest {

    private static final long T = 1_790_000_040L; // a minute start + 40 s

    @TempDir
    Path dir;

    /**
     * One API rows carry no token_id: user 1's "ci" is one key (5), user 2's "dup" two (6, 7), user 3's "none" no key;
     * a row of user 2 named "ci" is not user 1's key.
     */
    @Test
    void givenOneApiRows_whenCommitted_thenEachGetsTheOneKeyOfItsUserAndNameOrZero() throws Exception {
        Path file = dir.resolve("store.db");
        try (Store store = Store.open(file)) {
            sql(
                    file,
                    "INSERT INTO tokens (id, user_id, name, status, \"group\", remain_quota, used_quota, unlimited_quota,"
                            + " created_time, accessed_time, expired_time, deleted) VALUES"
                            + " (5, 1, 'ci', 1, '', 0, 0, 1, 0, 0, -1, 0), (6, 2, 'dup', 1, '', 0, 0, 1, 0, 0, -1, 0),"
                            + " (7, 2, 'dup', 1, '', 0, 0, 1, 0, 0, -1, 0)");
            RowClassifier oneApi = Classifiers.uncapped(GatewayFlavor.ONE_API);
            List<ClassifiedRow> rows = new ArrayList<>();
            rows.add(oneApi.classify(row(1, 1, "ci", 100, LogRow.NO_TOKEN_ID)));
            rows.add(oneApi.classify(row(2, 1, "ci", 200, LogRow.NO_TOKEN_ID)));
            rows.add(oneApi.classify(row(3, 2, "dup", 400, LogRow.NO_TOKEN_ID)));
            rows.add(oneApi.classify(row(4, 3, "none", 800, LogRow.NO_TOKEN_ID)));
            rows.add(oneApi.classify(row(5, 2, "ci", 1600, LogRow.NO_TOKEN_ID)));
            store.commit(
                    rows,
                    new SyncPosition("s", 5, T, List.of()),
                    store.loadTotals(),
                    1,
                    Long.MIN_VALUE,
                    Long.MIN_VALUE);
            store.finishFirstBackfill(); // the first backfill's rollups are built when it ends
            assertThat(column(file, "SELECT id || ':' || token_id FROM logs ORDER BY id"))
                    .containsExactly("1:5", "2:5", "3:0", "4:0", "5:0");
            assertThat(column(
                            file,
                            "SELECT token_id || '/' || user_id || ':' || requests || ':' || quota"
                                    + " FROM usage_account_minute ORDER BY token_id, user_id"))
                    .containsExactly("0/2:2:2000", "0/3:1:800", "5/1:2:300");
            assertThat(column(
                            file,
                            "SELECT token_id || ':' || day || ':' || quota FROM usage_account_day"
                                    + " WHERE token_id = 5"))
                    .containsExactly("5:" + (T / 86_400 * 86_400) + ":300");

            store.prune(Long.MIN_VALUE, T + 86_400);
            assertThat(column(file, "SELECT COUNT(*) FROM usage_account_minute"))
                    .containsExactly("0");
            assertThat(column(file, "SELECT COUNT(*) FROM usage_account_day"))
                    .as("pruned like usage_day")
                    .containsExactly("0");
        }
    }

    /**
     * An upgraded store (raw rows without token_id, no account rollups) filled from One API's side: the keys come from
     * the store's tokens copy, and the rollups equal what the sync would have written; a second fill changes nothing.
     */
    @Test
    void givenRowsWithoutTokenIds_whenFilledWithoutTheGateway_thenTheKeysComeFromTheTokensCopyOnce() throws Exception {
        Path file = dir.resolve("store.db");
        try (Store store = Store.open(file)) {
            sql(
                    file,
                    "INSERT INTO tokens (id, user_id, name, status, \"group\", remain_quota, used_quota, unlimited_quota,"
                            + " created_time, accessed_time, expired_time, deleted) VALUES"
                            + " (5, 1, 'ci', 1, '', 0, 0, 1, 0, 0, -1, 0)");
            RowClassifier oneApi = Classifiers.uncapped(GatewayFlavor.ONE_API);
            store.commit(
                    List.of(
                            oneApi.classify(row(1, 1, "ci", 100, LogRow.NO_TOKEN_ID)),
                            oneApi.classify(row(2, 1, "ci", 200, LogRow.NO_TOKEN_ID)),
                            oneApi.classify(row(3, 2, "x", 400, LogRow.NO_TOKEN_ID))),
                    new SyncPosition("s", 3, T, List.of()),
                    store.loadTotals(),
                    1,
                    Long.MIN_VALUE,
                    Long.MIN_VALUE);
            store.finishFirstBackfill(); // the first backfill's rollups are built when it ends
            String rollups = "SELECT token_id || '/' || user_id || ':' || requests || ':' || quota"
                    + " FROM usage_account_minute ORDER BY token_id, user_id";
            List<String> synced = column(file, rollups);
            sql(file, "UPDATE logs SET token_id = NULL");
            sql(file, "DELETE FROM usage_account_minute");
            sql(file, "DELETE FROM usage_account_day");
            assertThat(store.rowsWithoutTokenId()).contains(new UnfilledRows(1, 3, 3));

            assertThat(store.fillTokenIds(1, 3, null, Long.MIN_VALUE)).isEqualTo(3);
            assertThat(store.fillTokenIds(1, 3, null, Long.MIN_VALUE))
                    .as("nothing left")
                    .isZero();

            assertThat(store.rowsWithoutTokenId()).isEmpty();
            assertThat(column(file, "SELECT id || ':' || token_id FROM logs ORDER BY id"))
                    .containsExactly("1:5", "2:5", "3:0");
            assertThat(column(file, rollups)).isEqualTo(synced).containsExactly("0/2:1:400", "5/1:2:300");
            assertThat(column(file, "SELECT token_id || ':' || quota FROM usage_account_day ORDER BY token_id"))
                    .containsExactly("0:400", "5:300");
        }
    }

    private static LogRow row(long id, long userId, String tokenName, long quota, long tokenId) {
        return new LogRow(
                id, T, 2, userId, "u", tokenName, "m", quota, 1, 1, 1000, false, 1, "", "", "", "", "", 0, tokenId);
    }

    private static void sql(Path file, String statement) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static List<String> column(Path file, String query) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
