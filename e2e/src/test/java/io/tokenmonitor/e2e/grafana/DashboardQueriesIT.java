package io.tokenmonitor.e2e.grafana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import io.tokenmonitor.e2e.harness.BridgeProcess;
import io.tokenmonitor.e2e.harness.ExporterProcess;
import io.tokenmonitor.e2e.harness.PrometheusApi;
import io.tokenmonitor.e2e.harness.PrometheusProcess;
import io.tokenmonitor.e2e.harness.RepoPaths;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * Runs every query of every dashboard against the real programs: the exporter jar on its busy demo
 * gateway, scraped by a real Prometheus that loads the repository's rules. Every PromQL query (with
 * Grafana's globals and the dashboard's variables substituted) must return data, and every SQL
 * query must return rows from the exporter's store, except queries on the metrics listed in
 * {@link #PENDING}, which are reported as skipped with the reason.
 */
class DashboardQueriesIT {
    /**
     * Metrics the dashboards use that nothing in this test publishes yet, with the reason. A query
     * (or variable) that returns nothing is excused only when it names one of these. Once one of
     * them is published, {@link #givenPendingList_thenNoPendingMetricIsPublishedAlready} fails: remove it here.
     */
    static final Map<String, String> PENDING = new TreeMap<>();

    private static final int DEMO_ROWS_PER_SECOND = 200;
    private static final Duration SCRAPE = Duration.ofSeconds(1);
    private static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final Duration MIN_HISTORY = Duration.ofSeconds(20);
    private static final Duration DATA_TIMEOUT = Duration.ofSeconds(90);
    /** SQL panels are checked over 30 days, the longest quick range: the demo's two days of history are inside. */
    private static final Duration SQL_RANGE = Duration.ofDays(30);

    private static final Pattern UNRESOLVED = Pattern.compile("\\$\\{\\w+|\\$__\\w+|\\$[A-Za-z_]\\w*|\\[\\[\\w+");

    @TempDir
    static Path dir;

    static ExporterProcess exporter;
    static AccountSeriesFixture accounts;
    static BridgeProcess bridge;
    static PrometheusProcess prometheus;
    static Instant promStart;
    static List<Dashboard> dashboards;

    @BeforeAll
    static void startExporterAndPrometheus() {
        dashboards = Dashboard.loadAll(RepoPaths.root().resolve("grafana/dashboards"));
        exporter = ExporterProcess.startDemo(
                dir.resolve("exporter"),
                DEMO_ROWS_PER_SECOND,
                Map.of(
                        "CONFIG_FILE",
                        writeBudgets(dir.resolve("exporter")).toString(),
                        // the optional per group / key name / user name families the Tokens dashboard draws
                        "OPTIONAL_LABELS",
                        "group,token_name,username"));
        accounts = AccountSeriesFixture.start();
        // The bridge only needs to be scraped: its counters start at 0 for every target, reason and result.
        bridge = BridgeProcess.start(
                dir.resolve("bridge"),
                Map.of(
                        "BRIDGE_TOKEN",
                        "dashboards",
                        "TELEGRAM_BOT_TOKEN",
                        "1:DASHBOARDS",
                        "TELEGRAM_CHAT_ID",
                        "42",
                        "TELEGRAM_API_URL",
                        "http://127.0.0.1:9"));
        prometheus = PrometheusProcess.start(
                dir.resolve("prometheus"),
                Map.of("token-monitor-exporter", exporter.target(), "token-monitor-bridge", bridge.target()),
                null,
                SCRAPE,
                Map.of(AccountSeriesFixture.JOB, accounts.target()));
        promStart = Instant.now();
        awaitData();
        try {
            System.out.println("account tables seeded (the exporter left them empty): "
                    + AccountStoreSeed.seed(exporter.storePath()));
        } catch (SQLException e) {
            throw new AssertionError("cannot seed the store's account tables: " + e.getMessage(), e);
        }
    }

    /**
     * Two budgets on the demo's traffic: one calendar window (forecast path), one rolling window
     * exceeded at once (alert path); and two rules the Budgets dashboard's rules table shows: an
     * error ratio over all traffic (armed at once at the demo's rate) and channel_down for every
     * channel (one series per channel).
     */
    private static Path writeBudgets(Path exporterDir) {
        try {
            java.nio.file.Files.createDirectories(exporterDir);
            Path file = exporterDir.resolve("budgets.yml");
            java.nio.file.Files.writeString(file, """
                    timezone: Asia/Shanghai
                    budgets:
                      - name: gpt4o-daily
                        model: gpt-4o
                        window: calendar_day
                        limit: {tokens: 500000000}
                      - name: channel1-usd-24h
                        channel_id: 1
                        window: 24h
                        limit: {usd: 0.01}
                        severity: info
                    rules:
                      - name: demo-errors
                        kind: error_ratio
                        window: 5m
                        above: 0.5
                        min_requests: 1
                      - name: demo-channels-down
                        kind: channel_down
                    """);
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (accounts != null) {
            accounts.close();
        }
        if (exporter != null) {
            exporter.close();
        }
    }

    /** Waits for the recording rules' 5m series, an armed rule, an alert state, and at least MIN_HISTORY of scrapes. */
    private static void awaitData() {
        PrometheusApi api = prometheus.api();
        Instant deadline = Instant.now().plus(DATA_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            boolean ready = !api.query("channel:newapi_usage_request_duration_seconds:p95_5m", Instant.now())
                            .isEmpty()
                    && !api.query("ALERTS", Instant.now()).isEmpty()
                    && !api.query("newapi_rule_threshold{rule=\"demo-errors\"}", Instant.now())
                            .isEmpty()
                    && !api.query("newapi_token_remaining_usd", Instant.now()).isEmpty()
                    && !api.query("newapi_group_usage_requests_total", Instant.now())
                            .isEmpty()
                    && Duration.between(promStart, Instant.now()).compareTo(MIN_HISTORY) >= 0;
            if (ready) {
                return;
            }
            sleep(Duration.ofSeconds(1));
        }
        fail("no data in Prometheus after " + DATA_TIMEOUT + "; targets " + api.targetHealthByScrapeUrl()
                + "\nexporter:\n" + exporter.logTail() + "\nprometheus:\n" + prometheus.logTail());
    }

    @Test
    void givenPendingList_thenNoPendingMetricIsPublishedAlready() {
        List<String> published = new ArrayList<>();
        for (String metric : PENDING.keySet()) {
            if (!prometheus
                    .api()
                    .query("count({__name__=\"" + metric + "\"})", Instant.now())
                    .isEmpty()) {
                published.add(metric);
            }
        }
        assertThat(published)
                .as("published now: remove them from DashboardQueriesIT.PENDING so their panels are checked")
                .isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> givenEachDashboardVariable_whenResolvedAgainstPrometheus_thenItHasOptions() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Dashboard d : dashboards) {
            tests.add(DynamicTest.dynamicTest(
                    d.uid() + " variables", () -> interpolatorFor(d, promStart, Instant.now())));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> givenEachPromQlQuery_whenRunOnTheBusyDemo_thenItReturnsData() {
        List<DynamicTest> tests = new ArrayList<>();
        Instant to = Instant.now();
        for (Dashboard d : dashboards) {
            Interpolator vars = interpolatorFor(d, promStart, to);
            for (Dashboard.PanelQuery q : d.queries()) {
                if (q.isPrometheus()) {
                    tests.add(DynamicTest.dynamicTest(q.where(), () -> runPromQl(q, vars.apply(q.text(), true), to)));
                }
            }
        }
        assertThat(tests).as("PromQL queries").isNotEmpty();
        return tests.stream();
    }

    /**
     * Store panels must work with Prometheus down (or its datasource broken): every variable that
     * Prometheus fills is then empty, and the SQL still has to run and find rows.
     */
    @TestFactory
    Stream<DynamicTest> givenPrometheusVariablesEmpty_whenEachSqlQueryRunsOnTheStore_thenItReturnsRows() {
        List<DynamicTest> tests = new ArrayList<>();
        Instant to = Instant.now();
        for (Dashboard d : dashboards) {
            Interpolator vars = interpolatorWithoutPrometheus(d, to.minus(SQL_RANGE), to);
            for (Dashboard.PanelQuery q : d.queries()) {
                if (q.isSqlite()) {
                    tests.add(DynamicTest.dynamicTest(q.where(), () -> runSql(q, vars.apply(q.text(), false))));
                }
            }
        }
        assertThat(tests).as("SQL queries").isNotEmpty();
        return tests.stream();
    }

    /** The overview's store-based totals include the history from before Prometheus started (7d / 30d right on day one). */
    @Test
    void givenHistoryBeforePrometheusStarted_whenStoreSumsThirtyDays_thenTheyMatchTheExporterCounters()
            throws SQLException {
        double counters = prometheus
                .api()
                .query("sum(newapi_usage_requests_total)", Instant.now())
                .get(0)
                .values()
                .get(0);
        long store;
        long beforePrometheus;
        try (Connection c = openStore();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT SUM(requests), SUM(CASE WHEN minute < " + (promStart.getEpochSecond() - 60)
                                + " THEN requests ELSE 0 END) FROM usage_minute WHERE minute >= strftime('%s','now') - 30 * 86400")) {
            rs.next();
            store = rs.getLong(1);
            beforePrometheus = rs.getLong(2);
        }
        assertThat((double) store)
                .as("store's 30-day requests vs the exporter's counters")
                .isCloseTo(counters, org.assertj.core.data.Percentage.withPercentage(10));
        assertThat(beforePrometheus)
                .as("requests of the demo's history, before Prometheus existed, in the 30-day sums")
                .isGreaterThan(1000);
    }

    /** The store panels compute dollars with the store's QuotaPerUnit: the exporter keeps it equal to what it publishes. */
    @Test
    void givenExporterRunning_thenTheStoresQuotaPerUnitIsThePublishedOne() throws SQLException {
        double published = prometheus
                .api()
                .query("max(newapi_quota_per_unit)", Instant.now())
                .get(0)
                .values()
                .get(0);
        try (Connection c = openStore();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT quota_per_unit FROM gateway_options")) {
            assertThat(rs.next()).as("gateway_options row").isTrue();
            assertThat(rs.getDouble(1)).isEqualTo(published);
        }
    }

    /**
     * Count panels draw increase(x[$__interval]) with a step of $__interval (as Grafana's Prometheus
     * datasource queries them): the bars tile the range, so their sum is the range's increase.
     */
    @Test
    void givenCountPanelQuery_whenItsBarsAreSummed_thenTheyMakeTheIncreaseOverTheRange() {
        Interpolator vars = new Interpolator(promStart, Instant.now(), INTERVAL, SCRAPE);
        Instant end =
                Instant.ofEpochSecond(Instant.now().getEpochSecond() / INTERVAL.toSeconds() * INTERVAL.toSeconds());
        Instant start = end.minus(Duration.ofSeconds(16));
        double total = prometheus
                .api()
                .query("sum(increase(newapi_usage_requests_total[16s]))", end)
                .get(0)
                .values()
                .get(0);
        // increase() extrapolates at each window's edges, so the sum is close to, not exactly, the total.
        assertThat(summedBars(vars.apply("sum(increase(newapi_usage_requests_total[$__interval]))", true), start, end))
                .as("bars of $__interval summed over 16 s vs the increase over 16 s")
                .isCloseTo(total, org.assertj.core.data.Percentage.withPercentage(20));
        // What the panels did before: $__rate_interval (4 s here) counts every event in two bars.
        assertThat(summedBars(
                        vars.apply("sum(increase(newapi_usage_requests_total[$__rate_interval]))", true), start, end))
                .as("bars of $__rate_interval")
                .isGreaterThan(1.5 * total);
    }

    private static double summedBars(String expr, Instant start, Instant end) {
        return prometheus.api().queryRange(expr, start.plus(INTERVAL), end, INTERVAL).get(0).values().stream()
                .mapToDouble(Double::doubleValue)
                .sum();
    }

    /** The Logs search as Grafana sends it (sqlstring escaping) finds a JSON fragment of other, and a row by its id. */
    @Test
    void givenLogsSearch_whenAJsonFragmentOrAnIdIsSearched_thenTheRowIsFound() throws SQLException {
        Dashboard logs = Dashboard.byUid(dashboards, "tm-logs");
        Dashboard.PanelQuery table = logs.query("Logs");
        long id;
        String fragment;
        try (Connection c = openStore();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, other FROM logs WHERE other LIKE '%\"%\":%'"
                        + " AND created_at < strftime('%s', 'now') - 60 ORDER BY id DESC LIMIT 1")) {
            // a minute old: inside the range whatever second the range ends at
            assertThat(rs.next()).as("a row whose other has a JSON key").isTrue();
            id = rs.getLong(1);
            String other = rs.getString(2);
            int start = other.indexOf('"');
            fragment = other.substring(start, other.indexOf("\":", start) + 2); // e.g. "error_code":
        }
        Instant to = Instant.now();
        for (String q : List.of(fragment, Long.toString(id))) {
            Interpolator vars = interpolatorWithoutPrometheus(logs, to.minus(SQL_RANGE), to);
            vars.set("q", Interpolator.Value.of(q));
            vars.set("limit", Interpolator.Value.of("100000"));
            String sql = vars.apply(table.text(), false);
            List<Long> ids = new ArrayList<>();
            try (Connection c = openStore();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    ids.add(rs.getLong("id"));
                }
            }
            assertThat(ids).as("search " + q + "\n  " + sql).contains(id);
        }
    }

    /**
     * Issue 16 item 7, the original's drawer: with Row id set to a real error row (its other nests an
     * object and an array) and to a request row (a cost), the Selected row panel shows every column of
     * the store's row under the column's name with the row's own value, the time in UTC, the cost in
     * USD as the table computes it, other pretty-printed and each key of other in a row of its own,
     * and nothing else. The expected fields are the row's SELECT *, so a column a later migration adds
     * fails here until the panel shows it.
     */
    /**
     * The Logs table with one channel, two models and a limit of 7 shows exactly the store's 7 newest rows of that
     * selection in the range, newest first, each stored column as stored (the table picks the ids first, then reads
     * those rows whole: issue 16's benchmark, e2e/BENCHMARKS.md).
     */
    @Test
    void givenLogsTable_whenOneChannelTwoModelsAndALimitAreSelected_thenItShowsTheStoresNewestRowsOfThem()
            throws SQLException {
        Dashboard logs = Dashboard.byUid(dashboards, "tm-logs");
        List<String> selection = oneChannelTwoModels();
        String channel = selection.get(0);
        List<String> models = selection.subList(1, 3);
        // Ends a minute ago: the demo gateway keeps writing, both queries must see the same rows.
        Instant to = Instant.ofEpochSecond(Instant.now().getEpochSecond() - 60);
        Instant from = to.minus(Duration.ofHours(1));
        Interpolator vars = modelsSelection(logs, from, to, channel, models);
        vars.set("limit", Interpolator.Value.of("7"));
        String sql = vars.apply(logs.query("Logs").text(), false);
        List<String> columns = List.of(
                "id",
                "kind",
                "channel_id",
                "channel_name",
                "model",
                "token_name",
                "token_id",
                "username",
                "group",
                "prompt_tokens",
                "completion_tokens",
                "cache_read_tokens",
                "cache_write_tokens",
                "quota",
                "use_time_seconds",
                "ttft_seconds",
                "is_stream",
                "status_class",
                "request_id",
                "ip",
                "content",
                "other");
        List<List<String>> shown = new ArrayList<>();
        try (Connection c = openStore();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                List<String> row = new ArrayList<>(List.of(rs.getString("time")));
                for (String column : columns) {
                    row.add(rs.getString(column));
                }
                shown.add(row);
            }
        }
        List<List<String>> expected = liveRows("SELECT created_at, "
                + columns.stream().map(col -> '"' + col + '"').collect(Collectors.joining(", "))
                + " FROM logs WHERE channel_id = '" + channel + "' AND model IN ('"
                + models.get(0).replace("'", "''") + "', '" + models.get(1).replace("'", "''") + "')"
                + " AND created_at >= " + from.getEpochSecond() + " AND created_at < " + to.getEpochSecond()
                + " ORDER BY id DESC LIMIT 7");
        assertThat(expected).as("rows of channel " + channel + " and " + models).hasSize(7);
        assertThat(shown).as("the Logs table\n  " + sql).isEqualTo(expected);
    }

    @Test
    void givenRowIdOfARealRow_whenTheSelectedRowPanelRuns_thenEveryColumnOfTheStoresRowIsShownWithItsValue()
            throws Exception {
        Dashboard logs = Dashboard.byUid(dashboards, "tm-logs");
        Dashboard.PanelQuery panel = logs.query("Selected row: every field");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<Long> ids = new ArrayList<>();
        double quotaPerUnit;
        try (Connection c = openStore();
                Statement s = c.createStatement()) {
            // a minute old: the exporter no longer touches it
            for (String where : List.of(
                    "kind = 'error' AND json_valid(other) AND other LIKE '%{%{%[%'",
                    "kind = 'request' AND quota > 0 AND use_time_seconds IS NOT NULL")) {
                try (ResultSet rs = s.executeQuery("SELECT id FROM logs WHERE " + where
                        + " AND created_at < strftime('%s', 'now') - 60 ORDER BY id DESC LIMIT 1")) {
                    assertThat(rs.next()).as("a row with " + where).isTrue();
                    ids.add(rs.getLong(1));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT quota_per_unit FROM gateway_options")) {
                rs.next();
                quotaPerUnit = rs.getDouble(1);
            }
        }
        for (long id : ids) {
            Map<String, String> shown = selectedRow(logs, panel, Long.toString(id));
            Map<String, String> expected = new java.util.LinkedHashMap<>();
            String other;
            try (Connection c = openStore();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT * FROM logs WHERE id = " + id)) {
                assertThat(rs.next()).isTrue();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    expected.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
                }
                other = rs.getString("other");
                long quota = rs.getLong("quota");
                double signed = switch (rs.getString("kind")) {
                    case "request", "settlement" -> quota;
                    case "refund" -> -quota;
                    default -> 0;
                };
                expected.put("cost_usd", String.format(java.util.Locale.ROOT, "%.6f", signed / quotaPerUnit));
                expected.put(
                        "time_utc",
                        java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                                .withZone(java.time.ZoneOffset.UTC)
                                .format(Instant.ofEpochSecond(rs.getLong("created_at"))));
            }
            expected.remove("other");
            Map<String, String> leaves = new TreeMap<>();
            jsonLeaves("other", json.readTree(other), leaves);
            expected.putAll(leaves);

            assertThat(json.readTree(shown.get("other")))
                    .as("row " + id + ": other, the same JSON")
                    .isEqualTo(json.readTree(other));
            assertThat(shown.get("other"))
                    .as("row " + id + ": other pretty-printed, a key a line")
                    .contains("{\n    \"");
            shown.remove("other");
            assertThat(shown).as("row " + id + ": every field and nothing else").isEqualTo(expected);
        }
    }

    /** Each key of {@code node} (a JSON value) below {@code path}, as {@code path.key[0]} → its value as text. */
    private static void jsonLeaves(String path, com.fasterxml.jackson.databind.JsonNode node, Map<String, String> out) {
        if (node.isObject() && !node.isEmpty()) {
            node.fields().forEachRemaining(e -> jsonLeaves(path + "." + e.getKey(), e.getValue(), out));
        } else if (node.isArray() && !node.isEmpty()) {
            for (int i = 0; i < node.size(); i++) {
                jsonLeaves(path + "[" + i + "]", node.get(i), out);
            }
        } else {
            out.put(path, node.isTextual() ? node.textValue() : node.toString());
        }
    }

    /**
     * Row id is any text a Viewer puts into var-log_id: no id, a hostile value, an id with something
     * after it, or an id no row has show no row of the store, only the one line that says why; an id
     * with spaces around it (pasted) finds its row.
     */
    @Test
    void givenRowIdThatIsNoId_whenTheSelectedRowPanelRuns_thenItShowsNoRowOfTheStore() throws SQLException {
        Dashboard logs = Dashboard.byUid(dashboards, "tm-logs");
        Dashboard.PanelQuery panel = logs.query("Selected row: every field");
        long id;
        try (Connection c = openStore();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT max(id) FROM logs")) {
            rs.next();
            id = rs.getLong(1);
        }
        assertThat(selectedRow(logs, panel, "").get("row")).as("no Row id").startsWith("Click an id");
        for (String value :
                List.of("' OR 1=1 OR '", "1 OR 1=1", id + "abc", id + "' OR '1'='1", "999999999999999", "-1")) {
            assertThat(selectedRow(logs, panel, value))
                    .as("Row id = " + value)
                    .containsOnlyKeys("row")
                    .hasEntrySatisfying("row", v -> assertThat(v).startsWith("No row with this id"));
        }
        assertThat(selectedRow(logs, panel, " " + id + " ").get("id"))
                .as("Row id with spaces")
                .isEqualTo(Long.toString(id));
    }

    /** The Selected row panel's field → value, in its order, with Row id = {@code logId} (each field once). */
    private static Map<String, String> selectedRow(Dashboard logs, Dashboard.PanelQuery panel, String logId)
            throws SQLException {
        Instant to = Instant.now();
        Interpolator vars = interpolatorWithoutPrometheus(logs, to.minus(SQL_RANGE), to);
        vars.set("log_id", Interpolator.Value.of(logId));
        String sql = vars.apply(panel.text(), false);
        Map<String, String> shown = new java.util.LinkedHashMap<>();
        try (Connection c = openStore();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                assertThat(shown)
                        .as("field " + rs.getString("field") + " twice\n  " + sql)
                        .doesNotContainKey(rs.getString("field"));
                shown.put(rs.getString("field"), rs.getString("value"));
            }
        }
        return shown;
    }

    /**
     * Any Viewer may put any value into var-model, var-channel_id or var-kind (a URL, the picker's
     * custom value), and the gateway may hold a model with a quote in its name. On a copy of the store
     * with rows of a model named {@code it's-a-model}: every store query that reads such a variable
     * finds that model's rows, and with {@code ' OR 1=1 OR '} it answers exactly what it answers for
     * a value nothing has: the value stays a value, it never becomes SQL.
     */
    @TestFactory
    Stream<DynamicTest> givenHostileVariableValues_whenEachSqlQueryRuns_thenTheyStayValues() throws SQLException {
        Path copy = storeWithQuotedModel();
        String hostile = "' OR 1=1 OR '";
        Map<String, String> absent = Map.of(
                "model",
                "no-such-model",
                "channel_id",
                "999999",
                "kind",
                "no-such-kind",
                "token_id",
                "999999",
                "user_id",
                "999999",
                "group",
                "no-such-group");
        List<DynamicTest> tests = new ArrayList<>();
        Instant to = Instant.now();
        for (Dashboard d : dashboards) {
            for (Dashboard.PanelQuery q : d.queries()) {
                if (!q.isSqlite()) {
                    continue;
                }
                for (Map.Entry<String, String> variable : absent.entrySet()) {
                    String name = variable.getKey();
                    if (!Pattern.compile("\\$\\{?" + name + "\\b")
                            .matcher(q.text())
                            .find()) {
                        continue;
                    }
                    tests.add(DynamicTest.dynamicTest(q.where() + " $" + name, () -> {
                        List<List<String>> nothing = rowsWith(copy, d, q, to, name, variable.getValue());
                        assertThat(rowsWith(copy, d, q, to, name, hostile))
                                .as(q.where() + ": $" + name + " = " + hostile + " answers as a value nothing has")
                                .isEqualTo(nothing);
                        if (name.equals("model")) {
                            assertThat(rowsWith(copy, d, q, to, name, QUOTED_MODEL))
                                    .as(q.where() + ": $model = " + QUOTED_MODEL + " finds its rows")
                                    .isNotEqualTo(nothing);
                        }
                    }));
                }
            }
        }
        assertThat(tests)
                .as("SQL queries reading $model, $channel_id, $kind, $token_id, $user_id or $group")
                .isNotEmpty();
        return tests.stream();
    }

    /**
     * The Tokens & users and Logs dashboards filtered to one key, one user or one group (the links
     * of the Tokens tables and of the key and user alerts set exactly these): every store query that
     * reads the variable still finds rows, and a column of that name holds only the selected value.
     */
    @TestFactory
    Stream<DynamicTest> givenOneKeyUserOrGroupSelected_whenEachSqlQueryReadingItRuns_thenItFindsOnlyThat()
            throws SQLException {
        Map<String, String> selection = new TreeMap<>();
        try (Connection c = openStore();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT a.token_id, t.user_id, a.\"group\" FROM usage_account_minute a"
                        + " JOIN tokens t ON t.id = a.token_id AND t.deleted = 0 JOIN users u ON u.id = t.user_id"
                        + " WHERE a.token_id > 0 AND a.minute >= strftime('%s', 'now') - 86400"
                        + " AND EXISTS (SELECT 1 FROM logs l WHERE l.token_id = a.token_id)"
                        + " GROUP BY a.token_id, t.user_id, a.\"group\" ORDER BY SUM(a.quota) DESC LIMIT 1")) {
            assertThat(rs.next())
                    .as("a key with usage, its user and group in the store")
                    .isTrue();
            selection.put("token_id", rs.getString(1));
            selection.put("user_id", rs.getString(2));
            selection.put("group", rs.getString(3));
        }
        List<DynamicTest> tests = new ArrayList<>();
        Instant to = Instant.now();
        for (Dashboard d : dashboards) {
            for (Dashboard.PanelQuery q : d.queries()) {
                if (!q.isSqlite()) {
                    continue;
                }
                selection.forEach((name, value) -> {
                    if (!q.text().contains("${" + name + ":sqlstring}")) {
                        return;
                    }
                    tests.add(DynamicTest.dynamicTest(q.where() + " $" + name + "=" + value, () -> {
                        Interpolator vars = interpolatorWithoutPrometheus(d, to.minus(SQL_RANGE), to);
                        vars.set(name, Interpolator.Value.of(value));
                        String sql = vars.apply(q.text(), false);
                        int rows = 0;
                        try (Connection c = openStore();
                                Statement s = c.createStatement();
                                ResultSet rs = s.executeQuery(sql)) {
                            int column = columnIndex(rs, name);
                            while (rs.next()) {
                                rows++;
                                if (column > 0) {
                                    assertThat(rs.getString(column))
                                            .as(q.where() + ": column " + name + " with $" + name + "=" + value)
                                            .isEqualTo(value);
                                }
                            }
                        }
                        assertThat(rows)
                                .as(q.where() + ": rows with $" + name + "=" + value + "\n  " + sql)
                                .isPositive();
                        // and the filter filters: a value nothing has answers otherwise
                        Interpolator none = interpolatorWithoutPrometheus(d, to.minus(SQL_RANGE), to);
                        none.set(name, Interpolator.Value.of(name.equals("group") ? "no-such-group" : "999999"));
                        assertThat(liveRows(none.apply(q.text(), false)))
                                .as(q.where() + ": $" + name + "=" + value + " answers as a value nothing has")
                                .isNotEqualTo(liveRows(sql));
                    }));
                });
            }
        }
        assertThat(tests.stream().map(DynamicTest::getDisplayName))
                .as("store queries filtered to a key, a user and a group")
                .anyMatch(n -> n.startsWith("tm-tokens") && n.contains("$token_id="))
                .anyMatch(n -> n.startsWith("tm-tokens") && n.contains("$user_id="))
                .anyMatch(n -> n.startsWith("tm-tokens") && n.contains("$group="))
                .anyMatch(n -> n.startsWith("tm-logs") && n.contains("$token_id="))
                .anyMatch(n -> n.startsWith("tm-logs") && n.contains("$group="));
        return tests.stream();
    }

    /**
     * One channel and two of its models, as the demo's busiest channel has them in the last day:
     * {@code channel_id}, then the two models.
     */
    private static List<String> oneChannelTwoModels() throws SQLException {
        try (Connection c = openStore();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT channel_id, model FROM usage_minute"
                        + " WHERE minute >= strftime('%s', 'now') - 86400 AND channel_id = ("
                        + " SELECT channel_id FROM usage_minute WHERE minute >= strftime('%s', 'now') - 86400"
                        + " GROUP BY channel_id HAVING COUNT(DISTINCT model) > 2 ORDER BY SUM(requests) DESC LIMIT 1)"
                        + " GROUP BY channel_id, model HAVING SUM(requests) > 0 ORDER BY SUM(requests) DESC LIMIT 2")) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                if (out.isEmpty()) {
                    out.add(rs.getString(1));
                }
                out.add(rs.getString(2));
            }
            assertThat(out)
                    .as("a channel with more than two models in the last day, and two of them")
                    .hasSize(3);
            return out;
        }
    }

    /** The Models dashboard's variables with Channel = {@code channel} and Model = {@code models}. */
    private Interpolator modelsSelection(Dashboard d, Instant from, Instant to, String channel, List<String> models) {
        Interpolator vars = interpolatorWithoutPrometheus(d, from, to);
        vars.set("channel_id", Interpolator.Value.of(channel));
        vars.set("model", new Interpolator.Value(models, null, false));
        return vars;
    }

    /**
     * Every store query of the Models dashboard with one channel and two models selected (not only
     * All): it finds rows, a model column holds only the two models and a channel column only that
     * channel, the status counts count exactly two models and one channel, the answer differs
     * from All's, and a channel or a model nothing has leaves nothing (so each filter is applied).
     */
    @TestFactory
    Stream<DynamicTest> givenOneChannelAndTwoModelsSelected_whenEachModelsQueryRuns_thenItFindsOnlyThose()
            throws SQLException {
        List<String> selection = oneChannelTwoModels();
        String channel = selection.get(0);
        List<String> models = selection.subList(1, 3);
        Dashboard d = Dashboard.byUid(dashboards, "tm-models");
        List<DynamicTest> tests = new ArrayList<>();
        Instant to = Instant.now();
        for (Dashboard.PanelQuery q : d.queries()) {
            if (!q.isSqlite()) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(q.where() + " channel " + channel + ", models " + models, () -> {
                String sql = modelsSelection(d, to.minus(SQL_RANGE), to, channel, models)
                        .apply(q.text(), false);
                assertNoUnresolved(q, sql);
                int rows = 0;
                try (Connection c = openStore();
                        Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery(sql)) {
                    int model = columnIndex(rs, "model");
                    int channelName = columnIndex(rs, "channel");
                    int healthy = columnIndex(rs, "healthy");
                    while (rs.next()) {
                        rows++;
                        if (model > 0) {
                            assertThat(rs.getString(model))
                                    .as(q.where() + ": model")
                                    .isIn(models);
                        }
                        if (channelName > 0) {
                            assertThat(rs.getString(channelName))
                                    .as(q.where() + ": channel")
                                    .endsWith(" #" + channel);
                        }
                        if (healthy > 0) {
                            long counted = rs.getLong("healthy") + rs.getLong("warning") + rs.getLong("critical");
                            assertThat(counted)
                                    .as(q.where() + ": models / channels counted\n  " + sql)
                                    .isEqualTo(q.panelTitle().startsWith("Models") ? 2 : 1);
                        }
                    }
                }
                assertThat(rows).as(q.where() + ": rows\n  " + sql).isPositive();
                // each filter on its own: a channel nothing has (with the two models), and a model
                // nothing has (on the channel), leave nothing to show: no rows, or counts of zero
                for (Interpolator none : List.of(
                        modelsSelection(d, to.minus(SQL_RANGE), to, "999999", models),
                        modelsSelection(d, to.minus(SQL_RANGE), to, channel, List.of("no-such-model")))) {
                    String empty = none.apply(q.text(), false);
                    assertThat(liveRows(empty))
                            .as(q.where() + ": nothing to show\n  " + empty)
                            .allMatch(row -> row.stream().allMatch(v -> v == null || v.equals("0")));
                }
                String all = interpolatorWithoutPrometheus(d, to.minus(SQL_RANGE), to)
                        .apply(q.text(), false);
                assertThat(liveRows(sql))
                        .as(q.where() + ": the selection filters")
                        .isNotEqualTo(liveRows(all));
            }));
        }
        assertThat(tests).as("store queries of tm-models").hasSizeGreaterThan(5);
        return tests.stream();
    }

    /**
     * The per-model table against the store's own rows for one channel and two models over a range
     * that ended a minute ago (so no row arrives in between): requests and tokens are the sums of the
     * per-minute rows, the p95 latency and TTFT the nearest-rank percentiles (and the TTFT average)
     * of the raw request rows, computed here in Java.
     */
    @Test
    void givenPerModelTable_whenOneChannelAndTwoModelsAreSelected_thenEachNumberIsTheStoresOwn() throws SQLException {
        List<String> selection = oneChannelTwoModels();
        String channel = selection.get(0);
        List<String> models = selection.subList(1, 3);
        Dashboard d = Dashboard.byUid(dashboards, "tm-models");
        Dashboard.PanelQuery table = d.query("Per model");
        Instant to = Instant.ofEpochSecond(Instant.now().getEpochSecond() / 60 * 60 - 60);
        Instant from = to.minus(Duration.ofHours(6));
        String sql = modelsSelection(d, from, to, channel, models).apply(table.text(), false);
        Map<String, List<Double>> shown = new TreeMap<>();
        Map<String, List<Double>> expected = new TreeMap<>();
        try (Connection c = openStore();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    shown.put(
                            rs.getString("model"),
                            List.of(
                                    rs.getDouble("requests"),
                                    rs.getDouble("input_tokens"),
                                    rs.getDouble("output_tokens"),
                                    rs.getDouble("p95_latency_s"),
                                    round(rs.getDouble("avg_ttft_s")),
                                    rs.getDouble("p95_ttft_s")));
                }
            }
            for (String model : models) {
                List<Double> row = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT SUM(requests), SUM(input_tokens), SUM(output_tokens)"
                        + " FROM usage_minute WHERE channel_id = '" + channel + "' AND model = '"
                        + model.replace("'", "''") + "' AND minute >= " + from.getEpochSecond() + " AND minute < "
                        + to.getEpochSecond())) {
                    rs.next();
                    row.add(rs.getDouble(1));
                    row.add(rs.getDouble(2));
                    row.add(rs.getDouble(3));
                }
                List<Double> latency = new ArrayList<>();
                List<Double> ttft = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT use_time_seconds, ttft_seconds FROM logs"
                        + " WHERE kind = 'request' AND channel_id = '" + channel + "' AND model = '"
                        + model.replace("'", "''") + "' AND created_at >= " + from.getEpochSecond()
                        + " AND created_at < " + to.getEpochSecond())) {
                    while (rs.next()) {
                        if (rs.getObject(1) != null) {
                            latency.add(rs.getDouble(1));
                        }
                        if (rs.getObject(2) != null) {
                            ttft.add(rs.getDouble(2));
                        }
                    }
                }
                assertThat(latency)
                        .as("request rows of " + model + " with a duration")
                        .isNotEmpty();
                assertThat(ttft).as("request rows of " + model + " with a TTFT").isNotEmpty();
                row.add(nearestRank95(latency));
                row.add(round(
                        ttft.stream().mapToDouble(Double::doubleValue).average().orElseThrow()));
                row.add(nearestRank95(ttft));
                expected.put(model, row);
            }
        }
        assertThat(shown)
                .as("requests, input, output, p95 latency, avg and p95 TTFT per model\n  " + sql)
                .isEqualTo(expected);
    }

    /** The smallest value with at least 95 % of the values at or below it. */
    private static double nearestRank95(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get((int) Math.ceil(0.95 * sorted.size()) - 1);
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    private static List<List<String>> liveRows(String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = openStore();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** The 1-based index of the result column {@code name}, 0 when there is none. */
    private static int columnIndex(ResultSet rs, String name) throws SQLException {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            if (rs.getMetaData().getColumnLabel(i).equals(name)) {
                return i;
            }
        }
        return 0;
    }

    /**
     * The Tokens dashboard lists keys from the store's copy of the gateway's tokens table: a deleted
     * key never shows, an unlimited key has no remaining USD, and the requests of a key in the range
     * are the sum of its per-minute rows (the original Tokens page counted them wrongly).
     */
    @Test
    void givenTokensTable_whenQueriedOverTheRange_thenKeysAreTheLiveOnesWithTheirRequestsInTheRange()
            throws SQLException {
        Dashboard tokens = Dashboard.byUid(dashboards, "tm-tokens");
        Dashboard.PanelQuery table = tokens.query("API keys");
        Instant to = Instant.now();
        Instant from = to.minus(Duration.ofHours(6));
        Interpolator vars = interpolatorWithoutPrometheus(tokens, from, to);
        vars.set("limit", Interpolator.Value.of("100000"));
        Map<String, Long> requests = new TreeMap<>();
        Map<String, Long> expected = new TreeMap<>();
        long live;
        try (Connection c = openStore();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(vars.apply(table.text(), false))) {
                while (rs.next()) {
                    requests.put(rs.getString("token_id"), rs.getLong("requests"));
                    if (rs.getString("quota").equals("unlimited")) {
                        assertThat(rs.getObject("remaining_usd"))
                                .as("remaining USD of unlimited key " + rs.getString("token_id"))
                                .isNull();
                    }
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM tokens WHERE deleted = 0")) {
                rs.next();
                live = rs.getLong(1);
            }
            try (ResultSet rs = s.executeQuery("SELECT t.id, COALESCE(SUM(a.requests), 0) FROM tokens t"
                    + " LEFT JOIN usage_account_minute a ON a.token_id = t.id AND a.minute >= "
                    + from.getEpochSecond() + " AND a.minute < " + to.getEpochSecond()
                    + " WHERE t.deleted = 0 GROUP BY t.id")) {
                while (rs.next()) {
                    expected.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        assertThat(requests)
                .as("every live key once, with its requests in the range")
                .hasSize((int) live)
                .isEqualTo(expected);
        assertThat(requests.values().stream().mapToLong(Long::longValue).sum())
                .as("requests of all keys in 6 hours")
                .isPositive();
    }

    /**
     * The Tokens panels that sum usage over the range read whole UTC days from {@code usage_account_day} and
     * only the partial days at the edges from {@code usage_account_minute}. For one key, its user and its
     * groups, over a range from mid-day (not on a minute) to a minute ago that spans whole days with data
     * and edges with data, each panel's numbers equal the sums of the minute rows alone.
     */
    @Test
    void givenRangeOverWholeDaysAndPartialEdges_whenTokensPanelsSumIt_thenTheyEqualTheMinuteSums() throws SQLException {
        Path store = storeWithRollupsFourDaysEarlier();
        Dashboard tokens = Dashboard.byUid(dashboards, "tm-tokens");
        Instant to = Instant.now().minus(Duration.ofMinutes(1));
        long today = Math.floorDiv(to.getEpochSecond(), 86_400) * 86_400;
        Instant from = Instant.ofEpochSecond(today - 5 * 86_400 + 7 * 3_600 + 13 * 60 + 30);
        long f = from.getEpochSecond();
        long t = to.getEpochSecond();
        long firstDay = today - 4 * 86_400;
        String key = "2";
        String user = String.valueOf(AccountStoreSeed.USER_OF_TOKEN.get(1));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store);
                Statement s = c.createStatement()) {
            // the range must exercise all three parts, or a broken edge could pass
            assertThat(count(
                            s,
                            "SELECT COUNT(*) FROM usage_account_minute WHERE token_id = " + key + " AND minute >= " + f
                                    + " AND minute < " + firstDay))
                    .as("minute rows of key " + key + " in the first, partial day")
                    .isPositive();
            assertThat(count(
                            s,
                            "SELECT COUNT(*) FROM usage_account_minute WHERE token_id = " + key + " AND minute >= "
                                    + today + " AND minute < " + t))
                    .as("minute rows of key " + key + " in the last, partial day")
                    .isPositive();
            assertThat(count(
                            s,
                            "SELECT COUNT(DISTINCT day) FROM usage_account_day WHERE token_id = " + key + " AND day >= "
                                    + firstDay + " AND day < " + today))
                    .as("whole days with rows of key " + key)
                    .isGreaterThanOrEqualTo(2);
        }
        String range = " minute >= " + f + " AND minute < " + t;
        String usd = "ROUND(SUM(quota) * 1.0 / (SELECT quota_per_unit FROM gateway_options), 4)";
        String sums = "SUM(requests), SUM(errors), SUM(input_tokens + output_tokens), " + usd;
        Map<String, String> expected = Map.of(
                "Top keys by spend",
                "SELECT token_id, " + sums + " FROM usage_account_minute WHERE token_id = " + key + " AND" + range
                        + " GROUP BY token_id",
                "Top users by spend",
                "SELECT user_id, " + sums + " FROM usage_account_minute WHERE user_id = " + user + " AND" + range
                        + " GROUP BY user_id",
                "Top groups by spend",
                "SELECT \"group\", " + sums + " FROM usage_account_minute WHERE token_id = " + key + " AND" + range
                        + " GROUP BY \"group\" ORDER BY SUM(quota) DESC, SUM(requests) DESC",
                "API keys",
                "SELECT token_id, SUM(requests), " + usd + " FROM usage_account_minute WHERE token_id = " + key + " AND"
                        + range + " GROUP BY token_id",
                "Users",
                "SELECT user_id, SUM(requests), " + usd + " FROM usage_account_minute WHERE user_id = " + user + " AND"
                        + range + " GROUP BY user_id");
        Map<String, List<String>> columns = Map.of(
                "Top keys by spend", List.of("token_id", "requests", "errors", "tokens", "spend_usd"),
                "Top users by spend", List.of("user_id", "requests", "errors", "tokens", "spend_usd"),
                "Top groups by spend", List.of("group", "requests", "errors", "tokens", "spend_usd"),
                "API keys", List.of("token_id", "requests", "spend_usd"),
                "Users", List.of("user_id", "requests", "spend_usd"));
        for (Map.Entry<String, String> panel : expected.entrySet()) {
            String title = panel.getKey();
            boolean byUser = title.contains("users") || title.equals("Users");
            Interpolator vars = interpolatorWithoutPrometheus(tokens, from, to);
            vars.set(byUser ? "user_id" : "token_id", Interpolator.Value.of(byUser ? user : key));
            List<List<String>> actual;
            List<List<String>> minutes;
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store);
                    Statement s = c.createStatement()) {
                actual = columnsOf(s, vars.apply(tokens.query(title).text(), false), columns.get(title));
                minutes = columnsOf(s, panel.getValue(), null);
            }
            assertThat(minutes).as(title + ": the minute sums").isNotEmpty();
            assertThat(actual).as(title + " for key " + key + " / user " + user).isEqualTo(minutes);
        }
    }

    /** The panels whose sums over the range read whole UTC days from {@code usage_day}, by dashboard uid. */
    private static final Map<String, List<String>> DAY_PATH_PANELS = Map.of(
            "tm-overview",
            List.of(
                    "Input tokens",
                    "Output tokens",
                    "Requests",
                    "Active models",
                    "Cost (USD)",
                    "Error ratio",
                    "Channel share (tokens)"),
            "tm-channels",
            List.of("Top 10 channels by requests", "Top 10 channels by tokens", "Top 10 channels by cost (USD)"),
            "tm-errors",
            List.of("Failed attempts", "Error ratio", "Channels with failures"),
            "tm-models",
            List.of(
                    "Top 10 models by requests",
                    "Top 10 models by tokens",
                    "Cache hit ratio by channel",
                    "Cache hit ratio by model"));

    /** The day-plus-edges source of a panel, as the dashboards write it (up to its alias {@code u}). */
    private static final Pattern DAY_PATH_SOURCE =
            Pattern.compile("\\(\\n  -- whole UTC days of the range.*?\\n\\) u\\n", Pattern.DOTALL);

    /**
     * The Overview, Channels, Errors and Models panels that sum {@code usage_minute} over the range read whole UTC days from
     * {@code usage_day} and only the partial days at the edges from the minutes. For one channel and two of its
     * models, over a range from mid-day (not on a minute) to a minute ago that spans whole days with data and edges
     * with data, each panel's values equal the same query over the minute rows alone.
     */
    @Test
    void givenRangeOverWholeDaysAndPartialEdges_whenUsageStatsSumIt_thenTheyEqualTheMinuteSums() throws SQLException {
        Path store = storeWithRollupsFourDaysEarlier();
        Instant to = Instant.now().minus(Duration.ofMinutes(1));
        long today = Math.floorDiv(to.getEpochSecond(), 86_400) * 86_400;
        Instant from = Instant.ofEpochSecond(today - 5 * 86_400 + 7 * 3_600 + 13 * 60 + 30);
        long f = from.getEpochSecond();
        long t = to.getEpochSecond();
        long firstDay = today - 4 * 86_400;
        String channel;
        List<String> models = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store);
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT channel_id FROM usage_minute WHERE minute >= " + f
                    + " GROUP BY channel_id ORDER BY SUM(requests) DESC, channel_id LIMIT 1")) {
                rs.next();
                channel = rs.getString(1);
            }
            try (ResultSet rs =
                    s.executeQuery("SELECT model FROM usage_minute WHERE minute >= " + f + " AND channel_id = '"
                            + channel + "' GROUP BY model ORDER BY SUM(requests) DESC, model LIMIT 2")) {
                while (rs.next()) {
                    models.add(rs.getString(1));
                }
            }
            assertThat(models).as("two models of channel " + channel).hasSize(2);
            // a request in the first minute of each day, in its minute and its day: the demo's traffic on one
            // channel and model is sparse, and an edge that counts a boundary minute twice (or never) must show
            for (long day = firstDay - 86_400; day <= today; day += 86_400) {
                for (String table : List.of("usage_minute:minute:" + day, "usage_day:day:" + day)) {
                    String[] r = table.split(":");
                    s.execute(
                            "INSERT INTO " + r[0] + " (" + r[1] + ", channel_id, model, stream, requests, errors,"
                                    + " errors_4xx, errors_5xx, errors_other, input_tokens, output_tokens, cache_read_tokens,"
                                    + " cache_write_tokens, quota, quota_consumed, quota_refunded, duration_seconds_sum,"
                                    + " duration_count) VALUES (" + r[2] + ", '" + channel + "', '" + models.get(0)
                                    + "', 0, 1, 1, 1, 0, 0, 7, 11, 0, 0, 13, 13, 0, 0.5, 1) ON CONFLICT DO UPDATE SET"
                                    + " requests = requests + 1, errors = errors + 1, errors_4xx = errors_4xx + 1,"
                                    + " input_tokens = input_tokens + 7, output_tokens = output_tokens + 11,"
                                    + " quota = quota + 13, quota_consumed = quota_consumed + 13,"
                                    + " duration_seconds_sum = duration_seconds_sum + 0.5, duration_count = duration_count + 1");
                }
            }
            String scope = " AND channel_id = '" + channel + "' AND model IN ('" + String.join("', '", models) + "')";
            // the range must exercise all three parts, or a broken edge could pass
            assertThat(count(
                            s,
                            "SELECT COUNT(*) FROM usage_minute WHERE minute >= " + f + " AND minute < " + firstDay
                                    + scope))
                    .as("minute rows in the first, partial day")
                    .isPositive();
            assertThat(count(
                            s,
                            "SELECT COUNT(*) FROM usage_minute WHERE minute >= " + today + " AND minute < " + t
                                    + scope))
                    .as("minute rows in the last, partial day")
                    .isPositive();
            assertThat(count(
                            s,
                            "SELECT COUNT(DISTINCT day) FROM usage_day WHERE day >= " + firstDay + " AND day < " + today
                                    + scope))
                    .as("whole days with rows")
                    .isGreaterThanOrEqualTo(2);
        }
        int checked = 0;
        for (Map.Entry<String, List<String>> dashboard : DAY_PATH_PANELS.entrySet()) {
            Dashboard d = Dashboard.byUid(dashboards, dashboard.getKey());
            for (String title : dashboard.getValue()) {
                Dashboard.PanelQuery q = d.queries().stream()
                        .filter(x -> x.panelTitle().equals(title) && x.isSqlite())
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(dashboard.getKey() + ": no store query " + title));
                Interpolator vars = interpolatorWithoutPrometheus(d, from, to);
                vars.set("channel_id", Interpolator.Value.of(channel));
                vars.set("model", new Interpolator.Value(models, null, false));
                String sql = vars.apply(q.text(), false);
                assertThat(DAY_PATH_SOURCE.matcher(sql).find())
                        .as(q.where() + " reads the day rollup")
                        .isTrue();
                String minutesOnly = DAY_PATH_SOURCE
                        .matcher(sql)
                        .replaceFirst(
                                "(SELECT * FROM usage_minute WHERE minute >= " + f + " AND minute < " + t + ") u\n");
                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store);
                        Statement s = c.createStatement()) {
                    List<List<String>> expected = columnsOf(s, minutesOnly, null);
                    assertThat(expected.stream().flatMap(List::stream).filter(v -> v != null && !v.equals("0")))
                            .as(q.where() + ": the minute sums")
                            .isNotEmpty();
                    assertThat(columnsOf(s, sql, null))
                            .as(q.where() + " for channel " + channel + ", models " + models)
                            .isEqualTo(expected);
                }
                checked++;
            }
        }
        assertThat(checked).isEqualTo(17);
    }

    /** A consistent copy of the store (VACUUM INTO) under {@code dir}, named {@code prefix-<nanos>.db}, to alter. */
    private static Path storeCopy(String prefix) throws SQLException {
        Path copy = dir.resolve(prefix + "-" + System.nanoTime() + ".db");
        try (Connection c = openStore();
                Statement s = c.createStatement()) {
            s.execute("VACUUM INTO '" + copy + "'");
        }
        return copy;
    }

    /**
     * A copy of the store whose rollups (per channel and model, per key; minutes and days) appear once more four
     * days earlier: the demo's two days of history then give a range of five days with rows on each. Whole days
     * keep the days aligned.
     */
    private static Path storeWithRollupsFourDaysEarlier() throws SQLException {
        Path copy = storeCopy("rollup-days");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy);
                Statement s = c.createStatement()) {
            for (String table : List.of("usage_minute", "usage_day", "usage_account_minute", "usage_account_day")) {
                String time = table.endsWith("minute") ? "minute" : "day";
                List<String> columns = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
                    while (rs.next()) {
                        columns.add('"' + rs.getString("name") + '"');
                    }
                }
                String values = String.join(", ", columns).replace("\"" + time + "\"", time + " - 4 * 86400");
                // a plain INSERT: a clash with an existing row fails here rather than skew the sums
                s.execute("INSERT INTO " + table + " (" + String.join(", ", columns) + ") SELECT " + values + " FROM "
                        + table);
            }
        }
        return copy;
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The rows of {@code sql}, as text: the named columns, or every column when {@code names} is null. */
    private static List<List<String>> columnsOf(Statement s, String sql, List<String> names) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                if (names == null) {
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.add(rs.getString(i));
                    }
                } else {
                    for (String name : names) {
                        row.add(rs.getString(name));
                    }
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static final String QUOTED_MODEL = "it's-a-model";

    /** A copy of the store in which the last day's logs and sums appear once more under the model {@code it's-a-model}. */
    private static Path storeWithQuotedModel() throws SQLException {
        Path copy = storeCopy("hostile");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy);
                Statement s = c.createStatement()) {
            long since = Instant.now().minus(Duration.ofDays(1)).getEpochSecond();
            s.execute(cloneWithModel(c, "logs", "created_at >= " + since, "id", "id + 1000000000000"));
            s.execute(cloneWithModel(c, "usage_minute", "minute >= " + since, null, null));
            s.execute(cloneWithModel(c, "usage_day", "day >= " + (since - 86400), null, null));
        }
        return copy;
    }

    /** INSERT … SELECT of {@code table}'s rows of one model matching {@code where}, with model = it's-a-model (and {@code key} = {@code keyExpr}). */
    private static String cloneWithModel(Connection c, String table, String where, String key, String keyExpr)
            throws SQLException {
        List<String> columns = new ArrayList<>();
        List<String> values = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rs.next()) {
                String column = '"' + rs.getString("name") + '"';
                columns.add(column);
                values.add(
                        rs.getString("name").equals("model")
                                ? "'" + QUOTED_MODEL.replace("'", "''") + "'"
                                : rs.getString("name").equals(key) ? keyExpr : column);
            }
        }
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") SELECT " + String.join(", ", values)
                + " FROM " + table + " WHERE " + where + " AND model = (SELECT min(model) FROM " + table + ")";
    }

    /** The rows of {@code q} on {@code store} with the variable {@code name} set to {@code value}, the others All. */
    private static List<List<String>> rowsWith(
            Path store, Dashboard d, Dashboard.PanelQuery q, Instant to, String name, String value)
            throws SQLException {
        Interpolator vars = interpolatorWithoutPrometheus(d, to.minus(SQL_RANGE), to);
        vars.set(name, Interpolator.Value.of(value));
        String sql = vars.apply(q.text(), false);
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        } catch (SQLException e) {
            throw new AssertionError(
                    q.where() + ": $" + name + " = " + value + ": " + e.getMessage() + "\n  " + sql, e);
        }
        return rows;
    }

    /**
     * The Overview's per-channel table joins the store's rows (name, usage) with Prometheus's
     * (status, balance) on channel_id, as an outer join: a channel Prometheus knows and the store
     * query leaves out shows a row with a blank name. So the store query lists every channel, with
     * zeros when it was idle in the range, and covers every channel Prometheus reports.
     */
    @Test
    void givenIdleChannels_whenThePerChannelTableIsQueried_thenEveryChannelHasItsNameAndZeros() throws SQLException {
        Dashboard overview = Dashboard.byUid(dashboards, "tm-overview");
        List<Dashboard.PanelQuery> table = overview.queries().stream()
                .filter(q -> q.panelTitle().equals("Per channel"))
                .toList();
        Dashboard.PanelQuery store = table.stream()
                .filter(Dashboard.PanelQuery::isSqlite)
                .findFirst()
                .orElseThrow();
        long channels;
        try (Connection c = openStore();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM channels")) {
            rs.next();
            channels = rs.getLong(1);
        }
        assertThat(channels).as("channels copied into the store").isPositive();

        // a year back: before the demo's history, so every channel is idle there
        Instant idleTo = Instant.now().minus(Duration.ofDays(300));
        String idle = interpolatorWithoutPrometheus(overview, idleTo.minus(Duration.ofDays(1)), idleTo)
                .apply(store.text(), false);
        List<String> idleRows = new ArrayList<>();
        try (Connection c = openStore();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(idle)) {
            while (rs.next()) {
                assertThat(rs.getString("channel"))
                        .as("name of idle channel " + rs.getString("channel_id"))
                        .isNotBlank();
                assertThat(rs.getLong("requests"))
                        .as("requests of idle channel " + rs.getString("channel_id"))
                        .isZero();
                assertThat(rs.getDouble("cost_usd"))
                        .as("cost of idle channel " + rs.getString("channel_id"))
                        .isZero();
                idleRows.add(rs.getString("channel_id"));
            }
        }
        assertThat(idleRows)
                .as("one row per channel in a range without traffic\n  " + idle)
                .hasSize((int) channels);

        Instant to = Instant.now();
        String busy =
                interpolatorWithoutPrometheus(overview, to.minus(SQL_RANGE), to).apply(store.text(), false);
        List<String> storeIds = new ArrayList<>();
        try (Connection c = openStore();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(busy)) {
            while (rs.next()) {
                storeIds.add(rs.getString("channel_id"));
            }
        }
        Interpolator vars = interpolatorFor(overview, promStart, to);
        for (Dashboard.PanelQuery q :
                table.stream().filter(Dashboard.PanelQuery::isPrometheus).toList()) {
            List<String> promIds = prometheus.api().query(vars.apply(q.text(), true), to).stream()
                    .map(series -> series.labels().get("channel_id"))
                    .toList();
            assertThat(promIds).as(q.where()).isNotEmpty();
            assertThat(storeIds)
                    .as(q.where() + ": every channel of the Prometheus rows has a store row (a name)")
                    .containsAll(promIds);
        }
    }

    /**
     * With Gateway = All the job matcher is ".*", which also selects Prometheus and the bridge (both
     * scraped here, the bridge a JVM as well): the exporter panels must count the exporter's target
     * only, as if its job were named.
     */
    @Test
    void givenGatewayAll_whenExporterPanelsAreQueried_thenOnlyTheExportersTargetCounts() {
        Dashboard health = Dashboard.byUid(dashboards, "tm-health");
        Interpolator vars = interpolatorFor(health, promStart, Instant.now());
        for (String title : List.of("Exporter up", "Exporter JVM heap")) {
            Dashboard.PanelQuery q = health.query(title);
            // count, not min or sum: how many targets the panel takes in
            String all =
                    vars.apply(q.text(), true).replaceFirst("^(min|sum by \\(gateway, instance\\)) ?\\(", "count(");
            String exporterOnly = all.replace("job=~\".*\"", "job=\"token-monitor-exporter\"");
            assertThat(all).as(title + " with Gateway = All").contains("job=~\".*\"");
            assertThat(values(all))
                    .as(title + ": " + all)
                    .isEqualTo(values(exporterOnly))
                    .isNotEmpty();
        }
    }

    /**
     * The Budgets dashboard's rules table merges its value and threshold queries row by row on the
     * labels they share: both must group by the same labels, so that every threshold lands in the
     * row of its rule (and channel), and a rule armed on the demo shows both.
     */
    @Test
    void givenRulesTable_whenQueried_thenEachThresholdJoinsTheValueOfTheSameRuleAndChannel() {
        Dashboard budgets = Dashboard.byUid(dashboards, "tm-budgets");
        List<Dashboard.PanelQuery> table = budgets.queries().stream()
                .filter(q -> q.panelTitle().equals("Rules: value and threshold"))
                .toList();
        assertThat(table).as("value and threshold queries").hasSize(2);
        Instant to = Instant.now();
        Interpolator vars = interpolatorFor(budgets, promStart, to);
        List<Map<String, String>> values = labelSets(vars.apply(table.get(0).text(), true), to);
        List<Map<String, String>> thresholds = labelSets(vars.apply(table.get(1).text(), true), to);
        assertThat(table.get(0).text()).as("first query").contains("newapi_rule_value");
        assertThat(thresholds).as("threshold rows").isNotEmpty();
        assertThat(values)
                .as("every threshold row has the value row of the same labels")
                .containsAll(thresholds);
        assertThat(thresholds)
                .as("rows of the armed demo-errors rule")
                .anyMatch(l -> l.get("rule").equals("demo-errors")
                        && l.get("kind").equals("error_ratio")
                        && l.get("scope").equals("all"));
        long channels = values.stream()
                .filter(l -> l.get("rule").equals("demo-channels-down"))
                .map(l -> l.get("channel_id"))
                .distinct()
                .count();
        assertThat(channels)
                .as("channel_down without channel_id: one row per channel")
                .isGreaterThan(1);
    }

    /**
     * The stacked model charts of the Channels dashboard and the Overview on a closed range (ended a
     * minute ago): with one channel and Top models = 2, and with all channels and Top models = 5 (each
     * selection has more models than that), the named series are exactly the models with the most
     * tokens in the range, one series "others" holds the rest, and the series of each bucket add up
     * to the store's tokens of the selected channels in that bucket.
     */
    @Test
    void givenTopModelsChart_whenChannelsAndTopAreSelected_thenTheLargestModelsAreNamedAndTheStackIsTheTotal()
            throws SQLException {
        String channel = oneChannelTwoModels().get(0);
        Instant to = Instant.ofEpochSecond(Instant.now().getEpochSecond() / 60 * 60 - 60);
        Instant from = to.minus(Duration.ofHours(6));
        Map<String, String> charts = Map.of(
                "tm-channels",
                "Tokens by model, top N and others (stacked)",
                "tm-overview",
                "Tokens by model (stacked)");
        for (Map.Entry<String, String> chart : charts.entrySet()) {
            Dashboard d = dashboards.stream()
                    .filter(x -> x.uid().equals(chart.getKey()))
                    .findFirst()
                    .orElseThrow();
            Dashboard.PanelQuery q = d.queries().stream()
                    .filter(x -> x.panelTitle().equals(chart.getValue()))
                    .findFirst()
                    .orElseThrow();
            for (Map.Entry<String, Integer> selection :
                    Map.of(channel, 2, "all", 5).entrySet()) {
                Interpolator vars = interpolatorWithoutPrometheus(d, from, to);
                String where = "minute >= " + from.getEpochSecond() + " AND minute < " + to.getEpochSecond();
                if (!selection.getKey().equals("all")) {
                    vars.set("channel_id", Interpolator.Value.of(channel));
                    where += " AND channel_id = '" + channel + "'";
                }
                int top = selection.getValue();
                vars.set("top", Interpolator.Value.of(Integer.toString(top)));
                String sql = vars.apply(q.text(), false);
                String what = q.where() + " channel " + selection.getKey() + ", top " + top + "\n  " + sql;

                Map<Long, Long> shownPerBucket = new TreeMap<>();
                java.util.Set<String> named = new java.util.TreeSet<>();
                boolean others = false;
                for (List<String> row : liveRows(sql)) {
                    shownPerBucket.merge(Long.parseLong(row.get(0)), Long.parseLong(row.get(2)), Long::sum);
                    if (row.get(1).equals("others")) {
                        others = true;
                    } else {
                        named.add(row.get(1));
                    }
                }
                Map<Long, Long> storePerBucket = new TreeMap<>();
                for (List<String> row : liveRows("SELECT (minute / 60) * 60, SUM(input_tokens + output_tokens)"
                        + " FROM usage_minute WHERE " + where + " GROUP BY 1")) {
                    storePerBucket.put(Long.parseLong(row.get(0)), Long.parseLong(row.get(1)));
                }
                List<List<String>> byTokens =
                        liveRows("SELECT model, SUM(input_tokens + output_tokens) FROM usage_minute WHERE " + where
                                + " GROUP BY model ORDER BY 2 DESC");
                assertThat(byTokens)
                        .as("models of the selection, more than " + top)
                        .hasSizeGreaterThan(top);
                assertThat(byTokens.get(top - 1).get(1))
                        .as("no tie at rank " + top + ": " + byTokens)
                        .isNotEqualTo(byTokens.get(top).get(1));
                java.util.Set<String> largest = new java.util.TreeSet<>();
                byTokens.subList(0, top).forEach(row -> largest.add(row.get(0)));

                assertThat(shownPerBucket).as(what + "\n tokens per bucket").isEqualTo(storePerBucket);
                assertThat(named).as(what + "\n named series").isEqualTo(largest);
                assertThat(others).as(what + "\n a series \"others\"").isTrue();
            }
        }
    }

    /**
     * Error ratio of one channel (the one with the most failed attempts in a closed 6-hour range) in the
     * Channels and the Overview per-channel tables: errors ÷ (requests + errors) of the store's rows of
     * that channel, the same number the Overview's Error ratio stat shows with that channel selected.
     */
    @Test
    void givenPerChannelTables_whenOneChannelIsSelected_thenTheErrorRatioIsFailedOverAllAttemptsOfTheStoresRows()
            throws SQLException {
        Instant to = Instant.ofEpochSecond(Instant.now().getEpochSecond() / 60 * 60 - 60);
        Instant from = to.minus(Duration.ofHours(6));
        String range = "minute >= " + from.getEpochSecond() + " AND minute < " + to.getEpochSecond();
        List<String> store = liveRows("SELECT channel_id, SUM(requests), SUM(errors) FROM usage_minute WHERE " + range
                        + " GROUP BY channel_id ORDER BY SUM(errors) DESC, channel_id LIMIT 1")
                .get(0);
        String channel = store.get(0);
        long requests = Long.parseLong(store.get(1));
        long errors = Long.parseLong(store.get(2));
        assertThat(errors).as("failed attempts of channel " + channel).isPositive();
        assertThat(requests).as("requests of channel " + channel).isPositive();
        double expected = (double) errors / (requests + errors);

        Dashboard overview = Dashboard.byUid(dashboards, "tm-overview");
        Dashboard.PanelQuery stat = overview.query("Error ratio");
        Interpolator statVars = interpolatorWithoutPrometheus(overview, from, to);
        statVars.set("channel_id", Interpolator.Value.of(channel));
        assertThat(Double.parseDouble(
                        liveRows(statVars.apply(stat.text(), false)).get(0).get(0)))
                .as("the Overview's Error ratio stat for channel " + channel)
                .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12));

        Map<String, String> published = labelSets(
                        "max by (channel_type) (newapi_channel_info{channel_id=\"" + channel + "\"})", Instant.now())
                .get(0);
        for (String uid : List.of("tm-channels", "tm-overview")) {
            Dashboard d = dashboards.stream()
                    .filter(x -> x.uid().equals(uid))
                    .findFirst()
                    .orElseThrow();
            Dashboard.PanelQuery table = d.queries().stream()
                    .filter(x -> x.panelTitle().equals("Per channel") && x.isSqlite())
                    .findFirst()
                    .orElseThrow();
            Interpolator vars = interpolatorWithoutPrometheus(d, from, to);
            vars.set("channel_id", Interpolator.Value.of(channel));
            String sql = vars.apply(table.text(), false);
            try (Connection c = openStore();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                assertThat(rs.next())
                        .as(uid + ": a row for channel " + channel + "\n  " + sql)
                        .isTrue();
                assertThat(rs.getString("channel_id")).isEqualTo(channel);
                assertThat(rs.getLong("requests")).as(uid + " requests").isEqualTo(requests);
                assertThat(rs.getLong("errors")).as(uid + " errors").isEqualTo(errors);
                assertThat(rs.getDouble("error_ratio"))
                        .as(uid + " error_ratio of channel " + channel + "\n  " + sql)
                        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12));
                // the store's channels.type is what the exporter publishes as newapi_channel_info's channel_type
                assertThat(rs.getString("channel_type"))
                        .as(uid + " channel_type vs newapi_channel_info")
                        .isEqualTo(published.get("channel_type"));
                assertThat(rs.next()).as(uid + ": only channel " + channel).isFalse();
            }
        }
    }

    /**
     * The Channels dashboard's table, like the Overview's, lists every channel of the gateway: in a
     * range without traffic each has its name, its type and zeros, and no error ratio (nothing was
     * attempted).
     */
    @Test
    void givenIdleRange_whenTheChannelsTableIsQueried_thenEveryChannelHasItsNameTypeAndZeros() throws SQLException {
        Dashboard channels = Dashboard.byUid(dashboards, "tm-channels");
        Dashboard.PanelQuery store = channels.queries().stream()
                .filter(q -> q.panelTitle().equals("Per channel") && q.isSqlite())
                .findFirst()
                .orElseThrow();
        Map<String, List<String>> expected = new TreeMap<>();
        for (List<String> row : liveRows("SELECT id, name, type FROM channels")) {
            expected.put(row.get(0), List.of(row.get(1), row.get(2), "0", "0", "0", "0.0"));
        }
        assertThat(expected).as("channels copied into the store").isNotEmpty();
        Instant idleTo = Instant.now().minus(Duration.ofDays(300));
        String idle = interpolatorWithoutPrometheus(channels, idleTo.minus(Duration.ofDays(1)), idleTo)
                .apply(store.text(), false);
        Map<String, List<String>> shown = new TreeMap<>();
        try (Connection c = openStore();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(idle)) {
            while (rs.next()) {
                assertThat(rs.getObject("error_ratio"))
                        .as("error ratio of idle channel " + rs.getString("channel_id"))
                        .isNull();
                shown.put(
                        rs.getString("channel_id"),
                        List.of(
                                rs.getString("channel"),
                                rs.getString("channel_type"),
                                rs.getString("requests"),
                                rs.getString("errors"),
                                rs.getString("tokens"),
                                Double.toString(rs.getDouble("cost_usd"))));
            }
        }
        assertThat(shown)
                .as("name, type, requests, errors, tokens, cost of every channel in a range without traffic\n  " + idle)
                .isEqualTo(expected);
    }

    /** The Errors dashboard's table and the queries its test compares it with, for one channel and one model. */
    private static final String ERRORS_TABLE = "Failures by channel, model, status and error text";

    /**
     * The channel and model with the most failed attempts in the store that are at least 30 s old
     * (so the range below holds them whatever the sync does meanwhile): {@code channel_id, model}.
     */
    private static List<String> channelAndModelWithFailures() throws SQLException {
        try (Connection c = openStore();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT channel_id, model FROM logs WHERE kind = 'error'"
                        + " AND created_at >= strftime('%s', 'now') - 6 * 3600 AND created_at < strftime('%s', 'now') - 30"
                        + " GROUP BY channel_id, model ORDER BY COUNT(*) DESC LIMIT 1")) {
            assertThat(rs.next()).as("failed attempts in the store").isTrue();
            return List.of(rs.getString(1), rs.getString(2));
        }
    }

    /**
     * The error text as the Errors dashboard describes it: content cut before New API's
     * " (request id: …)" suffix, blanks trimmed, at most 200 characters.
     */
    private static String errorText(String content) {
        int requestId = content.indexOf(" (request id:");
        String text = (requestId >= 0 ? content.substring(0, requestId) : content)
                .replaceAll("^[ \\t\\n\\r]+|[ \\t\\n\\r]+$", "");
        return text.length() > 200 ? text.substring(0, 200) : text;
    }

    /** A value of other's JSON as the table shows it: absent or null → null, else its text. */
    private static String jsonText(com.fasterxml.jackson.databind.JsonNode other, String key) {
        com.fasterxml.jackson.databind.JsonNode v = other == null ? null : other.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    /**
     * The Errors dashboard's grouped table for one channel and one model: every group (status class,
     * the status_code, error_type and error_code of other, the error text) has the count, first and
     * last seen of the store's own error rows, computed here from the raw rows (other parsed as
     * JSON in Java). One read transaction: both see the same rows.
     */
    @Test
    void givenErrorsTable_whenOneChannelAndModelAreSelected_thenEachGroupIsTheStoresOwnRows() throws SQLException {
        List<String> selection = channelAndModelWithFailures();
        Dashboard d = Dashboard.byUid(dashboards, "tm-errors");
        Dashboard.PanelQuery table = d.query(ERRORS_TABLE);
        Instant to = Instant.ofEpochSecond(Instant.now().getEpochSecond() - 30);
        Instant from = to.minus(Duration.ofHours(6));
        String sql = modelsSelection(d, from, to, selection.get(0), List.of(selection.get(1)))
                .apply(table.text(), false);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Map<String, List<Long>> shown = new TreeMap<>();
        Map<String, List<Long>> expected = new TreeMap<>();
        try (Connection c = openStore()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery(sql)) {
                    while (rs.next()) {
                        assertThat(rs.getString("channel")).as("channel name").endsWith(" #" + selection.get(0));
                        String key = String.join(
                                "|",
                                rs.getString("channel_id"),
                                rs.getString("model"),
                                rs.getString("status_class"),
                                String.valueOf(rs.getObject("status_code")),
                                String.valueOf(rs.getString("error_type")),
                                String.valueOf(rs.getString("error_code")),
                                rs.getString("error"));
                        assertThat(shown.put(
                                        key,
                                        List.of(
                                                rs.getLong("count"),
                                                rs.getLong("first_seen"),
                                                rs.getLong("last_seen"))))
                                .as("group shown once: " + key)
                                .isNull();
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT channel_id, model, status_class, other, content, created_at"
                        + " FROM logs WHERE kind = 'error' AND channel_id = '" + selection.get(0) + "' AND model = '"
                        + selection.get(1).replace("'", "''") + "' AND created_at >= " + from.getEpochSecond()
                        + " AND created_at < " + to.getEpochSecond())) {
                    while (rs.next()) {
                        com.fasterxml.jackson.databind.JsonNode other;
                        try {
                            other = json.readTree(rs.getString("other"));
                        } catch (java.io.IOException e) {
                            other = null;
                        }
                        String statusCode = jsonText(other, "status_code");
                        String key = String.join(
                                "|",
                                rs.getString("channel_id"),
                                rs.getString("model"),
                                rs.getString("status_class"),
                                String.valueOf(statusCode == null ? null : Long.valueOf(statusCode)),
                                String.valueOf(jsonText(other, "error_type")),
                                String.valueOf(jsonText(other, "error_code")),
                                errorText(rs.getString("content")));
                        long at = rs.getLong("created_at");
                        expected.merge(
                                key,
                                List.of(1L, at, at),
                                (a, b) -> List.of(
                                        a.get(0) + 1, Math.min(a.get(1), b.get(1)), Math.max(a.get(2), b.get(2))));
                    }
                }
            }
            c.rollback();
        }
        assertThat(expected).as("error rows of channel " + selection).isNotEmpty();
        assertThat(shown).as("count, first and last seen per group\n  " + sql).isEqualTo(expected);
    }

    /**
     * Each group of the Errors table links to Logs with its channel, model, kind error and its
     * error text as Search, keeping the range: Logs' row count under exactly these filters is the
     * group's failures (summed over the groups of the same text, which Search cannot tell apart).
     * The link is filled here as Grafana fills a data link: each {@code ${__data.fields.x:percentencode}}
     * is the row's value, percent-encoded (encodeURIComponentStrict of grafana/scenes' formatRegistry.ts).
     */
    @Test
    void givenErrorsTableRow_whenItsLinkIsFollowed_thenLogsShowsExactlyTheGroupsFailedAttempts() throws SQLException {
        List<String> selection = channelAndModelWithFailures();
        Dashboard errors = Dashboard.byUid(dashboards, "tm-errors");
        Dashboard logs = Dashboard.byUid(dashboards, "tm-logs");
        com.fasterxml.jackson.databind.JsonNode panel = errors.panels().stream()
                .filter(p -> p.path("title").asText().equals(ERRORS_TABLE))
                .findFirst()
                .orElseThrow();
        String link = panel.path("fieldConfig")
                .path("defaults")
                .path("links")
                .get(0)
                .path("url")
                .asText();
        Dashboard.PanelQuery rowsStat = logs.query("Rows");
        Instant to = Instant.ofEpochSecond(Instant.now().getEpochSecond() - 30);
        Instant from = to.minus(Duration.ofHours(6));
        String sql = modelsSelection(errors, from, to, selection.get(0), List.of(selection.get(1)))
                .apply(errors.query(ERRORS_TABLE).text(), false);
        Pattern field = Pattern.compile("\\$\\{__data\\.fields\\.(\\w+)(?::percentencode)?}");
        try (Connection c = openStore()) {
            c.setAutoCommit(false);
            Map<String, Long> byText = new TreeMap<>();
            Map<String, String> urlByText = new TreeMap<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    java.util.regex.Matcher m = field.matcher(link);
                    StringBuilder url = new StringBuilder();
                    while (m.find()) {
                        String value =
                                Optional.ofNullable(rs.getString(m.group(1))).orElse("");
                        m.appendReplacement(
                                url,
                                java.util.regex.Matcher.quoteReplacement(
                                        java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8)
                                                .replace("+", "%20")));
                    }
                    m.appendTail(url);
                    byText.merge(rs.getString("error"), rs.getLong("count"), Long::sum);
                    urlByText.put(rs.getString("error"), url.toString());
                }
            }
            assertThat(byText).as("groups of " + selection).isNotEmpty();
            for (Map.Entry<String, String> e : urlByText.entrySet()) {
                String url = e.getValue();
                assertThat(url).as("link keeps the range").contains("&${__url_time_range}");
                Interpolator vars = interpolatorWithoutPrometheus(logs, from, to);
                Map<String, String> params = new TreeMap<>();
                for (String param : url.substring(url.indexOf('?') + 1).split("&")) {
                    if (param.startsWith("var-")) {
                        String[] kv = param.substring(4).split("=", 2);
                        params.put(kv[0], java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
                assertThat(params)
                        .as("the link's filters")
                        .containsEntry("channel_id", selection.get(0))
                        .containsEntry("model", selection.get(1))
                        .containsEntry("kind", "error")
                        .containsEntry("q", e.getKey());
                params.forEach((name, value) -> vars.set(name, Interpolator.Value.of(value)));
                String logsSql = vars.apply(rowsStat.text(), false);
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery(logsSql)) {
                    rs.next();
                    assertThat(rs.getLong(1))
                            .as("Logs rows behind " + url + "\n  " + logsSql)
                            .isEqualTo(byText.get(e.getKey()));
                }
            }
            c.rollback();
        }
    }

    /**
     * The Errors table's text rule on rows the demo does not write: on a copy of the store, one
     * upstream error failing three requests (New API's " (request id: …)" suffix, surrounding
     * blanks) is one group of three, a row whose other is not JSON is a group of its own without
     * status_code (json_extract alone would fail the whole query), and Logs' Search with the text,
     * as the table's link sets it, finds all four rows.
     */
    @Test
    void givenErrorsWithRequestIds_whenGrouped_thenOneUpstreamErrorIsOneGroupAndLogsFindsItsRows() throws SQLException {
        Path copy = storeCopy("errors");
        String model = "errors-text-model";
        long at = Instant.now().getEpochSecond() - 120;
        String json = "{\"status_code\":529,\"error_type\":\"upstream_error\",\"error_code\":\"overloaded\"}";
        List<List<String>> rows = List.of(
                List.of("upstream overloaded (request id: 20261203A1)", json, "5xx"),
                List.of("upstream overloaded (request id: 20261203B2)", json, "5xx"),
                List.of("  upstream overloaded\n", json, "5xx"),
                List.of("upstream overloaded", "not json", "other"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy);
                java.sql.PreparedStatement insert = c.prepareStatement("INSERT INTO logs (id, created_at, type, kind,"
                        + " channel_id, channel_name, model, token_name, username, user_id, \"group\", prompt_tokens,"
                        + " completion_tokens, cache_read_tokens, cache_write_tokens, quota, use_time_seconds,"
                        + " ttft_seconds, is_stream, status_class, request_id, ip, content, other, token_id)"
                        + " VALUES (?, ?, 5, 'error', '1', 'c1', ?, 't', 'u', 1, 'default', 0, 0, 0, 0, 0, NULL, NULL, 0,"
                        + " ?, '', '', ?, ?, NULL)")) {
            long id = 3_000_000_000_000L;
            for (List<String> r : rows) {
                insert.setLong(1, id++);
                insert.setLong(2, at);
                insert.setString(3, model);
                insert.setString(4, r.get(2));
                insert.setString(5, r.get(0));
                insert.setString(6, r.get(1));
                insert.executeUpdate();
            }
        }
        Dashboard errors = Dashboard.byUid(dashboards, "tm-errors");
        Dashboard logs = Dashboard.byUid(dashboards, "tm-logs");
        Instant to = Instant.now();
        Interpolator vars = modelsSelection(errors, to.minus(Duration.ofHours(1)), to, "1", List.of(model));
        String sql = vars.apply(errors.query(ERRORS_TABLE).text(), false);
        Map<String, Long> groups = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                groups.put(
                        rs.getString("status_class") + "|" + rs.getObject("status_code") + "|"
                                + rs.getString("error_code") + "|" + rs.getString("error"),
                        rs.getLong("count"));
            }
        }
        assertThat(groups)
                .as("groups\n  " + sql)
                .isEqualTo(Map.of(
                        "5xx|529|overloaded|upstream overloaded", 3L, "other|null|null|upstream overloaded", 1L));
        Interpolator search = interpolatorWithoutPrometheus(logs, to.minus(Duration.ofHours(1)), to);
        search.set("model", Interpolator.Value.of(model));
        search.set("kind", Interpolator.Value.of("error"));
        search.set("q", Interpolator.Value.of("upstream overloaded"));
        String rowsSql = search.apply(logs.query("Rows").text(), false);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(rowsSql)) {
            rs.next();
            assertThat(rs.getLong(1))
                    .as("Logs rows with the group's text\n  " + rowsSql)
                    .isEqualTo(4);
        }
    }

    /**
     * The Errors dashboard's "Error logging" banner: 0 (New API) on the demo, and 1 when a selected
     * gateway runs One API, shown here by asking for the demo's own flavor in its place.
     */
    @Test
    void givenErrorLoggingBanner_whenQueried_thenItTellsOneApiFromNewApi() {
        Dashboard errors = Dashboard.byUid(dashboards, "tm-errors");
        Dashboard.PanelQuery banner = errors.query("Error logging");
        Interpolator vars = interpolatorFor(errors, promStart, Instant.now());
        String expr = vars.apply(banner.text(), true);
        assertThat(expr).as("banner query").contains("source_flavor=\"one-api\"");
        assertThat(values(expr)).as("on the New API demo: " + expr).containsExactly(0.0);
        String asIfOneApi = expr.replace("source_flavor=\"one-api\"", "source_flavor=\"new-api\"");
        assertThat(values(asIfOneApi))
                .as("a gateway of the asked flavor: " + asIfOneApi)
                .containsExactly(1.0);
    }

    private static List<Map<String, String>> labelSets(String expr, Instant at) {
        return prometheus.api().query(expr, at).stream()
                .map(PrometheusApi.Series::labels)
                .toList();
    }

    private static List<Double> values(String expr) {
        return prometheus.api().query(expr, Instant.now()).stream()
                .map(s -> s.values().get(0))
                .toList();
    }

    private Interpolator interpolatorFor(Dashboard d, Instant from, Instant to) {
        Interpolator vars = new Interpolator(from, to, INTERVAL, SCRAPE);
        VariableResolver resolver = new VariableResolver(prometheus.api(), promStart, to);
        for (Variable v : d.variables()) {
            switch (v.type()) {
                case "query" -> {
                    String query = vars.apply(v.query(), true);
                    List<VariableResolver.Option> options = resolver.options(v, query);
                    if (options.isEmpty()) {
                        Optional<String> pending = pendingReason(v.query());
                        if (pending.isEmpty()) {
                            fail(d.uid() + ": variable $" + v.name() + " has no options; query " + query + " regex "
                                    + v.regex());
                        }
                        System.out.println("PENDING " + d.uid() + " variable $" + v.name() + ": " + pending.get());
                    }
                    if (v.includeAll() && v.allValue() != null) {
                        vars.set(v.name(), new Interpolator.Value(List.of(), v.allValue(), true));
                    } else if (!options.isEmpty()) {
                        vars.set(v.name(), Interpolator.Value.of(options.get(0).value()));
                    }
                }
                default -> StoreVariables.setWithoutDatasource(vars, d, v);
            }
        }
        return vars;
    }

    /** The variables as Grafana has them when Prometheus answers nothing (see {@link StoreVariables}). */
    private static Interpolator interpolatorWithoutPrometheus(Dashboard d, Instant from, Instant to) {
        return StoreVariables.withoutPrometheus(d, from, to, INTERVAL, SCRAPE);
    }

    private static void runPromQl(Dashboard.PanelQuery q, String expr, Instant to) {
        assertNoUnresolved(q, expr);
        PrometheusApi api = prometheus.api();
        List<PrometheusApi.Series> result;
        try {
            result = q.instant() ? api.query(expr, to) : api.queryRange(expr, promStart, to, INTERVAL);
        } catch (PrometheusApi.PromQueryException e) {
            throw new AssertionError(q.where() + ": " + e.getMessage() + "\n  " + expr);
        }
        boolean hasSample = result.stream().anyMatch(s -> !s.values().isEmpty());
        if (!hasSample) {
            excuseOrFail(q, expr);
        }
    }

    private static void runSql(Dashboard.PanelQuery q, String sql) throws SQLException {
        assertNoUnresolved(q, sql);
        assertNoCorrelatedScan(q, sql);
        try (Connection c = openStore();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            boolean value = false;
            if (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    value |= rs.getObject(i) != null;
                }
            }
            if (!value) {
                excuseOrFail(q, sql);
            }
        } catch (SQLException e) {
            throw new AssertionError(q.where() + ": " + e.getMessage() + "\n  " + sql, e);
        }
    }

    /**
     * A correlated subquery that scans a table runs that scan once per outer row: over the raw logs
     * (millions of rows) per channel of a join this took the overview's channel panels to seconds.
     * SQLite's EXPLAIN QUERY PLAN names such a node "CORRELATED ..." with a "SCAN ..." below it.
     */
    private static void assertNoCorrelatedScan(Dashboard.PanelQuery q, String sql) throws SQLException {
        Map<Integer, Integer> parent = new java.util.HashMap<>();
        Map<Integer, String> detail = new java.util.HashMap<>();
        try (Connection c = openStore();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN " + sql)) {
            while (rs.next()) {
                parent.put(rs.getInt(1), rs.getInt(2));
                detail.put(rs.getInt(1), rs.getString(4));
            }
        }
        for (Map.Entry<Integer, String> node : detail.entrySet()) {
            if (!node.getValue().startsWith("SCAN ")) {
                continue;
            }
            for (Integer up = parent.get(node.getKey()); up != null && up != 0; up = parent.get(up)) {
                assertThat(detail.getOrDefault(up, ""))
                        .as(q.where() + ": " + node.getValue() + " inside a correlated subquery\n  " + sql)
                        .doesNotStartWith("CORRELATED");
            }
        }
    }

    private static void excuseOrFail(Dashboard.PanelQuery q, String text) {
        Optional<String> pending = pendingReason(q.text());
        if (pending.isPresent()) {
            System.out.println("PENDING " + q.where() + ": " + pending.get());
            abort("pending: " + pending.get());
        }
        fail(q.where() + ": no data on the busy demo\n  " + text);
    }

    private static Optional<String> pendingReason(String text) {
        return PENDING.entrySet().stream()
                .filter(e -> Pattern.compile("(?<![\\w:])" + Pattern.quote(e.getKey()) + "(?![\\w:])")
                        .matcher(text)
                        .find())
                .map(e -> e.getKey() + " — " + e.getValue())
                .findFirst();
    }

    private static void assertNoUnresolved(Dashboard.PanelQuery q, String text) {
        assertThat(UNRESOLVED.matcher(text).find())
                .as(q.where() + ": unresolved variable or macro in\n  " + text)
                .isFalse();
    }

    /** Read-only, as Grafana's SQLite datasource opens it, while the exporter keeps writing (WAL). */
    private static Connection openStore() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        return DriverManager.getConnection("jdbc:sqlite:" + exporter.storePath(), config.toProperties());
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A copy of the store in which the cached request rows bill three ways: a third as the demo does
     * (cache_ratio 0.5, where 1 − r equals r), a third with cache_ratio 0.1 and group_ratio 1.5, a third at
     * a fixed model_price (no cache saving). The per-minute sums stay as they are.
     */
    private static Path storeWithVariedCacheBilling() throws SQLException {
        Path copy = storeCopy("cache-billing");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy);
                Statement s = c.createStatement()) {
            s.execute("UPDATE logs SET other = json_set(other, '$.cache_ratio', 0.1, '$.group_ratio', 1.5)"
                    + " WHERE kind = 'request' AND cache_read_tokens > 0 AND id % 3 = 1");
            s.execute("UPDATE logs SET other = json_set(other, '$.model_price', 0.02)"
                    + " WHERE kind = 'request' AND cache_read_tokens > 0 AND id % 3 = 2");
        }
        return copy;
    }

    /**
     * The Models dashboard's prompt-cache table for the channel with the most cache reads and two of
     * its models with cache reads, over six hours that ended a minute ago, on
     * {@link #storeWithVariedCacheBilling}: the hit ratio (cache-read ÷ input tokens, as the recording
     * rule) and the cache writes are the per-minute rows' sums; the USD saved is New API's
     * cache_tokens × (1 − cache_ratio) × model_ratio × group_ratio over each raw request row's other
     * not billed at a fixed price, ÷ QuotaPerUnit, computed here from the JSON.
     */
    @Test
    void givenPromptCacheTable_whenOneChannelAndTwoModelsAreSelected_thenHitRatioAndUsdSavedAreTheStoresOwn()
            throws Exception {
        Path store = storeWithVariedCacheBilling();
        Dashboard d = Dashboard.byUid(dashboards, "tm-models");
        Dashboard.PanelQuery table = d.query("Prompt cache per channel and model");
        Instant to = Instant.ofEpochSecond(Instant.now().getEpochSecond() / 60 * 60 - 60);
        Instant from = to.minus(Duration.ofHours(6));
        String range = " AND channel_id = ? AND model = ? AND %1$s >= " + from.getEpochSecond() + " AND %1$s < "
                + to.getEpochSecond();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Map<String, List<Double>> shown = new TreeMap<>();
        Map<String, List<Double>> expected = new TreeMap<>();
        Map<String, Double> savedShown = new TreeMap<>();
        Map<String, Double> savedExpected = new TreeMap<>();
        int varied = 0;
        int fixedPrice = 0;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store);
                Statement s = c.createStatement()) {
            List<String> selection = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT channel_id, model FROM usage_minute WHERE minute >= "
                    + from.getEpochSecond() + " AND minute < " + to.getEpochSecond() + " AND channel_id = ("
                    + " SELECT channel_id FROM usage_minute WHERE minute >= " + from.getEpochSecond()
                    + " AND minute < " + to.getEpochSecond() + " GROUP BY channel_id"
                    + " HAVING COUNT(DISTINCT CASE WHEN cache_read_tokens > 0 THEN model END) >= 2"
                    + " ORDER BY SUM(cache_read_tokens) DESC LIMIT 1)"
                    + " GROUP BY channel_id, model HAVING SUM(cache_read_tokens) > 0"
                    + " ORDER BY SUM(cache_read_tokens) DESC LIMIT 2")) {
                while (rs.next()) {
                    if (selection.isEmpty()) {
                        selection.add(rs.getString(1));
                    }
                    selection.add(rs.getString(2));
                }
            }
            assertThat(selection)
                    .as("a channel with two models with cache reads in the range")
                    .hasSize(3);
            String channel = selection.get(0);
            List<String> models = selection.subList(1, 3);
            String sql = modelsSelection(d, from, to, channel, models).apply(table.text(), false);
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    shown.put(
                            rs.getString("model"),
                            List.of(rs.getDouble("hit_ratio"), rs.getDouble("cache_write_tokens")));
                    savedShown.put(rs.getString("model"), rs.getDouble("saved_usd"));
                }
            }
            double quotaPerUnit;
            try (ResultSet rs = s.executeQuery("SELECT quota_per_unit FROM gateway_options")) {
                rs.next();
                quotaPerUnit = rs.getDouble(1);
            }
            for (String model : models) {
                try (java.sql.PreparedStatement ps = c.prepareStatement(
                        "SELECT SUM(cache_read_tokens), SUM(input_tokens), SUM(cache_write_tokens) FROM usage_minute"
                                + " WHERE 1 = 1" + range.formatted("minute"))) {
                    ps.setString(1, channel);
                    ps.setString(2, model);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        expected.put(model, List.of((double) rs.getLong(1) / rs.getLong(2), rs.getDouble(3)));
                    }
                }
                double saved = 0;
                try (java.sql.PreparedStatement ps = c.prepareStatement(
                        "SELECT other FROM logs WHERE kind = 'request'" + range.formatted("created_at"))) {
                    ps.setString(1, channel);
                    ps.setString(2, model);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            com.fasterxml.jackson.databind.JsonNode other = json.readTree(rs.getString(1));
                            long cached = other.path("cache_tokens").asLong(0);
                            if (cached <= 0) {
                                continue;
                            }
                            if (other.path("model_price").asDouble(-1) >= 0) {
                                fixedPrice++;
                                continue;
                            }
                            if (other.path("cache_ratio").asDouble() != 0.5) {
                                varied++;
                            }
                            saved += cached
                                    * (1 - other.path("cache_ratio").asDouble())
                                    * other.path("model_ratio").asDouble()
                                    * other.path("group_ratio").asDouble();
                        }
                    }
                }
                assertThat(saved).as("quota saved on " + model).isPositive();
                savedExpected.put(model, saved / quotaPerUnit);
            }
        }
        assertThat(varied).as("cached rows with cache_ratio 0.1 in the range").isPositive();
        assertThat(fixedPrice).as("cached rows at a fixed price in the range").isPositive();
        assertThat(shown).as("hit ratio and cache writes per model").isEqualTo(expected);
        assertThat(savedShown.keySet()).isEqualTo(savedExpected.keySet());
        savedExpected.forEach((model, usd) -> assertThat(savedShown.get(model))
                .as("USD saved on " + model + " (sums in another order: to 1e-9)")
                .isCloseTo(usd, org.assertj.core.data.Offset.offset(1e-9)));
    }

    /** The alerts of the rule group token-monitor.integrity in prometheus/rules/alerts.yml. */
    private static List<String> integrityAlertNames() throws java.io.IOException {
        com.fasterxml.jackson.databind.JsonNode rules = new com.fasterxml.jackson.databind.ObjectMapper(
                        new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(
                        RepoPaths.root().resolve("prometheus/rules/alerts.yml").toFile());
        List<String> names = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode group : rules.path("groups")) {
            if (group.path("name").asText().equals("token-monitor.integrity")) {
                group.path("rules").forEach(r -> names.add(r.path("alert").asText()));
            }
        }
        return names;
    }

    /**
     * The Health dashboard's "Billing integrity and blind spots" table has a row for every alert of
     * token-monitor.integrity whatever fires: its state is 2 (firing), 1 (pending) or 0 (OK) as ALERTS
     * has it, its firing series ALERTS' count; with a Gateway job that has no alerts at all every
     * alert still has its row, OK, with no firing series (not "No data"); with ALERTS put in by hand
     * an alert firing on one channel and pending on another is firing.
     */
    @Test
    void givenIntegrityTable_whenQueried_thenEveryIntegrityAlertHasAStateEvenWhenNoneFires() throws Exception {
        List<String> names = integrityAlertNames();
        assertThat(names).as("alerts of token-monitor.integrity").hasSizeGreaterThanOrEqualTo(5);
        Dashboard health = Dashboard.byUid(dashboards, "tm-health");
        List<Dashboard.PanelQuery> table = health.queries().stream()
                .filter(q -> q.panelTitle().equals("Billing integrity and blind spots"))
                .toList();
        assertThat(table).as("state and firing-series queries").hasSize(2);
        // a few seconds back: the rule evaluations up to then are written, so every query sees the same ALERTS
        Instant at = Instant.now().minusSeconds(5);
        Map<String, Double> state = new TreeMap<>();
        Map<String, Double> firing = new TreeMap<>();
        Map<String, Double> ok = new TreeMap<>();
        for (String name : names) {
            int fires = prometheus
                    .api()
                    .query("ALERTS{alertname=\"" + name + "\",alertstate=\"firing\"}", at)
                    .size();
            boolean pending = !prometheus
                    .api()
                    .query("ALERTS{alertname=\"" + name + "\",alertstate=\"pending\"}", at)
                    .isEmpty();
            state.put(name, fires > 0 ? 2.0 : pending ? 1.0 : 0.0);
            firing.put(name, (double) fires);
            ok.put(name, 0.0);
        }
        Interpolator all = interpolatorFor(health, promStart, at);
        Interpolator none = interpolatorFor(health, promStart, at);
        none.set("job", Interpolator.Value.of("no-such-job"));
        assertThat(byAlertname(all.apply(table.get(0).text(), true), at))
                .as("state per alert, Gateway All")
                .isEqualTo(state);
        assertThat(byAlertname(all.apply(table.get(1).text(), true), at))
                .as("firing series per alert, Gateway All")
                .isEqualTo(firing);
        for (Dashboard.PanelQuery q : table) {
            assertThat(byAlertname(none.apply(q.text(), true), at))
                    .as(q.where() + " with a Gateway job without alerts")
                    .isEqualTo(ok);
        }
        // Nothing here fires them, so ALERTS is put in by hand: RefundSurge firing on two channels and
        // pending on a third, CacheHitRatioDrop pending. The panel's own expression around the
        // selectors must give firing (2) over pending, pending (1), one row each, OK for the rest.
        Map<String, String> alerts = Map.of(
                "firing",
                "(" + syntheticAlert("TokenMonitorRefundSurge", "1") + " or "
                        + syntheticAlert("TokenMonitorRefundSurge", "2") + ")",
                "pending",
                "(" + syntheticAlert("TokenMonitorRefundSurge", "3") + " or "
                        + syntheticAlert("TokenMonitorCacheHitRatioDrop", "1") + ")");
        Map<String, Double> someState = new TreeMap<>(ok);
        someState.put("TokenMonitorRefundSurge", 2.0);
        someState.put("TokenMonitorCacheHitRatioDrop", 1.0);
        Map<String, Double> someFiring = new TreeMap<>(ok);
        someFiring.put("TokenMonitorRefundSurge", 2.0);
        List<Map<String, Double>> expected = List.of(someState, someFiring);
        for (int i = 0; i < 2; i++) {
            String expr = all.apply(table.get(i).text(), true);
            for (Map.Entry<String, String> selected : alerts.entrySet()) {
                // the firing-series query selects only firing ones, so "pending" leaves it as it is
                expr = expr.replaceAll(
                        "ALERTS\\{[^}]*alertstate=\"" + selected.getKey() + "\"}",
                        java.util.regex.Matcher.quoteReplacement(selected.getValue()));
            }
            assertThat(byAlertname(expr, at))
                    .as(table.get(i).where() + " with RefundSurge firing and CacheHitRatioDrop pending")
                    .isEqualTo(expected.get(i));
        }
    }

    /** A series as ALERTS has it for {@code alertname} on channel {@code channel}, value 1. */
    private static String syntheticAlert(String alertname, String channel) {
        return "label_replace(label_replace(vector(1), \"alertname\", \"" + alertname
                + "\", \"\", \"\"), \"channel_id\", \"" + channel + "\", \"\", \"\")";
    }

    private static Map<String, Double> byAlertname(String expr, Instant at) {
        Map<String, Double> out = new TreeMap<>();
        for (PrometheusApi.Series series : prometheus.api().query(expr, at)) {
            assertThat(out.put(series.labels().get("alertname"), series.values().get(0)))
                    .as("one row per alert: " + series.labels() + "\n  " + expr)
                    .isNull();
        }
        return out;
    }
}
