package io.tokenmonitor.exporter.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.common.web.ConsoleLogin;
import io.tokenmonitor.exporter.config.ExporterConfig;
import io.tokenmonitor.exporter.metrics.UsageExposition;
import io.tokenmonitor.exporter.model.UsageTotals;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;

/** {@code /api/v1/rules…}, {@code /api/v1/audit} and {@code /console/} over real HTTP, against a {@link FakeRuleBook}. */
class RulesApiTest {
    private static final String PASSWORD = "s3cret-web-pw";
    private static final String ACCESS = "access-pw-9f2";
    private static final String USAGE =
            "{\"name\":\"daily\",\"kind\":\"usage\",\"window\":\"24h\",\"limit\":{\"tokens\":1000}}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<HttpResponse<String>> seen = new ArrayList<>();
    private ExporterHttpServer server;
    private FakeRuleBook rules;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        // Whatever was answered, no password was in it.
        for (HttpResponse<String> r : seen) {
            assertThat(r.body() + r.headers().map()).doesNotContain(PASSWORD).doesNotContain(ACCESS);
        }
    }

    private void start(Map<String, String> webUsers, Optional<ConsoleLogin> access) throws Exception {
        rules = new FakeRuleBook().withFileRule("from-file");
        server = ExporterHttpServer.start(
                new InetSocketAddress("127.0.0.1", 0),
                new PrometheusRegistry(),
                new UsageExposition(() -> UsageTotals.EMPTY, () -> true),
                () -> true,
                new WebConfig(null, webUsers, Map.of()),
                rules,
                access);
    }

    private void startWithWebUser() throws Exception {
        start(Map.of("ops", BCrypt.hashpw(PASSWORD, BCrypt.gensalt(4))), Optional.empty());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Authorization", basic("ops", PASSWORD));
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        seen.add(response);
        return response;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(request(path).GET().build());
    }

    private HttpResponse<String> write(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = request(path)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Test
    void givenNoOrWrongCredentials_whenAnyConsoleUrlAsked_then401WithBasicChallenge() throws Exception {
        startWithWebUser();
        for (String path : List.of("/api/v1/rules", "/api/v1/audit", "/console/", "/console/console.js")) {
            HttpResponse<String> none =
                    send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                            .build());
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate"))
                    .get()
                    .asString()
                    .startsWith("Basic ");
            HttpResponse<String> wrong =
                    send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                            .header("Authorization", basic("ops", "nope"))
                            .build());
            assertThat(wrong.statusCode()).as(path).isEqualTo(401);
        }
        HttpResponse<String> unknownUser = send(request("/api/v1/rules")
                .setHeader("Authorization", basic("admin", PASSWORD))
                .build());
        assertThat(unknownUser.statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/rules").statusCode()).isEqualTo(200);
    }

    @Test
    void givenTenWrongLogins_whenTheRightOneFollows_then429WithRetryAfter() throws Exception {
        startWithWebUser();
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> wrong = send(request("/api/v1/rules")
                    .setHeader("Authorization", basic("ops", "guess" + i))
                    .build());
            assertThat(wrong.statusCode()).isEqualTo(401);
        }
        HttpResponse<String> refused = get("/api/v1/rules");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(json(refused).get("error").asText()).contains("too many wrong logins");
    }

    @Test
    void givenAUsageBudget_whenCreatedReadListedAndAudited_thenStatusesHeadersAndBodyFollowTheContract()
            throws Exception {
        startWithWebUser();
        HttpResponse<String> created = write("POST", "/api/v1/rules", USAGE);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).contains("/api/v1/rules/daily");
        assertThat(created.headers().firstValue("ETag")).contains("\"1\"");
        JsonNode body = json(created);
        assertThat(body.get("name").asText()).isEqualTo("daily");
        assertThat(body.get("source").asText()).isEqualTo("console");
        assertThat(body.get("enabled").asBoolean()).isTrue();
        assertThat(body.get("version").asLong()).isEqualTo(1);
        assertThat(body.get("spec").get("limit").get("tokens").asInt()).isEqualTo(1000);
        assertThat(body.get("current").get("threshold").asDouble()).isEqualTo(1000);
        assertThat(body.get("current").get("window_start").asText()).endsWith("Z");
        assertThat(body.get("current").has("window_end")).isTrue();

        HttpResponse<String> one = get("/api/v1/rules/daily");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.headers().firstValue("ETag")).contains("\"1\"");
        HttpResponse<String> list = get("/api/v1/rules");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(json(list).get("rules"))
                .extracting(r -> r.get("name").asText())
                .containsExactly("from-file", "daily");
        assertThat(get("/api/v1/rules/nope").statusCode()).isEqualTo(404);

        JsonNode audit = json(get("/api/v1/audit?rule=daily&limit=5"));
        assertThat(audit.get("entries")).hasSize(1);
        assertThat(audit.get("entries").get(0).get("actor").asText()).isEqualTo("ops");
        assertThat(audit.get("entries").get(0).get("action").asText()).isEqualTo("create");
        assertThat(audit.get("entries").get(0).get("before").isNull()).isTrue();
        HttpResponse<String> badLimit = get("/api/v1/audit?limit=0");
        assertThat(badLimit.statusCode()).isEqualTo(400);
        assertThat(json(badLimit).get("field").asText()).isEqualTo("limit");
    }

    @Test
    void givenBadValues_whenWritten_then400NamingTheField() throws Exception {
        startWithWebUser();
        HttpResponse<String> above = write(
                "POST",
                "/api/v1/rules",
                "{\"name\":\"e\",\"kind\":\"error_ratio\",\"window\":\"15m\",\"above\":\"x\"}");
        assertThat(above.statusCode()).isEqualTo(400);
        assertThat(json(above).get("field").asText()).isEqualTo("above");
        assertThat(json(above).get("error").asText()).startsWith("above: ");
        HttpResponse<String> limit = write(
                "POST",
                "/api/v1/rules/preview",
                "{\"name\":\"d\",\"kind\":\"usage\",\"window\":\"24h\",\"limit\":{\"usd\":-1}}");
        assertThat(limit.statusCode()).isEqualTo(400);
        assertThat(json(limit).get("field").asText()).isEqualTo("limit.usd");
        HttpResponse<String> notJson = write("POST", "/api/v1/rules", "{name: oops");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(json(notJson).get("field").asText()).isEqualTo("body");
        HttpResponse<String> array = write("POST", "/api/v1/rules", "[]");
        assertThat(array.statusCode()).isEqualTo(400);
        assertThat(rules.list()).hasSize(1);
    }

    @Test
    void givenARule_whenReplacedAndDeleted_thenIfMatchIsRequiredAndChecked() throws Exception {
        startWithWebUser();
        write("POST", "/api/v1/rules", USAGE);
        String changed = USAGE.replace("1000", "2000");
        assertThat(write("PUT", "/api/v1/rules/daily", changed).statusCode()).isEqualTo(428);
        assertThat(write("PUT", "/api/v1/rules/daily", changed, "If-Match", "\"7\"")
                        .statusCode())
                .isEqualTo(412);
        assertThat(write("PUT", "/api/v1/rules/daily", changed, "If-Match", "bogus")
                        .statusCode())
                .isEqualTo(412);
        HttpResponse<String> replaced = write("PUT", "/api/v1/rules/daily", changed, "If-Match", "\"1\"");
        assertThat(replaced.statusCode()).isEqualTo(200);
        assertThat(replaced.headers().firstValue("ETag")).contains("\"2\"");
        assertThat(json(replaced).get("spec").get("limit").get("tokens").asInt())
                .isEqualTo(2000);
        assertThat(write("PUT", "/api/v1/rules/daily", changed, "If-Match", "\"1\"")
                        .statusCode())
                .isEqualTo(412);

        assertThat(write("PUT", "/api/v1/rules/from-file", changed.replace("daily", "from-file"), "If-Match", "\"0\"")
                        .statusCode())
                .isEqualTo(409);
        assertThat(write("DELETE", "/api/v1/rules/from-file", null, "If-Match", "\"0\"")
                        .statusCode())
                .isEqualTo(409);
        assertThat(write("PUT", "/api/v1/rules/ghost", USAGE.replace("daily", "ghost"), "If-Match", "\"1\"")
                        .statusCode())
                .isEqualTo(404);
        assertThat(write("DELETE", "/api/v1/rules/ghost", null, "If-Match", "\"1\"")
                        .statusCode())
                .isEqualTo(404);
        HttpResponse<String> clash = write("POST", "/api/v1/rules", USAGE);
        assertThat(clash.statusCode()).isEqualTo(409);
        assertThat(write("POST", "/api/v1/rules", USAGE.replace("daily", "from-file"))
                        .statusCode())
                .isEqualTo(409);

        assertThat(write("DELETE", "/api/v1/rules/daily", null).statusCode()).isEqualTo(428);
        assertThat(write("DELETE", "/api/v1/rules/daily", null, "If-Match", "\"1\"")
                        .statusCode())
                .isEqualTo(412);
        assertThat(write("DELETE", "/api/v1/rules/daily", null, "If-Match", "\"2\"")
                        .statusCode())
                .isEqualTo(204);
        assertThat(get("/api/v1/rules/daily").statusCode()).isEqualTo(404);
        assertThat(json(get("/api/v1/audit")).get("entries").findValuesAsText("action"))
                .containsExactly("delete", "update", "create");
    }

    @Test
    void givenAPreview_whenAsked_thenTheEvaluationAndNothingSaved() throws Exception {
        startWithWebUser();
        HttpResponse<String> preview = write("POST", "/api/v1/rules/preview", USAGE);
        assertThat(preview.statusCode()).isEqualTo(200);
        JsonNode e = json(preview);
        assertThat(e.get("kind").asText()).isEqualTo("usage");
        assertThat(e.get("value").asDouble()).isEqualTo(1234);
        assertThat(e.get("threshold").asDouble()).isEqualTo(1000);
        assertThat(e.get("unit").asText()).isEqualTo("tokens");
        assertThat(e.get("firing").asBoolean()).isTrue();
        assertThat(e.has("requests")).isTrue();
        assertThat(get("/api/v1/rules/daily").statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/rules/preview").statusCode()).isEqualTo(405);
    }

    @Test
    void givenAWriteFromAnotherSiteOrNotJson_whenSent_thenRefusedAndNothingChanged() throws Exception {
        startWithWebUser();
        HttpResponse<String> origin = write("POST", "/api/v1/rules", USAGE, "Origin", "https://evil.example");
        assertThat(origin.statusCode()).isEqualTo(403);
        HttpResponse<String> fetchSite = write("POST", "/api/v1/rules", USAGE, "Sec-Fetch-Site", "cross-site");
        assertThat(fetchSite.statusCode()).isEqualTo(403);
        HttpResponse<String> form = send(request("/api/v1/rules")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=x"))
                .build());
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(rules.list()).hasSize(1);
        HttpResponse<String> sameSite = write(
                "POST",
                "/api/v1/rules",
                USAGE,
                "Origin",
                "http://127.0.0.1:" + server.port(),
                "Sec-Fetch-Site",
                "same-origin");
        assertThat(sameSite.statusCode()).isEqualTo(201);
    }

    @Test
    void givenNoWebUsersAndNoAccessPassword_whenConsoleAsked_then404SayingHowToSwitchItOn() throws Exception {
        start(Map.of(), Optional.empty());
        HttpResponse<String> page = get("/console/");
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.body())
                .contains("ACCESS_PASSWORD")
                .contains("basic_auth_users")
                .contains("控制台未开启");
        HttpResponse<String> api = get("/api/v1/rules");
        assertThat(api.statusCode()).isEqualTo(404);
        assertThat(json(api).get("error").asText()).contains("ACCESS_PASSWORD");
        assertThat(write("POST", "/api/v1/rules", USAGE).statusCode()).isEqualTo(404);
        assertThat(rules.list()).hasSize(1);
        assertThat(get("/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void givenAccessPasswordFile_whenAdminLogsIn_thenTheConsoleIsServedWithItsHeaders() throws Exception {
        Path secret = Files.writeString(dir.resolve("access"), ACCESS + "\n");
        ExporterConfig config = ExporterConfig.fromEnvironment(Map.of("ACCESS_PASSWORD_FILE", secret.toString()), true);
        assertThat(config.toString()).doesNotContain(ACCESS);
        start(Map.of(), config.accessPassword());
        HttpRequest.Builder admin = request("/console/").setHeader("Authorization", basic("admin", ACCESS));
        HttpResponse<String> page = send(admin.build());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).get().asString().startsWith("text/html");
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .get()
                .asString()
                .startsWith("default-src 'self'");
        assertThat(page.body()).contains("console.js");
        HttpResponse<String> script = send(request("/console/console.js")
                .setHeader("Authorization", basic("admin", ACCESS))
                .build());
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).get().asString().startsWith("text/javascript");
        assertThat(send(request("/console/../store/V001__init.sql")
                                .setHeader("Authorization", basic("admin", ACCESS))
                                .build())
                        .statusCode())
                .isEqualTo(404);
        HttpResponse<String> redirect = send(request("/console")
                .setHeader("Authorization", basic("admin", ACCESS))
                .build());
        assertThat(redirect.statusCode()).isEqualTo(302);
        HttpResponse<String> write = send(request("/api/v1/rules")
                .setHeader("Authorization", basic("admin", ACCESS))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(USAGE))
                .build());
        assertThat(write.statusCode()).isEqualTo(201);
        assertThat(rules.audit(Optional.empty(), 1).get(0).actor()).isEqualTo("admin");
        // The web config's users are none here: the admin login is ACCESS_PASSWORD's only.
        assertThat(get("/api/v1/rules").statusCode()).isEqualTo(401);
    }

    @Test
    void givenTheOldStart_whenConsoleAsked_thenNotServed() throws Exception {
        server = ExporterHttpServer.start(
                new InetSocketAddress("127.0.0.1", 0),
                new PrometheusRegistry(),
                new UsageExposition(() -> UsageTotals.EMPTY, () -> true),
                () -> true,
                WebConfig.NONE);
        assertThat(get("/api/v1/rules").statusCode()).isEqualTo(404);
        assertThat(get("/console/").body()).isEqualTo("not found\n");
    }
}
