package io.tokenmonitor.e2e.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tokenmonitor.e2e.harness.BridgeProcess;
import io.tokenmonitor.e2e.harness.FreePort;
import io.tokenmonitor.e2e.harness.ManagedProcess;
import io.tokenmonitor.e2e.harness.RepoPaths;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 5: both packaged programs run with a distinctive secret in every secret setting (the gateway
 * database's password in every DSN, the bridge's bearer token and basic-auth password, the Telegram bot token, the
 * Feishu hook id and signing secret, the WeCom key) through every error path known: DSNs that do not parse, a
 * database that is not there, a wrong password, a database that does not exist, a malformed bot token, and chat
 * platforms that answer 401, 500 and an error code while quoting the request's URL back (as a proxy might). None of
 * the secrets may appear in what the programs print, in {@code /metrics}, in the exporter's store or in the bridge's
 * state database (both read as bytes, WAL included).
 */
class SecretLeakIT {
    private static final String DB_PASSWORD = "DbPw7Xleak";
    private static final String BRIDGE_TOKEN = "BrTok7Xleak";
    private static final String BRIDGE_PASSWORD = "BrPw7Xleak";
    private static final String TELEGRAM_SECRET = "TgTok7Xleak";
    private static final String TELEGRAM_TOKEN = "987654:" + TELEGRAM_SECRET;
    private static final String FEISHU_HOOK = "FsHook7Xleak-0000-1111";
    private static final String FEISHU_SECRET = "FsSec7Xleak";
    private static final String WECOM_KEY = "WcKey7Xleak-0000-2222";
    private static final List<String> SECRETS =
            List.of(DB_PASSWORD, BRIDGE_TOKEN, BRIDGE_PASSWORD, TELEGRAM_SECRET, FEISHU_HOOK, FEISHU_SECRET, WECOM_KEY);
    private static final Duration REFUSAL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    /** Settings a program accepted although it must refuse them. */
    private final List<String> problems = new ArrayList<>();

    /** Where each text came from, for the failure message. */
    private final Map<String, String> seen = new LinkedHashMap<>();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void givenSecretsInEverySetting_whenEveryErrorPathRuns_thenNoneIsPrintedOrStored() throws Exception {
        refusedStartUps();
        exportersOnBrokenDatabases();
        bridgeAgainstFailingPlatforms();

        // The error paths really ran: otherwise finding nothing would prove nothing.
        String everything = String.join("\n", seen.values());
        assertThat(everything)
                .as("the error paths ran")
                .contains("Access denied")
                .contains("wecom 93000")
                .contains("feishu 19001")
                .contains("telegram 401")
                .contains("not a Telegram bot token");
        List<String> leaks = new ArrayList<>();
        seen.forEach((where, text) -> {
            for (String secret : SECRETS) {
                int at = text.indexOf(secret);
                if (at >= 0) {
                    int from = Math.max(0, at - 120);
                    leaks.add(secret + " in " + where + ": …"
                            + text.substring(from, Math.min(text.length(), at + secret.length() + 40))
                                    .replaceAll("[^\\x20-\\x7e]", "?")
                            + "…");
                }
            }
        });
        assertThat(leaks).as("secrets found").isEmpty();
        assertThat(problems).as("refusals").isEmpty();
    }

    /** Settings each program refuses at start: it must exit non-zero and say why without the secret. */
    private void refusedStartUps() throws Exception {
        List<String> dsns = List.of(
                "root:" + DB_PASSWORD + "@tcp(127.0.0.1:3306)",
                "root:a/" + DB_PASSWORD + "@tcp(127.0.0.1:3306)",
                "root:x://" + DB_PASSWORD + "@tcp(127.0.0.1:3306)",
                "root:x://" + DB_PASSWORD + "@tcp(127.0.0.1:3306)/",
                "root " + DB_PASSWORD + "@(127.0.0.1)",
                "postgres://postgres:x://" + DB_PASSWORD + "@127.0.0.1",
                "host=127.0.0.1 user=postgres password=a&" + DB_PASSWORD + " dbname=x bad",
                "jdbc:oracle:thin:root/" + DB_PASSWORD + "@127.0.0.1:1521/x",
                "jdbc:mysql://root:x://" + DB_PASSWORD + "@127.0.0.1:3306");
        int n = 0;
        for (String dsn : dsns) {
            n++;
            refused("exporter-refused-" + n, RepoPaths.exporterJar(), exporterEnv("refused-" + n, dsn));
            Map<String, String> bridge = bridgeEnv("refused-" + n);
            bridge.put("SQL_DSN", dsn);
            refused("bridge-refused-dsn-" + n, RepoPaths.bridgeJar(), bridge);
        }
        for (String token : List.of("987654:Tg " + TELEGRAM_SECRET, "987654:Tg\"" + TELEGRAM_SECRET, TELEGRAM_SECRET)) {
            n++;
            Map<String, String> bridge = bridgeEnv("refused-" + n);
            bridge.put("TELEGRAM_BOT_TOKEN", token);
            bridge.put("TELEGRAM_CHAT_ID", "-1001");
            refused("bridge-refused-token-" + n, RepoPaths.bridgeJar(), bridge);
        }
        for (String url : List.of(
                "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + WECOM_KEY + " x",
                "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + WECOM_KEY)) {
            n++;
            Map<String, String> bridge = bridgeEnv("refused-" + n);
            bridge.put("WECOM_WEBHOOK", url);
            bridge.put("FEISHU_WEBHOOK", url.replace(WECOM_KEY, FEISHU_HOOK));
            refused("bridge-refused-webhook-" + n, RepoPaths.bridgeJar(), bridge);
        }
    }

    /** The exporter keeps running and retrying; its log, /metrics and store are read after a few retries. */
    private void exportersOnBrokenDatabases() throws Exception {
        int closed = FreePort.pick();
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("unreachable-jdbc", "jdbc:mysql://root:" + DB_PASSWORD + "@127.0.0.1:" + closed + "/new-api");
        cases.put("unreachable-go", "root:" + DB_PASSWORD + "@tcp(127.0.0.1:" + closed + ")/new-api");
        cases.put("wrong-password-mariadb", "root:" + DB_PASSWORD + "@tcp(127.0.0.1:3306)/mysql");
        cases.put("wrong-password-mariadb-jdbc", "jdbc:mariadb://root:" + DB_PASSWORD + "@127.0.0.1:3306/mysql");
        cases.put(
                "missing-database-postgres",
                "postgres://postgres:" + DB_PASSWORD + "@127.0.0.1:5432/token_monitor_no_such_db");
        cases.put(
                "libpq-postgres",
                "host=127.0.0.1 port=5432 user=nobody_here password='" + DB_PASSWORD + "' dbname=postgres");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path work = dir.resolve("exporter-" + c.getKey());
            int port = FreePort.pick();
            Map<String, String> env = exporterEnv(c.getKey(), c.getValue());
            env.put("LISTEN_ADDRESS", "127.0.0.1:" + port);
            env.put("STORE_PATH", work.resolve("token-monitor.db").toString());
            ManagedProcess exporter = ManagedProcess.start(
                    "exporter",
                    List.of(java(), "-Xmx192m", "-jar", RepoPaths.exporterJar().toString()),
                    env,
                    work);
            try {
                exporter.awaitHttpOk(URI.create("http://127.0.0.1:" + port + "/healthz"), Duration.ofSeconds(60));
                // /healthz answers at once; the first failed connection is logged when the pool gives up (10 s).
                Path log = work.resolve("exporter.log");
                Instant until = Instant.now().plusSeconds(40);
                while (!(Files.exists(log)
                                && Files.readString(log, StandardCharsets.ISO_8859_1)
                                        .contains("failed"))
                        && Instant.now().isBefore(until)) {
                    Thread.sleep(200);
                }
                assertThat(Files.readString(log, StandardCharsets.ISO_8859_1))
                        .as("exporter " + c.getKey() + " logged its failing database")
                        .contains("failed");
                seen.put("exporter " + c.getKey() + " /metrics", get("http://127.0.0.1:" + port + "/metrics", null));
                seen.put("exporter " + c.getKey() + " /readyz", get("http://127.0.0.1:" + port + "/readyz", null));
            } finally {
                exporter.close();
            }
            readAll("exporter " + c.getKey(), work);
        }
    }

    /** The bridge with every target on a platform that fails, and a breaker whose database refuses the password. */
    private void bridgeAgainstFailingPlatforms() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        HttpServer platform = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        platform.createContext("/", exchange -> answerAsAFailingPlatform(exchange, calls));
        platform.start();
        String base = "http://127.0.0.1:" + platform.getAddress().getPort();
        Path work = dir.resolve("bridge");
        BridgeProcess bridge = null;
        try {
            Map<String, String> env = bridgeEnv("running");
            env.put("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN);
            env.put("TELEGRAM_CHAT_ID", "-1001");
            env.put("TELEGRAM_API_URL", base);
            env.put("FEISHU_WEBHOOK", base + "/open-apis/bot/v2/hook/" + FEISHU_HOOK);
            env.put("FEISHU_SECRET", FEISHU_SECRET);
            env.put("WECOM_WEBHOOK", base + "/cgi-bin/webhook/send?key=" + WECOM_KEY);
            env.put("SQL_DSN", "jdbc:mysql://root:" + DB_PASSWORD + "@127.0.0.1:3306/mysql");
            // The test's alert must be one the breaker acts on, or it never reaches the gateway database.
            env.put("BREAKER_ALERT_NAMES", "SecretLeakBreaker");
            env.remove("STATE_PATH");
            env.remove("LISTEN_ADDRESS");
            bridge = BridgeProcess.start(work, env);
            String bearer = "Bearer " + BRIDGE_TOKEN;
            String basic = "Basic "
                    + Base64.getEncoder().encodeToString(("ops:" + BRIDGE_PASSWORD).getBytes(StandardCharsets.UTF_8));
            int first = post(bridge.url("/alerts"), bearer, alert("SecretLeakNotify", "1", Map.of()));
            int second = post(
                    bridge.url("/alerts"),
                    basic,
                    alert("SecretLeakBreaker", "2", Map.of("action", "disable_channel", "channel_id", "1")));
            assertThat(List.of(first, second))
                    .as("the bridge took both webhooks")
                    .containsOnly(200);
            // wrong credentials: the refusals must not repeat what was sent or what is expected
            seen.put("bridge 401 bearer", postForBody(bridge.url("/alerts"), "Bearer x" + BRIDGE_TOKEN, "{}"));
            seen.put(
                    "bridge 401 basic",
                    postForBody(
                            bridge.url("/alerts"),
                            "Basic "
                                    + Base64.getEncoder()
                                            .encodeToString(
                                                    ("ops:x" + BRIDGE_PASSWORD).getBytes(StandardCharsets.UTF_8)),
                            "{}"));
            Instant deadline = Instant.now().plus(DELIVERY_TIMEOUT);
            while (Instant.now().isBefore(deadline)
                    && !(count(calls, "telegram") >= 1 && count(calls, "feishu") >= 1 && count(calls, "wecom") >= 1)) {
                Thread.sleep(200);
            }
            assertThat(count(calls, "telegram"))
                    .as("telegram was tried: " + calls + "\n" + bridge.logTail())
                    .isPositive();
            assertThat(count(calls, "feishu"))
                    .as("feishu was tried: " + calls + "\n" + bridge.logTail())
                    .isPositive();
            assertThat(count(calls, "wecom")).as("wecom was tried").isPositive();
            Thread.sleep(2_000); // the breaker's try on the gateway database
            seen.put("bridge /metrics", get(bridge.url("/metrics").toString(), bearer));
            seen.put("bridge /healthz", get(bridge.url("/healthz").toString(), null));
        } finally {
            if (bridge != null) {
                bridge.close();
            }
            platform.stop(0);
        }
        readAll("bridge", work);
    }

    /** 401 for Telegram, 500 for Feishu, errcode 93000 for WeCom; each quotes the request's URL back. */
    private static void answerAsAFailingPlatform(HttpExchange exchange, Map<String, AtomicInteger> calls)
            throws IOException {
        exchange.getRequestBody().readAllBytes();
        String uri = exchange.getRequestURI().toString();
        String echo = "http://" + exchange.getRequestHeaders().getFirst("Host") + uri;
        int status;
        String body;
        if (uri.startsWith("/bot")) {
            calls.computeIfAbsent("telegram", k -> new AtomicInteger()).incrementAndGet();
            status = 401;
            body = "{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized: " + echo + "\"}";
        } else if (uri.startsWith("/open-apis/")) {
            calls.computeIfAbsent("feishu", k -> new AtomicInteger()).incrementAndGet();
            status = 500;
            body = "{\"code\":19001,\"msg\":\"param invalid: incoming webhook access token invalid " + echo + "\"}";
        } else {
            calls.computeIfAbsent("wecom", k -> new AtomicInteger()).incrementAndGet();
            status = 200;
            body = "{\"errcode\":93000,\"errmsg\":\"invalid webhook url " + echo + "\"}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static int count(Map<String, AtomicInteger> calls, String platform) {
        AtomicInteger n = calls.get(platform);
        return n == null ? 0 : n.get();
    }

    private void refused(String name, Path jar, Map<String, String> env) throws Exception {
        Path work = dir.resolve(name);
        Files.createDirectories(work);
        Path log = work.resolve("output.log");
        ProcessBuilder builder = new ProcessBuilder(java(), "-Xmx128m", "-jar", jar.toString())
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        boolean exited = process.waitFor(REFUSAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!exited) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (!exited || process.exitValue() == 0) {
            problems.add(name + " started with a setting it must refuse");
        }
        readAll(name, work);
    }

    /** Every file under {@code work}, as bytes: logs, the store or state database, their WAL and SHM. */
    private void readAll(String name, Path work) throws IOException {
        try (Stream<Path> files = Files.walk(work)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                seen.put(
                        name + " " + work.relativize(file),
                        new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            }
        }
    }

    private Map<String, String> exporterEnv(String name, String dsn) {
        Map<String, String> env = new HashMap<>();
        env.put("SQL_DSN", dsn);
        env.put("LISTEN_ADDRESS", "127.0.0.1:" + FreePort.pick());
        env.put("STORE_PATH", dir.resolve("store-" + name + ".db").toString());
        return env;
    }

    private Map<String, String> bridgeEnv(String name) {
        Map<String, String> env = new HashMap<>();
        env.put("BRIDGE_TOKEN", BRIDGE_TOKEN);
        env.put("BRIDGE_USER", "ops");
        env.put("BRIDGE_PASSWORD", BRIDGE_PASSWORD);
        env.put("LISTEN_ADDRESS", "127.0.0.1:" + FreePort.pick());
        env.put("STATE_PATH", dir.resolve("state-" + name + ".db").toString());
        return env;
    }

    private static String alert(String name, String fingerprint, Map<String, String> extra) {
        StringBuilder labels = new StringBuilder("\"alertname\":\"" + name + "\",\"severity\":\"critical\"");
        extra.forEach((k, v) ->
                labels.append(",\"").append(k).append("\":\"").append(v).append('"'));
        return "{\"version\":\"4\",\"groupKey\":\"{}:{alertname=\\\"" + name + "\\\"}\",\"truncatedAlerts\":0,"
                + "\"status\":\"firing\",\"receiver\":\"bridge\",\"groupLabels\":{},\"commonLabels\":{},"
                + "\"commonAnnotations\":{},\"externalURL\":\"http://127.0.0.1:9093\",\"alerts\":[{\"status\":\"firing\","
                + "\"labels\":{" + labels + "},\"annotations\":{\"summary\":\"leak test\"},"
                + "\"startsAt\":\"" + Instant.now().minusSeconds(60) + "\",\"endsAt\":\"0001-01-01T00:00:00Z\","
                + "\"generatorURL\":\"http://127.0.0.1:9090/graph\",\"fingerprint\":\"" + fingerprint + "\"}]}";
    }

    private int post(URI url, String authorization, String json) throws Exception {
        return http.send(request(url, authorization, json), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private String postForBody(URI url, String authorization, String json) throws Exception {
        HttpResponse<String> response =
                http.send(request(url, authorization, json), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.headers().map() + " " + response.body();
    }

    private static HttpRequest request(URI url, String authorization, String json) {
        return HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    private String get(String url, String authorization) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
