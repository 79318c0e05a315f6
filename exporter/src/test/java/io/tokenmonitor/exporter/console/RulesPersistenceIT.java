package io.tokenmonitor.exporter.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmonitor.exporter.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rule saved through the API on the real exporter survives its restart: same spec, version, audit, metrics. */
class RulesPersistenceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private HttpResponse<String> send(int port, String method, String path, String body, String ifMatch)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(
                                                ("admin:" + RealExporter.PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (!method.equals("GET")) {
            b.header("Content-Type", "application/json");
        }
        if (ifMatch != null) {
            b.header("If-Match", ifMatch);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void givenARuleSavedAndChanged_whenTheExporterRestarts_thenItIsStillThereWithItsVersionAndAudit() throws Exception {
        String etag;
        try (RealExporter exporter = RealExporter.start(dir)) {
            int port = exporter.consolePort();
            HttpResponse<String> created = send(
                    port,
                    "POST",
                    "/api/v1/rules",
                    "{\"name\":\"kept\",\"kind\":\"usage\",\"window\":\"7d\",\"limit\":{\"requests\":100000}}",
                    null);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            HttpResponse<String> bad = send(
                    port,
                    "POST",
                    "/api/v1/rules",
                    "{\"name\":\"bad\",\"kind\":\"error_ratio\",\"window\":\"15m\",\"above\":\"x\"}",
                    null);
            assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
            assertThat(JSON.readTree(bad.body()).get("field").asText()).isEqualTo("above");
            assertThat(JSON.readTree(bad.body()).get("error").asText()).startsWith("above: ");
            HttpResponse<String> fileRule = send(port, "DELETE", "/api/v1/rules/from-file", null, "\"0\"");
            assertThat(fileRule.statusCode()).as(fileRule.body()).isEqualTo(409);
            HttpResponse<String> changed = send(
                    port,
                    "PUT",
                    "/api/v1/rules/kept",
                    "{\"name\":\"kept\",\"kind\":\"usage\",\"window\":\"7d\",\"limit\":{\"requests\":200000}}",
                    created.headers().firstValue("ETag").orElseThrow());
            assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
            etag = changed.headers().firstValue("ETag").orElseThrow();
            assertThat(Await.until(() -> exporter.publishesLimit("kept"), ok -> ok, Duration.ofSeconds(60)))
                    .as("newapi_budget_limit{budget=\"kept\"}")
                    .isTrue();
        }
        try (RealExporter exporter = RealExporter.start(dir)) {
            int port = exporter.consolePort();
            HttpResponse<String> again = send(port, "GET", "/api/v1/rules/kept", null, null);
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.headers().firstValue("ETag")).contains(etag);
            JsonNode rule = JSON.readTree(again.body());
            assertThat(rule.get("source").asText()).isEqualTo("console");
            assertThat(rule.get("spec").get("limit").get("requests").asLong()).isEqualTo(200000);
            JsonNode audit = JSON.readTree(
                    send(port, "GET", "/api/v1/audit?rule=kept", null, null).body());
            assertThat(audit.get("entries"))
                    .extracting(e -> e.get("action").asText())
                    .containsExactly("update", "create");
            assertThat(audit.get("entries").get(0).get("actor").asText()).isEqualTo("admin");
            assertThat(Await.until(() -> exporter.publishesLimit("kept"), ok -> ok, Duration.ofSeconds(60)))
                    .as("newapi_budget_limit{budget=\"kept\"}")
                    .isTrue();
            // The stale version from before the restart is still refused after it.
            HttpResponse<String> stale = send(port, "DELETE", "/api/v1/rules/kept", null, "\"1\"");
            assertThat(stale.statusCode()).isEqualTo(412);
            assertThat(send(port, "DELETE", "/api/v1/rules/kept", null, etag).statusCode())
                    .isEqualTo(204);
        }
    }
}
