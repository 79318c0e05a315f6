package io.tokenmonitor.e2e.grafana;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A scrape target publishing the exporter's account series of issue 15 (ISSUE15-SPEC.md, "Names
 * everyone uses"), a few low and expiring keys and users, so the Tokens dashboard's Prometheus
 * panels are run against real Prometheus data whatever the demo gateway holds. Its own job, so it
 * never counts as an exporter (no newapi_build_info).
 */
final class AccountSeriesFixture implements AutoCloseable {
    static final String JOB = "token-monitor-accounts-fixture";

    private final HttpServer server;

    private AccountSeriesFixture(HttpServer server) {
        this.server = server;
    }

    static AccountSeriesFixture start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/metrics", exchange -> {
                byte[] body = exposition(Instant.now()).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return new AccountSeriesFixture(server);
        } catch (IOException e) {
            throw new UncheckedIOException("account series fixture: cannot listen", e);
        }
    }

    String target() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Key 2 (ci-pipeline of ops-bot) low in USD, key 4 (notebook of bob) expiring in a day, user 2 (bob) low. */
    static String exposition(Instant now) {
        long expiry = now.getEpochSecond() + 86_400;
        String key2 = "token_id=\"2\",token_name=\"ci-pipeline\",user_id=\"4\",username=\"ops-bot\"";
        String key4 = "token_id=\"4\",token_name=\"notebook\",user_id=\"2\",username=\"bob\"";
        return """
                # TYPE newapi_tokens gauge
                newapi_tokens{status="enabled"} 3
                newapi_tokens{status="disabled"} 1
                newapi_tokens{status="expired"} 0
                newapi_tokens{status="exhausted"} 0
                # TYPE newapi_users gauge
                newapi_users{status="enabled"} 5
                newapi_users{status="disabled"} 0
                # TYPE newapi_tokens_low_quota gauge
                newapi_tokens_low_quota 1
                # TYPE newapi_tokens_expiring gauge
                newapi_tokens_expiring 1
                # TYPE newapi_users_low_quota gauge
                newapi_users_low_quota 1
                # TYPE newapi_token_remaining_usd gauge
                newapi_token_remaining_usd{%1$s} 0.42
                newapi_token_remaining_usd{%2$s} 25
                # TYPE newapi_token_remaining_ratio gauge
                newapi_token_remaining_ratio{%1$s} 0.04
                newapi_token_remaining_ratio{%2$s} 0.5
                # TYPE newapi_token_expiry_timestamp_seconds gauge
                newapi_token_expiry_timestamp_seconds{%2$s} %3$d
                # TYPE newapi_user_remaining_usd gauge
                newapi_user_remaining_usd{user_id="2",username="bob",group="default"} 0.8
                # TYPE newapi_user_remaining_ratio gauge
                newapi_user_remaining_ratio{user_id="2",username="bob",group="default"} 0.08
                # TYPE newapi_low_quota_threshold_usd gauge
                newapi_low_quota_threshold_usd 1
                # TYPE newapi_low_quota_threshold_ratio gauge
                newapi_low_quota_threshold_ratio 0.1
                # TYPE newapi_expiry_warning_seconds gauge
                newapi_expiry_warning_seconds 259200
                # TYPE newapi_account_series_omitted gauge
                newapi_account_series_omitted{kind="token"} 0
                newapi_account_series_omitted{kind="user"} 0
                # TYPE newapi_accounts_last_refresh_timestamp_seconds gauge
                newapi_accounts_last_refresh_timestamp_seconds %4$d
                """.formatted(key2, key4, expiry, now.getEpochSecond());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
