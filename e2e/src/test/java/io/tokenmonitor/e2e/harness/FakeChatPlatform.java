package io.tokenmonitor.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A local stand-in for one chat platform's bot API, answering as the platform documents it:
 * <ul>
 *   <li>Telegram: {@code POST /bot<token>/sendMessage}, JSON {chat_id, text, parse_mode}; answers
 *       {@code {"ok":true,"result":{…}}}, or 401 for another token and 400 "chat not found" for another chat.</li>
 *   <li>Feishu custom bot: {@code POST /open-apis/bot/v2/hook/<id>}; with a signing secret it checks
 *       {@code timestamp} (within an hour) and {@code sign} = Base64(HmacSHA256(key = timestamp + "\n" + secret, ""));
 *       answers {@code {"code":0,"msg":"success"}} or code 19021 (bad signature) / 19001 (unknown hook).</li>
 *   <li>WeCom group bot: {@code POST /cgi-bin/webhook/send?key=<key>}, JSON {msgtype, markdown|text};
 *       answers {@code {"errcode":0,"errmsg":"ok"}} or errcode 93000 for an unknown key.</li>
 * </ul>
 * Every accepted message is recorded with its visible text (markup entities decoded).
 */
public final class FakeChatPlatform implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ENTITY = Pattern.compile("&#(\\d+);");

    /** One message the platform accepted. */
    public record Message(String platform, Instant at, String text, JsonNode body) {
        public boolean mentions(String... parts) {
            for (String p : parts) {
                if (!text.contains(p)) {
                    return false;
                }
            }
            return true;
        }
    }

    private enum Kind {
        TELEGRAM,
        FEISHU,
        WECOM
    }

    private final Kind kind;
    private final HttpServer server;
    private final String credential;
    private final String secondary;
    private final List<Message> messages = new CopyOnWriteArrayList<>();
    private final List<String> rejected = new CopyOnWriteArrayList<>();
    private final AtomicLong messageIds = new AtomicLong(100);

    private FakeChatPlatform(Kind kind, String credential, String secondary) {
        this.kind = kind;
        this.credential = credential;
        this.secondary = secondary;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake " + kind, e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
    }

    /** Telegram's Bot API for {@code botToken}, accepting messages to {@code chatId}. Base URL = {@link #baseUrl()}. */
    public static FakeChatPlatform telegram(String botToken, String chatId) {
        return new FakeChatPlatform(Kind.TELEGRAM, botToken, chatId);
    }

    /** A Feishu custom bot with hook id {@code hookId} and signing secret {@code secret}; webhook = {@link #webhookUrl()}. */
    public static FakeChatPlatform feishu(String hookId, String secret) {
        return new FakeChatPlatform(Kind.FEISHU, hookId, secret);
    }

    /** A WeCom group bot with key {@code key}; webhook = {@link #webhookUrl()}. */
    public static FakeChatPlatform wecom(String key) {
        return new FakeChatPlatform(Kind.WECOM, key, null);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The full webhook URL (Feishu, WeCom). */
    public String webhookUrl() {
        return switch (kind) {
            case TELEGRAM -> baseUrl();
            case FEISHU -> baseUrl() + "/open-apis/bot/v2/hook/" + credential;
            case WECOM -> baseUrl() + "/cgi-bin/webhook/send?key=" + credential;
        };
    }

    public String name() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Every accepted message so far, oldest first. */
    public List<Message> messages() {
        return new ArrayList<>(messages);
    }

    public List<Message> messages(Predicate<Message> filter) {
        return messages.stream().filter(filter).toList();
    }

    /** Requests answered with an error (wrong token, signature, chat …), with the reason. */
    public List<String> rejected() {
        return new ArrayList<>(rejected);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            if (!"POST".equals(exchange.getRequestMethod())) {
                answer(exchange, 405, "{\"error\":\"method not allowed\"}");
                return;
            }
            JsonNode body;
            try {
                body = JSON.readTree(new String(raw, StandardCharsets.UTF_8));
            } catch (IOException e) {
                reject(exchange, 400, "not JSON", error("body is not JSON"));
                return;
            }
            switch (kind) {
                case TELEGRAM -> telegram(exchange, body);
                case FEISHU -> feishu(exchange, body);
                case WECOM -> wecom(exchange, body);
            }
        }
    }

    private void telegram(HttpExchange exchange, JsonNode body) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!path.equals("/bot" + credential + "/sendMessage")) {
            reject(
                    exchange,
                    path.startsWith("/bot") ? 401 : 404,
                    "telegram path " + path.replace(credential, "<token>"),
                    "{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}");
            return;
        }
        if (!secondary.equals(body.path("chat_id").asText())) {
            reject(
                    exchange,
                    400,
                    "telegram chat " + body.path("chat_id"),
                    "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: chat not found\"}");
            return;
        }
        String text = body.path("text").asText("");
        if (text.isEmpty()) {
            reject(
                    exchange,
                    400,
                    "telegram empty text",
                    "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: message text is empty\"}");
            return;
        }
        long id = messageIds.incrementAndGet();
        messages.add(new Message(name(), Instant.now(), html(text), body));
        ObjectNode result = JSON.createObjectNode();
        result.put("ok", true);
        ObjectNode message = result.putObject("result");
        message.put("message_id", id);
        message.put("date", Instant.now().getEpochSecond());
        message.putObject("chat").put("id", Long.parseLong(secondary)).put("type", "supergroup");
        message.put("text", text);
        answer(exchange, 200, result.toString());
    }

    private void feishu(HttpExchange exchange, JsonNode body) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/open-apis/bot/v2/hook/" + credential)) {
            reject(
                    exchange,
                    200,
                    "feishu unknown hook",
                    "{\"code\":19001,\"msg\":\"param invalid: incoming webhook access token invalid\",\"data\":{}}");
            return;
        }
        if (secondary != null) {
            long timestamp = body.path("timestamp").asLong(-1);
            String sign = body.path("sign").asText("");
            if (Math.abs(Instant.now().getEpochSecond() - timestamp) > 3600
                    || !sign.equals(feishuSign(timestamp, secondary))) {
                reject(
                        exchange,
                        200,
                        "feishu signature",
                        "{\"code\":19021,\"msg\":\"sign match fail or timestamp is not within one hour from current time\",\"data\":{}}");
                return;
            }
        }
        StringBuilder text = new StringBuilder();
        String type = body.path("msg_type").asText();
        if (type.equals("interactive")) {
            JsonNode card = body.path("card");
            text.append(card.path("header").path("title").path("content").asText())
                    .append('\n');
            for (JsonNode element : card.path("body").path("elements")) {
                if (element.path("tag").asText().equals("markdown")) {
                    text.append(element.path("content").asText()).append('\n');
                }
            }
        } else if (type.equals("text")) {
            text.append(body.path("content").path("text").asText());
        } else {
            reject(exchange, 200, "feishu msg_type " + type, "{\"code\":9499,\"msg\":\"Bad Request\",\"data\":{}}");
            return;
        }
        messages.add(new Message(name(), Instant.now(), entities(text.toString()), body));
        answer(
                exchange,
                200,
                "{\"StatusCode\":0,\"StatusMessage\":\"success\",\"code\":0,\"data\":{},\"msg\":\"success\"}");
    }

    private void wecom(HttpExchange exchange, JsonNode body) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        if (!exchange.getRequestURI().getPath().equals("/cgi-bin/webhook/send")
                || query == null
                || !query.equals("key=" + credential)) {
            reject(exchange, 200, "wecom key", "{\"errcode\":93000,\"errmsg\":\"invalid webhook url\"}");
            return;
        }
        String type = body.path("msgtype").asText();
        String text = body.path(type).path("content").asText("");
        if (!(type.equals("markdown") || type.equals("text")) || text.isEmpty()) {
            reject(exchange, 200, "wecom msgtype " + type, "{\"errcode\":40008,\"errmsg\":\"invalid message type\"}");
            return;
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > 4096) {
            reject(
                    exchange,
                    200,
                    "wecom too long",
                    "{\"errcode\":40058,\"errmsg\":\"markdown.content exceed max length 4096\"}");
            return;
        }
        messages.add(new Message(name(), Instant.now(), text, body));
        answer(exchange, 200, "{\"errcode\":0,\"errmsg\":\"ok\"}");
    }

    static String feishuSign(long timestamp, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec((timestamp + "\n" + secret).getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(new byte[0]));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Telegram HTML: tags dropped, the three entities decoded. */
    private static String html(String text) {
        return text.replaceAll("<[^>]+>", "")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&");
    }

    private static String entities(String text) {
        Matcher m = ENTITY.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1)))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private void reject(HttpExchange exchange, int status, String reason, String answer) throws IOException {
        rejected.add(reason);
        answer(exchange, status, answer);
    }

    private static String error(String message) {
        return "{\"error\":\"" + message + "\"}";
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
