package io.tokenmonitor.e2e.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tokenmonitor.e2e.harness.RepoPaths;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The dashboards' JSON without running anything: structure, uids, datasources, variables, links, alert links. */
class DashboardStructureTest {
    static final Set<String> UIDS = Set.of(
            "tm-overview",
            "tm-logs",
            "tm-performance",
            "tm-budgets",
            "tm-health",
            "tm-tokens",
            "tm-models",
            "tm-channels",
            "tm-errors");
    static final List<String> VARIABLES_ON_EVERY_DASHBOARD =
            List.of("gateway", "job", "instance", "channel_id", "model");
    static final List<String> QUICK_RANGES = List.of("now-1h", "now-6h", "now-12h", "now-24h", "now-7d", "now-30d");
    /** Grafana's built-in pseudo datasources a panel or annotation may name. */
    static final Set<String> BUILT_IN_DATASOURCES = Set.of("-- Mixed --", "-- Grafana --");

    private static final Pattern REFERENCE =
            Pattern.compile("\\$\\{(\\w+)(?::[\\w:]+)?}|\\$([A-Za-z_]\\w*)|\\[\\[(\\w+)");
    /** The variable name of a {@link #REFERENCE} match, whichever of its three syntaxes it is. */
    private static String referencedName(Matcher m) {
        return m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
    }

    /** A PromQL series selector: metric name (or none) and its matchers. */
    private static final Pattern SELECTOR = Pattern.compile("([A-Za-z_:][\\w:]*)?\\{([^{}]*)}");

    private static final Pattern DASHBOARD_LINK = Pattern.compile("/d/([\\w-]+)(\\?[^'\"\\s]*)?");

    private final Path grafana = RepoPaths.root().resolve("grafana");
    private final List<Dashboard> dashboards = Dashboard.loadAll(grafana.resolve("dashboards"));
    private final Provisioning provisioning = Provisioning.load(grafana);

    @Test
    void givenDashboardFiles_thenEachExpectedUidExistsExactlyOnce() {
        List<String> uids = dashboards.stream().map(Dashboard::uid).toList();
        assertThat(uids).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(UIDS);
    }

    @Test
    void givenEachDashboard_thenItHasTitleTagSchemaAndUniquePanelIdsInsideTheGrid() {
        for (Dashboard d : dashboards) {
            assertThat(d.title()).as(d.file() + " title").isNotBlank();
            assertThat(d.json().path("schemaVersion").isInt())
                    .as(d.uid() + " schemaVersion")
                    .isTrue();
            assertThat(d.json().path("tags").toString()).as(d.uid() + " tags").contains("\"token-monitor\"");
            List<JsonNode> panels = d.panels();
            assertThat(panels).as(d.uid() + " panels").isNotEmpty();
            assertThat(panels.stream().map(p -> p.path("id").asInt()).toList())
                    .as(d.uid() + " panel ids")
                    .doesNotHaveDuplicates();
            for (JsonNode p : panels) {
                JsonNode g = p.path("gridPos");
                assertThat(g.path("w").asInt())
                        .as(d.uid() + " " + p.path("title") + " width")
                        .isPositive();
                assertThat(g.path("h").asInt())
                        .as(d.uid() + " " + p.path("title") + " height")
                        .isPositive();
                assertThat(g.path("x").asInt() + g.path("w").asInt())
                        .as(d.uid() + " " + p.path("title") + " x + w")
                        .isLessThanOrEqualTo(24);
                assertThat(p.path("title").asText())
                        .as(d.uid() + " panel " + p.path("id") + " title")
                        .isNotBlank();
            }
        }
    }

    @Test
    void givenEachPanel_thenItHasAtLeastOneNonEmptyQuery() {
        for (Dashboard d : dashboards) {
            for (JsonNode p : d.panels()) {
                if (p.path("type").asText().equals("row")) {
                    continue;
                }
                assertThat(p.path("targets").size())
                        .as(d.uid() + " / " + p.path("title") + ": a panel without a query")
                        .isPositive();
            }
            d.queries()
                    .forEach(q ->
                            assertThat(q.text()).as(q.where() + " query text").isNotBlank());
        }
    }

    @Test
    void givenEveryDatasourceReference_thenItsUidIsProvisionedWithTheSameType() {
        Map<String, String> types = provisioning.datasourceTypes();
        assertThat(types)
                .containsEntry("tm-prometheus", "prometheus")
                .containsEntry("tm-store", "frser-sqlite-datasource");
        for (Dashboard d : dashboards) {
            for (JsonNode p : d.panels()) {
                String uid = p.path("datasource").path("uid").asText("");
                if (!p.path("type").asText().equals("row")) {
                    assertThat(types.containsKey(uid) || BUILT_IN_DATASOURCES.contains(uid))
                            .as(d.uid() + " / " + p.path("title") + ": datasource uid \"" + uid
                                    + "\" is not provisioned")
                            .isTrue();
                }
            }
            for (Dashboard.PanelQuery q : d.queries()) {
                assertThat(types).as(q.where() + ": datasource uid").containsKey(q.datasourceUid());
                assertThat(types.get(q.datasourceUid()))
                        .as(q.where() + ": datasource type")
                        .isEqualTo(q.datasourceType());
            }
            for (Variable v : d.variables()) {
                if (v.type().equals("query")) {
                    assertThat(types)
                            .as(d.uid() + " variable " + v.name() + " datasource")
                            .containsKey(v.datasourceUid());
                }
            }
        }
    }

    @Test
    void givenEachDashboard_thenGatewayChannelAndModelVariablesExistAndChannelShowsNames() {
        for (Dashboard d : dashboards) {
            List<String> names = d.variables().stream().map(Variable::name).toList();
            assertThat(names)
                    .as(d.uid() + " variables")
                    .containsAll(VARIABLES_ON_EVERY_DASHBOARD)
                    .doesNotHaveDuplicates();
            Variable channel = d.variables().stream()
                    .filter(v -> v.name().equals("channel_id"))
                    .findFirst()
                    .orElseThrow();
            assertThat(channel.query()).as(d.uid() + " channel_id names").contains("newapi_channel_info");
            assertThat(channel.regex())
                    .as(d.uid() + " channel_id regex: text = name, value = id")
                    .contains("(?<text>")
                    .contains("(?<value>");
        }
    }

    /**
     * A fleet (several gateways in one Prometheus or store, README "Fleets") is told apart by the
     * `gateway` label: every dashboard has a Gateway variable (multi, All = ".*", which also matches
     * series without the label), the job variable lists only the chosen gateways' jobs, and every
     * selector of an exporter series — each one that filters on $job, in panels and in variables —
     * also filters on $gateway. The bridge's, Prometheus's and ALERTS' selectors have no $job and
     * stay unfiltered (one bridge per fleet or per gateway).
     */
    @Test
    void givenFleetGatewayVariable_thenEveryExporterSelectorFiltersOnIt() {
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Dashboard d : dashboards) {
            Variable gateway = d.variables().stream()
                    .filter(v -> v.name().equals("gateway"))
                    .findFirst()
                    .orElseThrow();
            assertThat(gateway.query()).as(d.uid() + " gateway").isEqualTo("label_values(newapi_build_info, gateway)");
            assertThat(gateway.multi() && gateway.includeAll())
                    .as(d.uid() + " gateway multi, All")
                    .isTrue();
            assertThat(gateway.allValue()).as(d.uid() + " gateway All").isEqualTo(".*");
            assertThat(d.variables().stream()
                            .filter(v -> v.name().equals("job"))
                            .findFirst()
                            .orElseThrow()
                            .query())
                    .as(d.uid() + " job lists the chosen gateways' jobs")
                    .isEqualTo("label_values(newapi_build_info{gateway=~\"$gateway\"}, job)");
            List<String> texts = new ArrayList<>();
            d.queries().stream()
                    .filter(Dashboard.PanelQuery::isPrometheus)
                    .forEach(q -> texts.add(q.where() + "\u0000" + q.text()));
            d.variables().stream()
                    .filter(v -> v.type().equals("query") && !v.name().equals("gateway"))
                    .forEach(v -> texts.add(d.uid() + " variable " + v.name() + "\u0000" + v.query()));
            for (String t : texts) {
                String[] whereAndText = t.split("\u0000", 2);
                Matcher m = SELECTOR.matcher(whereAndText[1]);
                while (m.find()) {
                    if (m.group(2).contains("job=~\"$job\"")) {
                        checked++;
                        if (!m.group(2).contains("gateway=~\"$gateway\"")) {
                            missing.add(whereAndText[0] + ": " + m.group());
                        }
                    }
                }
            }
        }
        assertThat(checked).as("selectors filtering on $job").isGreaterThan(100);
        assertThat(missing)
                .as("exporter selectors without gateway=~\"$gateway\"")
                .isEmpty();
    }

    /**
     * Any Viewer may set a variable to any text (URL, custom value), and a model's name may hold a
     * quote: a dashboard variable enters store SQL only as {@code ${name:sqlstring}} (each value
     * quoted, ' doubled; a list for {@code IN (…)}), never inside quotes of the query's own and never
     * in another format ({@code '${model:csv}'} let {@code ' OR 1=1 OR '} run as SQL). Grafana inserts
     * a custom All value unformatted, so the All value of such a variable is itself one SQL string
     * literal (and, for Prometheus, a regex matching everything: {@code '|.*|'}).
     */
    @Test
    void givenStoreSql_thenEveryDashboardVariableIsASqlStringAndEveryAllValueASqlLiteral() {
        Pattern quoted = Pattern.compile("'\\$\\{?\\w+|\\$\\{?\\w+(?::\\w+)?}?'");
        for (Dashboard d : dashboards) {
            Map<String, Variable> variables = d.variables().stream().collect(Collectors.toMap(Variable::name, v -> v));
            for (Dashboard.PanelQuery q : d.queries()) {
                if (!q.isSqlite()) {
                    continue;
                }
                assertThat(quoted.matcher(q.text()).find())
                        .as(q.where() + ": a variable inside quotes in\n  " + q.text())
                        .isFalse();
                Matcher m = REFERENCE.matcher(q.text());
                while (m.find()) {
                    String name = referencedName(m);
                    Variable v = variables.get(name);
                    if (v == null) {
                        continue; // Grafana's globals ($__from, $__to): numbers
                    }
                    assertThat(m.group())
                            .as(q.where() + ": $" + name + " in store SQL")
                            .isEqualTo("${" + name + ":sqlstring}");
                    if (v.includeAll() && v.allValue() != null) {
                        assertThat(v.allValue())
                                .as(d.uid() + ": All value of $" + name + ", inserted unformatted into SQL")
                                .matches("'[^']*'");
                    }
                }
            }
        }
    }

    @Test
    void givenEveryVariableReference_thenTheVariableIsDefinedOnThatDashboard() {
        for (Dashboard d : dashboards) {
            Set<String> defined = new HashSet<>(Interpolator.GLOBALS);
            d.variables().forEach(v -> defined.add(v.name()));
            List<String> texts = new ArrayList<>();
            d.queries().forEach(q -> texts.add(q.text()));
            d.variables().forEach(v -> texts.add(v.query()));
            for (String text : texts) {
                Matcher m = REFERENCE.matcher(text);
                while (m.find()) {
                    String name = referencedName(m);
                    assertThat(defined)
                            .as(d.uid() + ": $" + name + " in " + text)
                            .contains(name);
                }
            }
        }
    }

    @Test
    void givenEachDashboard_thenItLinksToTheOthersAndOffersTheQuickRanges() {
        for (Dashboard d : dashboards) {
            JsonNode links = d.json().path("links");
            boolean linked = false;
            for (JsonNode l : links) {
                linked |= l.path("type").asText().equals("dashboards")
                        && l.path("tags").toString().contains("\"token-monitor\"")
                        && l.path("keepTime").asBoolean()
                        && l.path("includeVars").asBoolean();
            }
            assertThat(linked)
                    .as(d.uid() + ": a dashboards link by tag token-monitor keeping time and variables")
                    .isTrue();
            List<String> ranges = new ArrayList<>();
            d.json()
                    .path("timepicker")
                    .path("quick_ranges")
                    .forEach(r -> ranges.add(r.path("from").asText()));
            assertThat(ranges).as(d.uid() + " time picker").containsAll(QUICK_RANGES);
        }
    }

    @Test
    void givenDataLinksInPanels_thenTheyPointToExistingDashboardsAndVariables() {
        Map<String, Dashboard> byUid = dashboards.stream().collect(Collectors.toMap(Dashboard::uid, d -> d));
        for (Dashboard d : dashboards) {
            Matcher m = DASHBOARD_LINK.matcher(d.json().toString());
            while (m.find()) {
                checkLink(byUid, d.uid() + " data link", m.group(1), m.group(2));
            }
        }
    }

    @Test
    void givenAlertRules_thenEveryDashboardUrlNamesAnExistingDashboardAndVariable() throws IOException {
        JsonNode rules = new ObjectMapper(new YAMLFactory())
                .readTree(
                        RepoPaths.root().resolve("prometheus/rules/alerts.yml").toFile());
        Map<String, Dashboard> byUid = dashboards.stream().collect(Collectors.toMap(Dashboard::uid, d -> d));
        int checked = 0;
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String url = rule.path("annotations").path("dashboard_url").asText("");
                Matcher m = DASHBOARD_LINK.matcher(url);
                if (m.find()) {
                    checkLink(byUid, "alert " + rule.path("alert").asText(), m.group(1), m.group(2));
                    checked++;
                }
            }
        }
        assertThat(checked).as("alerts with a dashboard_url").isPositive();
    }

    /** Dollars and counts on one axis flatten the dollars (a few USD against thousands of requests). */
    @Test
    void givenCostAndRequestsPanel_thenDollarsAndRequestsHaveTheirOwnUnitAndAxis() {
        JsonNode panel = panel("tm-overview", "Cost (USD per bucket) and requests");
        Map<String, String> usd = overrideProperties(panel, "usd");
        Map<String, String> requests = overrideProperties(panel, "requests");
        assertThat(usd).containsEntry("unit", "currencyUSD");
        assertThat(requests.get("unit")).as("requests unit").isNotNull().isNotEqualTo(usd.get("unit"));
        assertThat(requests.get("custom.axisPlacement"))
                .as("requests axis")
                .isNotNull()
                .isNotEqualTo(usd.getOrDefault("custom.axisPlacement", "auto"));
    }

    /** The table says "requests and failures": it needs a failures column (DashboardQueriesIT checks it has data). */
    @Test
    void givenRequestsAndFailuresTable_thenItCountsFailedAttemptsInAColumnOfTheirOwn() {
        JsonNode panel = panel("tm-performance", "Requests and failures in the range by channel and model");
        List<String> exprs = new ArrayList<>();
        panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
        assertThat(exprs).as("queries").anyMatch(e -> e.contains("increase(newapi_usage_request_errors_total"));
        assertThat(panel.path("transformations").toString())
                .as("a column named failures")
                .contains(":\"failures\"");
    }

    /**
     * "Right now" means now: a fixed window (not one that grows with the range, as $__rate_interval
     * does at 30 days) and the panel's own range ending now (timeFrom: Grafana's
     * applyPanelTimeOverrides in public/app/features/dashboard/utils/panel.ts sets it to now-X .. now),
     * evaluated as an instant query.
     */
    @Test
    void givenRightNowStats_thenTheirQueriesDoNotDependOnTheDashboardRange() {
        Pattern rangeDependent = Pattern.compile("\\$__(rate_interval|interval|range|from|to)");
        for (String title :
                List.of("Requests / min", "Tokens / min", "Spend (USD / hour)", "Channels enabled / disabled")) {
            JsonNode panel = panel("tm-overview", title);
            assertThat(panel.path("timeFrom").asText()).as(title + " timeFrom").matches("\\d+[mh]");
            for (JsonNode t : panel.path("targets")) {
                assertThat(t.path("instant").asBoolean()).as(title + " instant").isTrue();
                assertThat(t.path("range").asBoolean(false))
                        .as(title + " range")
                        .isFalse();
                assertThat(rangeDependent.matcher(t.path("expr").asText()).find())
                        .as(title + ": " + t.path("expr").asText())
                        .isFalse();
            }
        }
    }

    /**
     * A bar of increase(x[w]) counts the events of the last w before it. Bars are one step apart,
     * and Grafana's step for a Prometheus query is $__interval; $__rate_interval is at least four
     * scrape intervals longer, so with it every event is counted in up to four bars.
     */
    @Test
    void givenCountPanels_thenIncreaseWindowsAreTheStepSoEachEventIsInOneBar() {
        Pattern increase = Pattern.compile("increase\\([^\\[]*\\[(\\$\\w+)]");
        int checked = 0;
        for (Dashboard d : dashboards) {
            for (JsonNode p : d.panels()) {
                for (JsonNode t : p.path("targets")) {
                    Matcher m = increase.matcher(t.path("expr").asText());
                    while (m.find()) {
                        String where = d.uid() + " / " + p.path("title").asText();
                        assertThat(m.group(1)).as(where + ": increase window").isIn("$__interval", "$__range");
                        if (m.group(1).equals("$__interval")) {
                            assertThat(p.path("interval").asText())
                                    .as(where + ": min interval of 1m or more, two samples a bar")
                                    .matches("[1-9]\\d*[mh]");
                            checked++;
                        }
                    }
                }
            }
        }
        assertThat(checked).as("count panels").isPositive();
    }

    /**
     * As the original UI: the duration text (not the row) amber over 2 s and red over 5 s. Grafana
     * colours a value from a step's value on (>=), and New API's use_time is whole seconds, so the
     * steps are 3 and 6; below them the cell keeps the table's text colour.
     */
    @Test
    void givenSlowestRequests_thenOnlyTheDurationTextIsColouredAmberOverTwoAndRedOverFiveSeconds() {
        JsonNode panel = panel("tm-performance", "Top 20 slowest requests");
        JsonNode duration = null;
        for (JsonNode o : panel.path("fieldConfig").path("overrides")) {
            if (o.path("matcher").path("options").asText().equals("use_time_seconds")) {
                duration = o;
            }
        }
        assertThat(duration).as("use_time_seconds override").isNotNull();
        Map<String, String> props = overrideProperties(panel, "use_time_seconds");
        assertThat(props.get("custom.cellOptions")).as("cell options").contains("\"color-text\"");
        List<String> steps = new ArrayList<>();
        for (JsonNode p : duration.path("properties")) {
            if (p.path("id").asText().equals("thresholds")) {
                p.path("value")
                        .path("steps")
                        .forEach(st -> steps.add(st.path("color").asText() + "@"
                                + st.path("value").asText()));
            }
        }
        assertThat(steps).containsExactly("transparent@null", "#FF9830@3", "red@6");
        assertThat(panel.path("description").asText()).as("description").contains("whole seconds");
    }

    /**
     * The dashboards are written against one version of the SQLite plugin (macros, escaping): compose
     * installs exactly it. Grafana reads each entry as id@version[@url] (processPreinstallPlugins in
     * pkg/setting/setting_plugins.go).
     */
    @Test
    void givenCompose_thenTheSqlitePluginIsPinnedToAVersion() throws IOException {
        JsonNode compose = new ObjectMapper(new YAMLFactory())
                .readTree(RepoPaths.root().resolve("docker-compose.yml").toFile());
        String plugins = compose.path("services")
                .path("grafana")
                .path("environment")
                .path("GF_PLUGINS_PREINSTALL_SYNC")
                .asText();
        assertThat(List.of(plugins.split(",")))
                .as("GF_PLUGINS_PREINSTALL_SYNC")
                .anyMatch(e -> e.trim().matches("frser-sqlite-datasource@\\d+\\.\\d+\\.\\d+"))
                // 4.0.0 is the first to refuse ATTACH (which opens any file Grafana may write, its own grafana.db too)
                .anyMatch(e -> e.trim().matches("frser-sqlite-datasource@([4-9]|\\d{2,})\\.\\d+\\.\\d+"));
    }

    /**
     * {@code mode=ro} covers only the store as the datasource's main database: any Viewer's SQL may
     * {@code ATTACH} the store again, read-write, or create a file beside it. Grafana gets the
     * exporter's volume read-only, and the datasource's path lies inside that mount
     * (StoreMountedReadOnlyIT shows what SQLite does there).
     */
    @Test
    void givenCompose_thenGrafanaMountsTheExportersStoreReadOnly() throws IOException {
        JsonNode grafanaService = new ObjectMapper(new YAMLFactory())
                .readTree(RepoPaths.root().resolve("docker-compose.yml").toFile())
                .path("services")
                .path("grafana");
        List<String> volumes = new ArrayList<>();
        grafanaService.path("volumes").forEach(v -> volumes.add(v.asText()));
        assertThat(volumes).as("grafana volumes").contains("exporter-data:/var/lib/token-monitor:ro");
        assertThat(provisioning
                        .datasource("tm-store")
                        .path("jsonData")
                        .path("path")
                        .asText())
                .as("tm-store path")
                .startsWith("/var/lib/token-monitor/");
    }

    /**
     * A filter that matches nothing is zero tokens, requests or dollars, not "No data" (SUM over no
     * rows is NULL, rate over no series is empty). The error ratio of nothing stays without a value.
     */
    @Test
    void givenCountAndCostStats_whenNothingMatches_thenTheyShowZero() {
        Map<String, List<String>> stats = Map.of(
                "tm-overview",
                        List.of(
                                "Input tokens",
                                "Output tokens",
                                "Requests",
                                "Active models",
                                "Cost (USD)",
                                "Requests / min",
                                "Tokens / min",
                                "Spend (USD / hour)"),
                "tm-logs", List.of("Rows", "Total tokens", "Cost (USD)", "Failed attempts"));
        stats.forEach((uid, titles) -> titles.forEach(title -> assertThat(panel(uid, title)
                        .path("fieldConfig")
                        .path("defaults")
                        .path("noValue")
                        .asText())
                .as(uid + " / " + title + " noValue")
                .isEqualTo("0")));
    }

    /** Series split by a column of the store are named by its value ("gpt-4o"), not "tokens gpt-4o". */
    /**
     * Issue 9: rate() over every raw histogram series for a 7d/30d range is slow; the Performance
     * percentiles and averages read the 5m bucket/sum/count rates the recording rules keep per
     * job/instance/channel/model. A raw {@code _bucket}/{@code _sum}/{@code _count} series name
     * (not preceded by {@code :}, as recorded names are) means a panel went back to the raw histogram.
     */
    @Test
    void givenPerformancePanels_thenNoQueryReadsARawHistogramSeries() {
        Pattern rawBucket = Pattern.compile("(?<![:\\w])newapi_\\w+_seconds_(bucket|sum|count)\\b");
        Dashboard performance = Dashboard.byUid(dashboards, "tm-performance");
        int quantiles = 0;
        for (Dashboard.PanelQuery q : performance.queries()) {
            assertThat(rawBucket.matcher(q.text()).find())
                    .as(q.where() + ": " + q.text())
                    .isFalse();
            if (q.text().contains("histogram_quantile")) {
                quantiles++;
            }
        }
        assertThat(quantiles).as("Performance queries with histogram_quantile").isPositive();
    }

    @Test
    void givenStoreSeriesSplitByAColumn_thenTheLegendIsTheColumnsValue() {
        Map<String, String> panels = Map.of(
                "tm-overview|Tokens by model (stacked)", "model", "tm-logs|Matching rows per bucket by kind", "kind");
        panels.forEach((key, label) -> {
            String[] k = key.split("\\|");
            assertThat(panel(k[0], k[1])
                            .path("fieldConfig")
                            .path("defaults")
                            .path("displayName")
                            .asText())
                    .as(key + " displayName")
                    .isEqualTo("${__field.labels." + label + "}");
        });
    }

    /**
     * The Tokens & users dashboard: its store queries read the key, user and group filters (the
     * links of the key and user alerts set them), and the top keys, users and groups link to the
     * Logs dashboard filtered to exactly that key (by id: names repeat), user or group, keeping the range.
     */
    @Test
    void givenTokensDashboard_thenStoreQueriesFilterByKeyUserAndGroupAndTopTablesLinkToTheirLogs() {
        Dashboard tokens = Dashboard.byUid(dashboards, "tm-tokens");
        for (Dashboard.PanelQuery q : tokens.queries()) {
            if (q.isSqlite()) {
                assertThat(q.text())
                        .as(q.where() + " filters")
                        .contains("${token_id:sqlstring}", "${user_id:sqlstring}", "${group:sqlstring}");
            }
        }
        Map<String, String> links = Map.of(
                "Top keys by spend",
                "/d/tm-logs?var-token_id=${__data.fields.token_id}&${group:queryparam}&${__url_time_range}",
                "Top users by spend",
                "/d/tm-logs?var-user=${__data.fields.username}&${token_id:queryparam}&${group:queryparam}"
                        + "&${__url_time_range}",
                "Top groups by spend",
                "/d/tm-logs?var-group=${__data.fields.group}&${token_id:queryparam}&${__url_time_range}",
                "API keys",
                "/d/tm-logs?var-token_id=${__data.fields.token_id}&${group:queryparam}&${__url_time_range}");
        links.forEach((title, url) -> assertThat(
                        panel("tm-tokens", title).path("fieldConfig").toString())
                .as(title + " data link")
                .contains("\"url\":\"" + url + "\""));
        for (String title : List.of("Top keys by spend", "Top users by spend", "Top groups by spend")) {
            assertThat(overrideProperties(panel("tm-tokens", title), "spend_usd"))
                    .as(title + " spend unit")
                    .containsEntry("unit", "currencyUSD");
        }
    }

    /** Each optional family of docs/metrics.md (OPTIONAL_LABELS) has panels: before issue 15 none showed them. */
    @Test
    void givenOptionalUsageFamilies_thenTheTokensDashboardDrawsEachOfThem() {
        Dashboard tokens = Dashboard.byUid(dashboards, "tm-tokens");
        String all = tokens.queries().stream().map(Dashboard.PanelQuery::text).collect(Collectors.joining("\n"));
        for (String family : List.of("group", "token", "user")) {
            for (String metric : List.of("requests_total", "tokens_total", "quota_total", "quota_refunded_total")) {
                assertThat(all)
                        .as("newapi_" + family + "_usage_" + metric)
                        .contains("newapi_" + family + "_usage_" + metric + "{");
            }
        }
    }

    /**
     * The Models dashboard (the original 模型分析 and 模型状态 pages): the per-model table has every
     * column of the page and links each model to its logs; the status panels colour a success rate
     * green from 95 %, amber from 80 %, red below, each over its own fixed window ending now.
     */
    @Test
    void givenModelsDashboard_thenTheTableHasThePagesColumnsAndStatusPanelsTheirThresholdsAndWindows() {
        JsonNode table = panel("tm-models", "Per model");
        String sql = table.path("targets").get(0).path("rawQueryText").asText();
        for (String column : List.of(
                " AS cost_usd",
                " AS error_ratio",
                " AS avg_latency_s",
                " AS p95_latency_s",
                " AS avg_ttft_s",
                " AS p95_ttft_s",
                "u.requests",
                "u.input_tokens",
                "u.output_tokens")) {
            assertThat(sql).as("Per model column " + column).contains(column);
        }
        assertThat(overrideProperties(table, "model").get("links"))
                .as("Per model: model links to its logs")
                .contains("\"url\":\"/d/tm-logs?var-model=${__data.fields.model}&${channel_id:queryparam}"
                        + "&${__url_time_range}\"");
        for (String title : List.of("Top 10 models by requests", "Top 10 models by tokens")) {
            JsonNode top = panel("tm-models", title);
            assertThat(top.path("targets").get(0).path("rawQueryText").asText())
                    .as(title)
                    .contains("LIMIT 10");
            assertThat(top.path("fieldConfig").path("defaults").path("links").toString())
                    .as(title + " links")
                    .contains("/d/tm-logs?var-model=${__data.fields.model}");
        }
        for (String noun : List.of("Model", "Channel")) {
            for (String window : List.of("1h", "6h", "24h")) {
                JsonNode status = panels("tm-models").stream()
                        .filter(p -> p.path("title").asText().startsWith(noun + " success rate, last " + window + " "))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no " + noun + " status panel for " + window));
                assertThat(status.path("type").asText()).as(noun + " " + window).isEqualTo("status-history");
                assertThat(status.path("timeFrom").asText())
                        .as(noun + " " + window + " timeFrom")
                        .isEqualTo(window);
                List<String> steps = new ArrayList<>();
                status.path("fieldConfig")
                        .path("defaults")
                        .path("thresholds")
                        .path("steps")
                        .forEach(st -> steps.add(st.path("color").asText() + "@"
                                + st.path("value").asText()));
                assertThat(steps)
                        .as(noun + " " + window + " thresholds")
                        .containsExactly("red@null", "#FF9830@0.8", "green@0.95");
                assertThat(status.path("fieldConfig")
                                .path("defaults")
                                .path("unit")
                                .asText())
                        .isEqualTo("percentunit");
            }
            JsonNode counts = panel("tm-models", noun + "s healthy / warning / critical (last 1 h)");
            assertThat(counts.path("timeFrom").asText()).isEqualTo("1h");
            String countSql = counts.path("targets").get(0).path("rawQueryText").asText();
            assertThat(countSql)
                    .as(noun + " counts")
                    .contains(">= 0.95 THEN 1 END) AS healthy", ">= 0.8 AND", "< 0.8 THEN 1 END) AS critical");
        }
    }

    /**
     * Issue 16 item 7: an id of the Logs table opens its row under Selected row. The link is this
     * dashboard with the current URL's parameters except var-log_id, then var-log_id of the clicked
     * row. Grafana 12 writes every variable and the range into the URL when a dashboard loads
     * (updateUrlOnInit in public/app/features/dashboard-scene/pages/DashboardScenePage.tsx), so
     * {@code ${__url.params:exclude:…}} keeps every filter and the range; without the exclude a second
     * click would send var-log_id twice, which TextBoxVariable.updateFromUrl (grafana/scenes) gets as an
     * array and ignores. The Selected row panel sits above the table and reads only Row id; the
     * Performance dashboard's slowest requests open their row there too.
     */
    @Test
    void givenLogsTableIdLink_whenClicked_thenItSetsRowIdOnceAndKeepsEveryFilterAndTheRange() throws IOException {
        Dashboard logs = Dashboard.byUid(dashboards, "tm-logs");
        Variable logId = logs.variables().stream()
                .filter(v -> v.name().equals("log_id"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("tm-logs: no variable log_id"));
        assertThat(logId.type()).as("log_id type").isEqualTo("textbox");
        assertThat(logId.currentValue()).as("log_id default").isEmpty();
        JsonNode table = panel("tm-logs", "Logs");
        JsonNode selected = panel("tm-logs", "Selected row: every field");
        assertThat(selected.path("gridPos").path("y").asInt())
                .as("Selected row above the Logs table")
                .isLessThan(table.path("gridPos").path("y").asInt());
        assertThat(selected.path("targets").get(0).path("rawQueryText").asText())
                .as("Selected row reads Row id")
                .contains("${log_id:sqlstring}")
                .doesNotContain("${q:sqlstring}", "${channel_id:sqlstring}");

        JsonNode links =
                new ObjectMapper().readTree(overrideProperties(table, "id").getOrDefault("links", "[]"));
        assertThat(links.size()).as("links of the id column").isEqualTo(1);
        String url = links.get(0).path("url").asText();
        assertThat(url).as("id link").startsWith("/d/tm-logs");
        String location = "?orgId=1&from=now-6h&to=now&timezone=browser&var-job=%24__all&var-channel_id=3"
                + "&var-model=gpt-4o&var-model=it%27s-a-model&var-kind=error&var-q=%22error_code%22%3A"
                + "&var-token_id=7&var-group=vip+users&var-limit=500&var-log_id=41&refresh=1m";
        String clicked = dataLink(url, location, Map.of("id", "42"));
        assertThat(clicked).as("link").startsWith("/d/tm-logs?");
        Map<String, List<String>> params = queryParams(clicked.substring(clicked.indexOf('?') + 1));
        Map<String, List<String>> expected = queryParams(location.substring(1));
        expected.put("var-log_id", List.of("42"));
        assertThat(params).as(clicked).isEqualTo(expected);

        assertThat(overrideProperties(panel("tm-performance", "Top 20 slowest requests"), "id")
                        .get("links"))
                .as("a slow request's id opens its row in the logs")
                .contains("var-log_id=${__data.fields.id}");
    }

    /** A link's URL in a panel's JSON (its data links and panel links). */
    private static final Pattern LINK_URL = Pattern.compile("\"url\":\"(/d/[^\"]*)\"");

    /**
     * A link from a panel to another dashboard (the Logs, mostly) opens the rows its clicked value was counted from:
     * it carries every variable of the panel's queries that the target dashboard also has — the channel, model, key,
     * user and group filters, the fleet's gateway — from the clicked row ({@code var-x=${__data.fields.…}}) or as the
     * variable's current selection ({@code ${x:queryparam}}). A top-10 of error texts filtered to one channel used to
     * open that text's rows on every channel. Exempt: links that open one row ({@code var-log_id}) or keep the whole
     * URL ({@code ${__url.params}}); {@code limit} is how many rows a dashboard shows, not a filter.
     */
    @Test
    void givenLinkToAnotherDashboard_thenItCarriesTheFiltersOfThePanelsQueries() {
        Map<String, Dashboard> byUid = dashboards.stream().collect(Collectors.toMap(Dashboard::uid, d -> d));
        List<String> dropped = new ArrayList<>();
        int checked = 0;
        for (Dashboard d : dashboards) {
            for (JsonNode panel : d.panels()) {
                Set<String> used = new java.util.TreeSet<>();
                for (JsonNode target : panel.path("targets")) {
                    Matcher m = REFERENCE.matcher(target.path("expr").asText() + " "
                            + target.path("rawQueryText").asText());
                    while (m.find()) {
                        used.add(referencedName(m));
                    }
                }
                Matcher link = LINK_URL.matcher(panel.path("fieldConfig").toString() + panel.path("links"));
                while (link.find()) {
                    String url = link.group(1);
                    Dashboard target = byUid.get(url.replaceFirst("^/d/([\\w-]+).*", "$1"));
                    if (target == null || url.contains("var-log_id=") || url.contains("${__url.params")) {
                        continue;
                    }
                    for (Variable v : target.variables()) {
                        String name = v.name();
                        if (used.contains(name)
                                && !name.equals("limit")
                                && !url.contains("var-" + name + "=")
                                && !url.contains("${" + name + ":queryparam}")) {
                            dropped.add(d.uid() + " / " + panel.path("title").asText() + " → " + url + ": " + name);
                        }
                    }
                    checked++;
                }
            }
        }
        assertThat(checked).as("links checked").isGreaterThanOrEqualTo(20);
        assertThat(dropped).as("links that drop a filter of their panel").isEmpty();
    }

    /**
     * The Errors top 10 texts link with two channels and All models selected, resolved with Grafana's {@code
     * queryparam} format (Interpolator): the Logs dashboard gets both channels, All models and the text.
     */
    @Test
    void givenErrorTextsFilteredToTwoChannels_whenATextIsClicked_thenTheLogsShowThoseChannels() {
        String url = firstDashboardLink(panel("tm-errors", "Top 10 error texts"));
        Interpolator vars = new Interpolator(
                Instant.EPOCH, Instant.EPOCH.plusSeconds(3600), Duration.ofMinutes(1), Duration.ofSeconds(15));
        vars.set("channel_id", new Interpolator.Value(List.of("1", "5"), null, false));
        vars.set("model", new Interpolator.Value(List.of(), "'|.*|'", false));
        String resolved = vars.apply(url, false)
                .replace("${__data.fields.error:percentencode}", "rate%20limit")
                .replace("&${__url_time_range}", "");
        Map<String, List<String>> params = queryParams(resolved.substring(resolved.indexOf('?') + 1));
        assertThat(params)
                .as(resolved)
                .containsEntry("var-channel_id", List.of("1", "5"))
                .containsEntry("var-model", List.of("$__all"))
                .containsEntry("var-kind", List.of("error"))
                .containsEntry("var-q", List.of("rate limit"));
        Map<String, Variable> logs = Dashboard.byUid(dashboards, "tm-logs").variables().stream()
                .collect(Collectors.toMap(Variable::name, v -> v));
        for (String name : List.of("channel_id", "model")) {
            assertThat(logs.get(name).multi() && logs.get(name).includeAll())
                    .as("tm-logs " + name + " takes several values and All")
                    .isTrue();
        }
        vars.set("model", new Interpolator.Value(List.of("it's a/model+1"), null, false));
        assertThat(vars.apply("${model:queryparam}", false))
                .as("encodeURIComponentAsAngularJS")
                .isEqualTo("var-model=it's%20a%2Fmodel%2B1");
    }

    private static String firstDashboardLink(JsonNode panel) {
        Matcher link = LINK_URL.matcher(panel.path("fieldConfig").toString());
        assertThat(link.find()).as(panel.path("title").asText() + " has a link").isTrue();
        return link.group(1);
    }

    private static final Pattern LINK_VARIABLE = Pattern.compile("\\$\\{([^}:]+)(?::([^}]*))?}");

    /**
     * A data link's URL as Grafana's scene interpolator builds it from the current location's search:
     * {@code ${__url.params}} with the formats exclude and include (UrlStateFormatter in grafana/scenes
     * packages/scenes/src/variables/macros/urlMacros.ts: URLSearchParams, delete each listed key,
     * {@code "?" + params}) and {@code ${__data.fields.x}}. Anything else is not emulated and fails.
     */
    private static String dataLink(String url, String search, Map<String, String> fields) {
        Matcher m = LINK_VARIABLE.matcher(url);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group(1).equals("__url.params")) {
                replacement = urlParams(search, m.group(2));
            } else if (m.group(1).startsWith("__data.fields.") && m.group(2) == null) {
                replacement = fields.get(m.group(1).substring("__data.fields.".length()));
            } else {
                throw new AssertionError(m.group() + " in a data link is not emulated by this test");
            }
            assertThat(replacement).as(m.group()).isNotNull();
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String urlParams(String search, String format) {
        if (format == null || format.isEmpty()) {
            return search;
        }
        String[] parts = format.split(":");
        if (parts.length < 2 || !(parts[0].equals("exclude") || parts[0].equals("include"))) {
            return search;
        }
        List<String> keys = List.of(parts[1].split(","));
        boolean exclude = parts[0].equals("exclude");
        List<String> kept = new ArrayList<>();
        for (String pair : search.replaceFirst("^\\?", "").split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (keys.contains(key) != exclude) {
                // URLSearchParams serialises as application/x-www-form-urlencoded, as URLEncoder does
                kept.add(encode(key) + "=" + encode(value));
            }
        }
        return "?" + String.join("&", kept);
    }

    /** The parameters of a query string, each with its values in order. */
    private static Map<String, List<String>> queryParams(String query) {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            out.computeIfAbsent(decode(eq < 0 ? pair : pair.substring(0, eq)), k -> new ArrayList<>())
                    .add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return out;
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The Channels dashboard (the original 渠道监控 page) and the Overview's per-channel table: every
     * channel's type (named by New API's constant/channel.go), failed attempts and error ratio, the
     * channel linked to its logs; three top-10 bars linked likewise; and the stacked model charts
     * draw the {@code top} models by name and the rest as one series "others".
     */
    @Test
    void givenChannelsDashboard_thenTablesHaveTypeAndErrorRatioAndModelChartsDrawTopNAndOthers() {
        for (String uid : List.of("tm-channels", "tm-overview")) {
            JsonNode table = panel(uid, "Per channel");
            String sql = table.path("targets").get(0).path("rawQueryText").asText();
            assertThat(sql)
                    .as(uid + " Per channel columns")
                    .contains(" AS channel_type", " AS errors", " AS error_ratio", " AS cost_usd", " AS avg_latency_s");
            List<String> prom = new ArrayList<>();
            table.path("targets").forEach(t -> prom.add(t.path("expr").asText()));
            assertThat(prom)
                    .as(uid + " Per channel: status, balance and test response time")
                    .anyMatch(e -> e.contains("newapi_channel_status{"))
                    .anyMatch(e -> e.contains("newapi_channel_balance_usd{"))
                    .anyMatch(e -> e.contains("newapi_channel_test_response_time_seconds{"));
            assertThat(overrideProperties(table, "channel").get("links"))
                    .as(uid + " Per channel: channel links to its logs")
                    .contains("\"url\":\"/d/tm-logs?var-channel_id=${__data.fields.channel_id}&${gateway:queryparam}"
                            + "&${job:queryparam}&${instance:queryparam}&${model:queryparam}&${__url_time_range}\"");
            assertThat(overrideProperties(table, "error_ratio")).containsEntry("unit", "percentunit");
            // ChannelTypeNames of New API's constant/channel.go
            assertThat(overrideProperties(table, "channel_type").get("mappings"))
                    .as(uid + " channel type names")
                    .contains(
                            "\"1\":{\"text\":\"OpenAI\"",
                            "\"3\":{\"text\":\"Azure\"",
                            "\"14\":{\"text\":\"Anthropic\"",
                            "\"24\":{\"text\":\"Gemini\"",
                            "\"43\":{\"text\":\"DeepSeek\"");
        }
        assertThat(sqlOf(panel("tm-channels", "Per channel")))
                .as("tm-channels Per channel tokens")
                .contains(" AS tokens");
        for (String title :
                List.of("Top 10 channels by requests", "Top 10 channels by tokens", "Top 10 channels by cost (USD)")) {
            JsonNode top = panel("tm-channels", title);
            assertThat(top.path("type").asText()).as(title).isEqualTo("bargauge");
            assertThat(sqlOf(top)).as(title).contains("LIMIT 10");
            assertThat(top.path("fieldConfig").path("defaults").path("links").toString())
                    .as(title + " links")
                    .contains("/d/tm-logs?var-channel_id=${__data.fields.channel_id}");
        }
        assertThat(panel("tm-channels", "Top 10 channels by cost (USD)")
                        .path("fieldConfig")
                        .path("defaults")
                        .path("unit")
                        .asText())
                .isEqualTo("currencyUSD");
        Map<String, String> stacked = Map.of(
                "tm-channels",
                "Tokens by model, top N and others (stacked)",
                "tm-overview",
                "Tokens by model (stacked)");
        stacked.forEach((uid, title) -> {
            JsonNode chart = panel(uid, title);
            assertThat(sqlOf(chart))
                    .as(uid + " / " + title)
                    .contains("LIMIT CAST(${top:sqlstring} AS INTEGER)", "ELSE 'others' END AS model");
            assertThat(chart.path("fieldConfig")
                            .path("defaults")
                            .path("displayName")
                            .asText())
                    .isEqualTo("${__field.labels.model}");
            Variable top = Dashboard.byUid(dashboards, uid).variables().stream()
                    .filter(v -> v.name().equals("top"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(uid + ": no variable top"));
            assertThat(top.type()).isEqualTo("custom");
            assertThat(top.query()).isEqualTo("5,10,20");
            assertThat(top.currentValue()).isEqualTo("10");
        });
    }

    private static String sqlOf(JsonNode panel) {
        return panel.path("targets").get(0).path("rawQueryText").asText();
    }

    /**
     * The Errors dashboard (the original's 错误日志 page): the grouped table has the page's columns,
     * reads other only through json_valid (json_extract fails on text that is not JSON), links each
     * group to Logs with its channel, model, kind error and text, and says why it may be empty; the
     * banner tells One API (no error rows) from New API by the mapping Grafana applies.
     */
    @Test
    void givenErrorsDashboard_thenTheTableGroupsLinksAndExplainsAndTheBannerNamesOneApi() {
        JsonNode table = panel("tm-errors", "Failures by channel, model, status and error text");
        String sql = table.path("targets").get(0).path("rawQueryText").asText();
        for (String column : List.of(
                " AS channel,",
                "g.channel_id",
                "g.model",
                "g.status_class",
                " AS status_code",
                " AS error_type",
                " AS error_code",
                " AS error\n",
                " AS count",
                " AS first_seen",
                " AS last_seen",
                "ORDER BY g.count DESC")) {
            assertThat(sql).as("grouped table: " + column).contains(column);
        }
        assertThat(count(sql, "json_extract(l.other"))
                .as("json_extract, each behind json_valid")
                .isEqualTo(count(sql, "WHEN json_valid(l.other) THEN json_extract(l.other"))
                .isEqualTo(3);
        assertThat(table.path("fieldConfig").path("defaults").path("links").toString())
                .as("grouped table: link to the group's rows")
                .contains("\"url\":\"/d/tm-logs?var-channel_id=${__data.fields.channel_id}"
                        + "&var-model=${__data.fields.model:percentencode}&var-kind=error"
                        + "&var-q=${__data.fields.error:percentencode}&${__url_time_range}\"");
        for (String title : List.of(
                "Failures by channel, model, status and error text",
                "Failed attempts per bucket by status class",
                "Top 10 error texts",
                "Failed attempts by channel and status class")) {
            assertThat(panel("tm-errors", title)
                            .path("fieldConfig")
                            .path("defaults")
                            .path("noValue")
                            .asText())
                    .as(title + ": why it may be empty")
                    .contains("One API", "ERROR_LOG_ENABLED=true");
        }
        JsonNode banner = panel("tm-errors", "Error logging");
        assertThat(banner.path("datasource").path("uid").asText()).isEqualTo("tm-prometheus");
        assertThat(banner.path("targets").get(0).path("expr").asText())
                .contains("newapi_build_info{", "source_flavor=\"one-api\"", "or vector(0)");
        JsonNode mappings = banner.path("fieldConfig").path("defaults").path("mappings");
        assertThat(mappedText(mappings, 1)).as("banner at 1").contains("One API writes no error rows");
        assertThat(mappedText(mappings, 0)).as("banner at 0").contains("New API", "ERROR_LOG_ENABLED=true");
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /**
     * The text Grafana shows for a number under value mappings: the first "value" mapping whose
     * options hold the number as a key (getValueMappingResult in
     * packages/grafana-data/src/utils/valueMappings.ts: {@code vm.options[value]}, a JavaScript
     * property lookup, so the key is the number as JavaScript prints it: 1 → "1").
     */
    private static String mappedText(JsonNode mappings, long value) {
        for (JsonNode m : mappings) {
            JsonNode result = m.path("options").path(Long.toString(value));
            if (m.path("type").asText().equals("value") && !result.isMissingNode()) {
                return result.path("text").asText();
            }
        }
        return null;
    }

    private List<JsonNode> panels(String uid) {
        return Dashboard.byUid(dashboards, uid).panels();
    }

    private JsonNode panel(String uid, String title) {
        Dashboard d = Dashboard.byUid(dashboards, uid);
        return d.panels().stream()
                .filter(p -> p.path("title").asText().equals(title))
                .findFirst()
                .orElseThrow(() -> new AssertionError(uid + ": no panel \"" + title + "\""));
    }

    /** The properties (id → value as text) of the panel's byName override for {@code field}. */
    private static Map<String, String> overrideProperties(JsonNode panel, String field) {
        Map<String, String> out = new java.util.HashMap<>();
        for (JsonNode o : panel.path("fieldConfig").path("overrides")) {
            if (o.path("matcher").path("id").asText().equals("byName")
                    && o.path("matcher").path("options").asText().equals(field)) {
                o.path("properties")
                        .forEach(p -> out.put(
                                p.path("id").asText(),
                                p.path("value").isTextual()
                                        ? p.path("value").asText()
                                        : p.path("value").toString()));
            }
        }
        return out;
    }

    private static void checkLink(Map<String, Dashboard> byUid, String where, String uid, String query) {
        assertThat(byUid).as(where + ": /d/" + uid).containsKey(uid);
        if (query == null) {
            return;
        }
        Set<String> vars =
                byUid.get(uid).variables().stream().map(Variable::name).collect(Collectors.toSet());
        Matcher v = Pattern.compile("var-(\\w+)=").matcher(query);
        while (v.find()) {
            assertThat(vars).as(where + ": var-" + v.group(1) + " on " + uid).contains(v.group(1));
        }
    }
}
