package io.tokenmonitor.exporter.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.common.config.Secret;
import io.tokenmonitor.common.web.ConsoleLogin;
import io.tokenmonitor.exporter.metrics.UsageExposition;
import io.tokenmonitor.exporter.model.LogCells;
import io.tokenmonitor.exporter.model.LogFilter;
import io.tokenmonitor.exporter.model.LogSource;
import io.tokenmonitor.exporter.model.UsageTotals;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code /api/v1/logs.csv} over HTTP with a fixed set of rows: login, parameters, CSV escaping. */
class LogsCsvApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "export-pw";

    private final HttpClient http = HttpClient.newHttpClient();
    private ExporterHttpServer server;
    private final Rows rows = new Rows();

    /** A store stand-in that keeps the filter it was asked for and answers fixed rows. */
    static final class Rows implements LogSource {
        final List<LogFilter> asked = new ArrayList<>();
        final List<String[]> answer = new ArrayList<>();

        @Override
        public List<String> exportColumns() {
            return List.of("id", "content");
        }

        @Override
        public long exportLogs(LogFilter filter, LogCells cells) throws IOException {
            asked.add(filter);
            for (String[] row : answer) {
                cells.row(row);
            }
            return answer.size();
        }
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Optional<ConsoleLogin> access) throws IOException {
        server = ExporterHttpServer.start(
                new InetSocketAddress("127.0.0.1", 0),
                new PrometheusRegistry(),
                new UsageExposition(() -> UsageTotals.EMPTY, () -> true),
                () -> true,
                new WebConfig(null, Map.of(), Map.of()),
                new FakeRuleBook(),
                access,
                rows);
    }

    private void start() throws IOException {
        start(Optional.of(
                new ConsoleLogin(ConsoleLogin.ACCESS_USER, new Secret(PASSWORD), ConsoleLogin.ACCESS_PASSWORD)));
    }

    private HttpResponse<byte[]> get(String query, String password) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + LogsCsvApi.PATH + query));
        if (password != null) {
            b.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void givenNoLoginConfigured_whenAsked_then404SayingHowToSwitchItOn() throws Exception {
        start(Optional.empty());
        HttpResponse<byte[]> r = get("", null);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(text(r)).contains("ACCESS_PASSWORD");
        assertThat(rows.asked).isEmpty();
    }

    @Test
    void givenNoOrWrongCredentials_whenAsked_then401AndAfterTenWrongOnes429() throws Exception {
        start();
        assertThat(get("", null).statusCode()).isEqualTo(401);
        assertThat(get("", null).headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        for (int i = 0; i < 10; i++) {
            assertThat(get("", "wrong").statusCode()).isEqualTo(401);
        }
        HttpResponse<byte[]> throttled = get("", PASSWORD);
        assertThat(throttled.statusCode()).as("even the right password waits").isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
        assertThat(rows.asked).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "?from=yesterday|from",
                "?to=-5|to",
                "?kind=requests|kind",
                "?limit=0|limit",
                "?limit=ten|limit",
                "?order=up|order",
                "?bom=yes|bom",
                "?token_id=abc|token_id",
                "?channel=1|channel",
                "?token=a&token=b|token",
                "?model='unclosed|model",
                "?user='a','b'|user"
            })
    void givenABadParameter_whenAsked_then400NamingIt(String query, String field) throws Exception {
        start();
        HttpResponse<byte[]> r = get(query, PASSWORD);
        assertThat(r.statusCode()).as(query).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("field").asText()).isEqualTo(field);
        assertThat(JSON.readTree(r.body()).get("error").asText()).startsWith(field + ":");
        assertThat(rows.asked).isEmpty();
    }

    @Test
    void givenTheDashboardsParameters_whenAsked_thenTheFilterIsWhatItsSqlSelects() throws Exception {
        start();
        String query = "?from=1764720000123&to=1764723600&channel_id=" + enc("'1','12'") + "&model=" + enc("'a\\\"b'")
                + "&kind=" + enc("'|.*|'") + "&token=" + enc("''") + "&user=bob&token_id=" + enc("'7'") + "&group="
                + "&q=" + enc("'\\\"error_code\\\": ''x'''") + "&order=oldest&limit=5";
        assertThat(get(query, PASSWORD).statusCode()).isEqualTo(200);
        assertThat(rows.asked)
                .containsExactly(new LogFilter(
                        OptionalLong.of(1764720000),
                        OptionalLong.of(1764723600),
                        List.of("1", "12"),
                        List.of("a\"b"),
                        List.of(),
                        Optional.empty(),
                        Optional.of("bob"),
                        Optional.of("7"),
                        Optional.empty(),
                        Optional.of("\"error_code\": 'x'"),
                        true,
                        OptionalLong.of(5)));

        rows.asked.clear();
        assertThat(get("?model=m1&model=m2&kind=error", PASSWORD).statusCode()).isEqualTo(200);
        assertThat(rows.asked)
                .containsExactly(new LogFilter(
                        OptionalLong.empty(),
                        OptionalLong.empty(),
                        List.of(),
                        List.of("m1", "m2"),
                        List.of("error"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        false,
                        OptionalLong.empty()));
    }

    @Test
    void givenCellsToEscape_whenExported_thenRfc4180AndFormulasDefused() throws Exception {
        start();
        rows.answer.add(new String[] {"1", "plain 中文"});
        rows.answer.add(new String[] {"2", "a,b"});
        rows.answer.add(new String[] {"3", "say \"hi\""});
        rows.answer.add(new String[] {"4", "line\nbreak\r\nend"});
        rows.answer.add(new String[] {"5", "=HYPERLINK(\"http://x\",\"y\")"});
        rows.answer.add(new String[] {"6", "+1"});
        rows.answer.add(new String[] {"-7", "-cmd|' /C calc'!A0"});
        rows.answer.add(new String[] {"8", "@SUM(A1)"});
        rows.answer.add(new String[] {"9", ""});
        rows.answer.add(new String[] {"-0.25", "\tx"});
        HttpResponse<byte[]> r = get("", PASSWORD);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/csv; charset=utf-8"));
        assertThat(r.headers().firstValue("Content-Disposition"))
                .hasValueSatisfying(
                        v -> assertThat(v).matches("attachment; filename=\"token-monitor-logs-\\d{8}T\\d{6}Z\\.csv\""));
        assertThat(text(r))
                .isEqualTo("id,content\r\n"
                        + "1,plain 中文\r\n"
                        + "2,\"a,b\"\r\n"
                        + "3,\"say \"\"hi\"\"\"\r\n"
                        + "4,\"line\nbreak\r\nend\"\r\n"
                        + "5,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n"
                        + "6,'+1\r\n"
                        + "-7,'-cmd|' /C calc'!A0\r\n"
                        + "8,'@SUM(A1)\r\n"
                        + "9,\r\n"
                        + "-0.25,'\tx\r\n");
        assertThat(r.body()[0]).as("no BOM unless asked").isEqualTo((byte) 'i');

        HttpResponse<byte[]> bom = get("?bom=1", PASSWORD);
        assertThat(new byte[] {bom.body()[0], bom.body()[1], bom.body()[2]})
                .isEqualTo(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        assertThat(new String(bom.body(), 3, bom.body().length - 3, StandardCharsets.UTF_8))
                .isEqualTo(text(r));
    }

    @Test
    void givenAPost_whenAsked_then405() throws Exception {
        start();
        HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + LogsCsvApi.PATH))
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        assertThat(http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(405);
    }

    private static String enc(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
