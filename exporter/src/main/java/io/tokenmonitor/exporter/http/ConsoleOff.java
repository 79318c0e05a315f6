package io.tokenmonitor.exporter.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** {@code /console/} and {@code /api/v1/} when no one could log in: 404 saying how to switch them on (EN, ZH). */
final class ConsoleOff implements HttpHandler {
    static final String HOW_TO = "the rules console is off: add basic_auth_users to the web config"
            + " (WEB_CONFIG_FILE or --web.config.file), or set ACCESS_PASSWORD (or ACCESS_PASSWORD_FILE) for the user"
            + " admin, and restart the exporter";
    static final String HOW_TO_ZH = "告警规则控制台未开启：请在 web 配置（WEB_CONFIG_FILE 或 --web.config.file）中添加"
            + " basic_auth_users，或设置 ACCESS_PASSWORD（或 ACCESS_PASSWORD_FILE，用户名 admin），然后重启 exporter。";

    private final JsonReply reply;

    ConsoleOff(JsonReply reply) {
        this.reply = reply;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (exchange.getRequestURI().getPath().startsWith(RulesApi.PREFIX)) {
                reply.error(exchange, 404, "", HOW_TO + " / " + HOW_TO_ZH);
                return;
            }
            byte[] bytes = ("<!doctype html><meta charset=utf-8><title>Token Monitor rules console</title>"
                            + "<p>Token Monitor exporter: " + HOW_TO + ".</p><p>Token Monitor exporter：" + HOW_TO_ZH
                            + "</p>\n")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.getResponseHeaders().set("Content-Security-Policy", ConsolePage.CSP);
            exchange.sendResponseHeaders(404, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
