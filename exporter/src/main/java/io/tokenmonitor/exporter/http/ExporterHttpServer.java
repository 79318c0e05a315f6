package io.tokenmonitor.exporter.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.common.web.ConsoleLogin;
import io.tokenmonitor.common.web.LoginThrottle;
import io.tokenmonitor.exporter.metrics.UsageExposition;
import io.tokenmonitor.exporter.model.LogSource;
import io.tokenmonitor.exporter.rule.RuleBook;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /metrics} (OpenMetrics or Prometheus text, as the scraper asks; see {@link MetricsEndpoint}), {@code /healthz}
 * (the process is alive) and {@code /readyz} (200 once the first backfill caught up, 503 before),
 * over HTTP or, with a web config, HTTPS and basic auth; with a {@link RuleBook}, also the rules console
 * ({@code /console/}) and its API ({@code /api/v1/}).
 */
public final class ExporterHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExporterHttpServer.class);

    /**
     * Threads serving requests at once. The JDK server reads a request (and runs its TLS handshake)
     * on the thread it hands the connection to, blocking, so each connection that is still sending
     * holds one until the request deadline in {@link #LIMITS}: the pool is sized so that a scrape
     * still finds a free thread while a hundred such connections are open. Idle threads end after a
     * minute. (JDK 17 sun.net.httpserver.ServerImpl: the Dispatcher passes a readable connection to
     * the executor, whose Exchange.run reads the request through SSLStreams, handshake first; its
     * ReqRspTimeoutTask closes a connection still in REQUEST state after maxReqTime.)
     */
    static final int THREADS = 128;

    /**
     * The JDK server's own limits (sun.net.httpserver.ServerConfig, read once when the first server
     * is created; a {@code -D} on the command line wins): a connection has 5 s from its first byte
     * to deliver its request line, headers and body (the TLS handshake included), one that sends
     * nothing is closed after 5 s as well, a response has 30 s to be read, and at most 256
     * connections are open at once (more are closed when accepted).
     */
    static final Map<String, String> LIMITS = Map.of(
            "sun.net.httpserver.maxReqTime", "5",
            "sun.net.httpserver.maxRspTime", "30",
            "sun.net.httpserver.idleInterval", "30",
            "sun.net.httpserver.maxIdleConnections", "32",
            "jdk.httpserver.maxConnections", "256");

    private final HttpServer server;
    private final ExecutorService executor;

    private ExporterHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts serving without the rules console (see the other {@code start}). */
    public static ExporterHttpServer start(
            InetSocketAddress address,
            PrometheusRegistry registry,
            UsageExposition usage,
            BooleanSupplier ready,
            WebConfig web)
            throws IOException {
        return start(address, registry, usage, ready, web, null, Optional.empty());
    }

    /**
     * Starts serving. With {@code web.tls()} the server speaks HTTPS only; with basic auth users,
     * {@code /metrics} needs a valid user (the health endpoints stay open for orchestrators).
     *
     * @param rules what {@code /console/} and {@code /api/v1/} show and change; null serves neither
     * @param accessPassword {@code ACCESS_PASSWORD}'s login for {@code admin}; with it or the web config's users
     *     the console is on, with neither both prefixes answer 404 saying how to switch it on
     */
    public static ExporterHttpServer start(
            InetSocketAddress address,
            PrometheusRegistry registry,
            UsageExposition usage,
            BooleanSupplier ready,
            WebConfig web,
            RuleBook rules,
            Optional<ConsoleLogin> accessPassword)
            throws IOException {
        return start(address, registry, usage, ready, web, rules, accessPassword, null);
    }

    /**
     * {@link #start(InetSocketAddress, PrometheusRegistry, UsageExposition, BooleanSupplier, WebConfig, RuleBook,
     * Optional)}, with {@code logs} also the log export at {@code /api/v1/logs.csv}, behind the console's login.
     */
    public static ExporterHttpServer start(
            InetSocketAddress address,
            PrometheusRegistry registry,
            UsageExposition usage,
            BooleanSupplier ready,
            WebConfig web,
            RuleBook rules,
            Optional<ConsoleLogin> accessPassword,
            LogSource logs)
            throws IOException {
        LIMITS.forEach((name, value) -> {
            if (System.getProperty(name) == null) {
                System.setProperty(name, value);
            }
        });
        HttpServer server = web.tls() == null ? HttpServer.create(address, 0) : https(address, web.tls());
        ThreadPoolExecutor executor =
                new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "http");
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        server.setExecutor(executor);
        Filter headers = headers(web);
        HttpContext metrics = route(server, "/metrics", new MetricsEndpoint(registry, usage), headers);
        if (!web.basicAuthUsers().isEmpty()) {
            metrics.setAuthenticator(new BcryptAuthenticator(web.basicAuthUsers()));
        }
        if (rules != null) {
            console(server, headers, web, rules, accessPassword, logs);
        }
        route(server, "/healthz", exchange -> reply(exchange, 200, "ok\n"), headers);
        route(
                server,
                "/readyz",
                exchange -> {
                    boolean isReady = ready.getAsBoolean();
                    reply(
                            exchange,
                            isReady ? 200 : 503,
                            isReady
                                    ? "ready\n"
                                    : "backfilling: usage metrics are withheld until the first sync catches up\n");
                },
                headers);
        route(
                server,
                "/",
                exchange -> {
                    if (exchange.getRequestURI().getPath().equals("/")) {
                        reply(exchange, 200, "Token Monitor exporter: /metrics /healthz /readyz\n");
                    } else {
                        reply(exchange, 404, "not found\n");
                    }
                },
                headers);
        server.start();
        return new ExporterHttpServer(server, executor);
    }

    /** {@code /console} and {@code /api/v1/}: behind the login, or off (404 with how to switch it on). */
    private static void console(
            HttpServer server,
            Filter headers,
            WebConfig web,
            RuleBook rules,
            Optional<ConsoleLogin> accessPassword,
            LogSource logs) {
        JsonReply reply = new JsonReply(new ObjectMapper());
        ConsoleAuthenticator login = new ConsoleAuthenticator(
                web.basicAuthUsers(), accessPassword, new LoginThrottle(Clock.systemUTC()), reply);
        if (!login.configured()) {
            LOG.info("console: {}", ConsoleOff.HOW_TO);
            ConsoleOff off = new ConsoleOff(reply);
            route(server, ConsolePage.PREFIX, off, headers);
            route(server, RulesApi.PREFIX, off, headers);
            return;
        }
        route(server, ConsolePage.PREFIX, new ConsolePage(), headers)
                .getFilters()
                .add(login.filter());
        route(server, RulesApi.PREFIX, new RulesApi(rules, reply), headers)
                .getFilters()
                .add(login.filter());
        if (logs != null) {
            route(server, LogsCsvApi.PATH, new LogsCsvApi(logs, reply, Clock.systemUTC()), headers)
                    .getFilters()
                    .add(login.filter());
        }
        LOG.info("console: at /console/ and /api/v1/ for {}", login.describe());
    }

    private static HttpContext route(HttpServer server, String path, HttpHandler handler, Filter headers) {
        HttpContext context = server.createContext(path, handler);
        context.getFilters().add(headers);
        return context;
    }

    private static HttpsServer https(InetSocketAddress address, WebConfig.Tls tls) throws IOException {
        HttpsServer https = HttpsServer.create(address, 0);
        SSLContext context = TlsContext.create(tls);
        String[] protocols = WebConfig.PROTOCOLS
                .subList(
                        WebConfig.PROTOCOLS.indexOf(tls.minVersion()),
                        WebConfig.PROTOCOLS.indexOf(tls.maxVersion()) + 1)
                .toArray(String[]::new);
        // Go leaves TLS 1.3's suites out of cipher_suites and always on; so does this.
        String[] suites = java.util.stream.Stream.concat(
                        tls.cipherSuites().stream(),
                        java.util.Arrays.stream(
                                        context.getDefaultSSLParameters().getCipherSuites())
                                .filter(s -> s.startsWith("TLS_AES_") || s.startsWith("TLS_CHACHA20_")))
                .distinct()
                .toArray(String[]::new);
        https.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters ssl = context.getDefaultSSLParameters();
                ssl.setProtocols(protocols);
                if (!tls.cipherSuites().isEmpty()) {
                    ssl.setCipherSuites(suites);
                }
                switch (tls.clientAuthType()) {
                    case "RequireAnyClientCert", "RequireAndVerifyClientCert" -> ssl.setNeedClientAuth(true);
                    case "RequestClientCert", "VerifyClientCertIfGiven" -> ssl.setWantClientAuth(true);
                    default -> {}
                }
                params.setSSLParameters(ssl);
            }
        });
        return https;
    }

    /** Adds the web config's {@code http_server_config.headers} to every response. */
    private static Filter headers(WebConfig web) {
        return Filter.beforeHandler(
                "response headers", exchange -> web.headers().forEach(exchange.getResponseHeaders()::set));
    }

    /** The port actually bound (useful when started on port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
