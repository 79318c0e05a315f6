package io.tokenmonitor.exporter.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A budget or rule scoped to one channel, model, key, user or group sums the minutes at the edges of its window
 * (up to a day of them). Without an index led by the scope's column SQLite reads every series' rows of those
 * minutes: 1,000 channel budgets took 5 s per evaluation on a 5M-row store before V008 (exporter/BENCHMARKS.md).
 */
class UsageQueryPlanTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} seeks {1}")
    @CsvSource({
        "CHANNEL, INDEX usage_minute_channel",
        "MODEL, INDEX usage_minute_model",
        "TOKEN, PRIMARY KEY",
        "USER, INDEX usage_account_minute_user",
        "GROUP, INDEX usage_account_minute_group"
    })
    void givenAFinishedFirstBackfill_whenAScopedEdgeSumIsPlanned_thenItSeeksTheScopesIndex(
            UsageQueries.Filter filter, String index) throws SQLException {
        Path file = dir.resolve("store.db");
        try (Store store = Store.open(file)) {
            store.finishFirstBackfill(); // the indexes a first backfill defers are there from here on
        }
        String sql = filter.minuteSql()
                .replace(":from", "0")
                .replace(":to", "86400")
                .replace(":key", filter.numericKey() ? "7" : "'x'");

        List<String> plan = plan(file, sql);

        assertThat(String.join("\n", plan))
                .as(sql)
                .contains("SEARCH")
                .contains(index)
                .contains("=?");
    }

    private static List<String> plan(Path file, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN " + sql)) {
            List<String> details = new ArrayList<>();
            while (rs.next()) {
                details.add(rs.getString("detail"));
            }
            return details;
        }
    }
}
