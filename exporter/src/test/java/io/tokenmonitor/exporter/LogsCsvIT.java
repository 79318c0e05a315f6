package io.tokenmonitor.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import io.tokenmonitor.common.testing.GatewayDatabase;
import io.tokenmonitor.common.testing.GatewayDatabase.Flavor;
import io.tokenmonitor.common.testing.TestLog;
import io.tokenmonitor.exporter.config.ExporterConfig;
import io.tokenmonitor.exporter.testing.Await;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/v1/logs.csv} of an exporter synced from a New API gateway on MariaDB: the rows of a filter are exactly
 * the rows the gateway's own {@code SELECT … WHERE …} returns (ids, keys, tokens, quota, in order), cost as the Logs
 * dashboard computes it, and a hostile content cell arrives intact but defused.
 */
class LogsCsvIT {
    private static final String PASSWORD = "csv-export-it";
    private static final String HOSTILE = "=HYPERLINK(\"http://evil\",\"x\"),\n第二行 502";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void givenASyncedGateway_whenAFilterIsExported_thenTheRowsAreTheGatewaysOwn() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        long start = now - 5 * 86_400;
        long end = now - 3_600;
        try (GatewayDatabase db = GatewayDatabase.create(Dialect.MYSQL, Flavor.NEW_API, dir)) {
            List<TestLog> rows = new ArrayList<>(TestLog.traffic(new Random(16), 6_000, start, end, 3, 3));
            rows.add(new TestLog(5, end - 100, 2, "model-1", "default", "bob", 0, 0, 0, 0, false, HOSTILE, "{}"));
            db.insert(rows);
            db.execute("UPDATE logs SET token_id = 2 WHERE id % 3 = 0");

            Map<String, String> env = new HashMap<>();
            env.put("SQL_DSN", db.sqlDsn());
            env.put("LISTEN_ADDRESS", "127.0.0.1:0");
            env.put("STORE_PATH", dir.resolve("store.db").toString());
            env.put("ACCESS_PASSWORD", PASSWORD);
            try (Exporter exporter = Exporter.start(ExporterConfig.fromEnvironment(env, false), false)) {
                long stored = count(db, "SELECT COUNT(*) FROM logs WHERE type IN (2, 5, 6)");
                Await.until(() -> csv(exporter, "").size() - 1L, n -> n == stored, Duration.ofSeconds(90));

                long from = start + 86_400;
                long to = end - 86_400;
                // Grafana's $__from is in milliseconds and the model list in its sqlstring form, as the link sends.
                List<List<String>> byKey = csv(
                        exporter,
                        "?from=" + from * 1000 + "&to=" + to + "&channel_id=2&model=" + enc("'model-1','model-2'")
                                + "&token_id=2");
                List<List<String>> expected = rows(
                        db,
                        "SELECT id, token_id, quota, prompt_tokens, completion_tokens, username, created_at FROM logs"
                                + " WHERE type IN (2, 5, 6) AND created_at >= ? AND created_at < ? AND channel_id = 2"
                                + " AND model_name IN ('model-1', 'model-2') AND token_id = 2 ORDER BY id DESC",
                        from,
                        to);
                assertThat(expected).hasSizeGreaterThan(50);
                assertThat(project(
                                byKey,
                                "id",
                                "token_id",
                                "quota",
                                "prompt_tokens",
                                "completion_tokens",
                                "username",
                                "created_at"))
                        .isEqualTo(expected);
                int quota = byKey.get(0).indexOf("quota");
                int kind = byKey.get(0).indexOf("kind");
                int cost = byKey.get(0).indexOf("cost_usd");
                for (List<String> row : byKey.subList(1, byKey.size())) {
                    BigDecimal q = new BigDecimal(row.get(quota));
                    BigDecimal usd = switch (row.get(kind)) {
                        case "request", "settlement" -> q;
                        case "refund" -> q.negate();
                        default -> BigDecimal.ZERO;
                    };
                    assertThat(new BigDecimal(row.get(cost)))
                            .as("cost of %s", row)
                            .isEqualByComparingTo(usd.divide(BigDecimal.valueOf(500_000), 6, RoundingMode.HALF_UP));
                }

                List<List<String>> errors = csv(exporter, "?kind=error&user=bob&q=502&order=oldest&limit=40");
                List<List<String>> expectedErrors = rows(
                        db,
                        "SELECT id, token_id, quota, prompt_tokens, completion_tokens, username, created_at FROM logs"
                                + " WHERE type = 5 AND username = 'bob' AND (INSTR(content, '502') > 0"
                                + " OR INSTR(other, '502') > 0 OR INSTR(model_name, '502') > 0 OR id = 502)"
                                + " ORDER BY id ASC LIMIT 40");
                assertThat(expectedErrors).hasSize(40);
                assertThat(project(
                                errors,
                                "id",
                                "token_id",
                                "quota",
                                "prompt_tokens",
                                "completion_tokens",
                                "username",
                                "created_at"))
                        .isEqualTo(expectedErrors);

                List<List<String>> hostile = csv(exporter, "?q=" + enc("第二行"));
                assertThat(hostile).hasSize(2);
                assertThat(hostile.get(1).get(hostile.get(0).indexOf("content")))
                        .isEqualTo("'" + HOSTILE);
            }
        }
    }

    private List<List<String>> csv(Exporter exporter, String query) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporter.port() + "/api/v1/logs.csv" + query))
                        .header(
                                "Authorization",
                                "Basic "
                                        + Base64.getEncoder()
                                                .encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return parse(r.body());
    }

    /** RFC 4180, as a spreadsheet reads it. */
    static List<List<String>> parse(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                cell.append(c);
            }
        }
        assertThat(cell.length() == 0 && row.isEmpty() && !quoted)
                .as("ends with CRLF")
                .isTrue();
        return rows;
    }

    private static List<List<String>> project(List<List<String>> csv, String... columns) {
        List<String> header = csv.get(0);
        List<List<String>> out = new ArrayList<>();
        for (List<String> row : csv.subList(1, csv.size())) {
            assertThat(row).hasSameSizeAs(header);
            List<String> picked = new ArrayList<>();
            for (String column : columns) {
                picked.add(row.get(header.indexOf(column)));
            }
            out.add(picked);
        }
        return out;
    }

    private static List<List<String>> rows(GatewayDatabase db, String sql, Object... args) throws Exception {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getString(i));
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }

    private static long count(GatewayDatabase db, String sql) throws Exception {
        return Long.parseLong(rows(db, sql).get(0).get(0));
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
