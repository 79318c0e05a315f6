package io.tokenmonitor.bridge.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmonitor.common.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Telegram bot {@code sendMessage} in HTML parse mode, split at 4096 characters, honouring {@code retry_after}. */
public final class TelegramNotifier implements Notifier {
    /** Telegram's limit is 4096 characters after entity parsing; counting the markup too keeps a margin. */
    static final int MAX_MESSAGE_CHARS = 4096;

    /** A bot token as @BotFather gives it: the bot's id, a colon, the secret part. Nothing else reaches a URL. */
    private static final Pattern BOT_TOKEN = Pattern.compile("[0-9]+:[A-Za-z0-9_-]+");

    private final URI sendMessage;
    private final Secret botToken;
    private final String chatId;
    private final Optional<Long> messageThreadId;
    private final JsonPost http;
    private final ObjectMapper mapper;

    public TelegramNotifier(
            URI apiUrl,
            Secret botToken,
            String chatId,
            Optional<Long> messageThreadId,
            JsonPost http,
            ObjectMapper mapper) {
        if (!isBotToken(botToken.value())) {
            // URI.create would quote the whole URL, token included, in its message.
            throw new IllegalArgumentException("not a Telegram bot token (the value is not shown)");
        }
        String base = apiUrl.toString().replaceAll("/+$", "");
        this.sendMessage = URI.create(base + "/bot" + botToken.value() + "/sendMessage");
        this.botToken = botToken;
        this.chatId = chatId;
        this.messageThreadId = messageThreadId;
        this.http = http;
        this.mapper = mapper;
    }

    /** Whether {@code text} has a bot token's grammar, {@code <digits>:<letters, digits, _ and ->}. */
    public static boolean isBotToken(String text) {
        return BOT_TOKEN.matcher(text).matches();
    }

    @Override
    public String platform() {
        return "telegram";
    }

    @Override
    public List<String> render(Notification notification) {
        MessageLayout layout = MessageLayout.of(notification);
        List<String> lines = new ArrayList<>();
        lines.add("<b>" + escape(layout.title()) + "</b>");
        for (MessageLayout.Field f : layout.fields()) {
            lines.add(
                    f.label().isEmpty() ? escape(f.value()) : "<b>" + escape(f.label()) + ":</b> " + escape(f.value()));
        }
        for (Notification.Link link : layout.links()) {
            lines.add("<a href=\"" + escapeAttribute(link.url()) + "\">"
                    + escape(MessageLayout.caption(link.kind(), notification.language())) + "</a>");
        }
        return new MessageSplitter(String::length, MAX_MESSAGE_CHARS).split(lines);
    }

    @Override
    public Delivery send(String part) {
        ObjectNode body = mapper.createObjectNode();
        body.put("chat_id", chatId);
        messageThreadId.ifPresent(id -> body.put("message_thread_id", id));
        body.put("text", part);
        body.put("parse_mode", "HTML");
        body.putObject("link_preview_options").put("is_disabled", true);
        JsonPost.Response response;
        try {
            response = http.post(sendMessage, body.toString());
        } catch (IOException e) {
            return new Delivery.RetryLater(Duration.ZERO, mask(JsonPost.describe(e)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Delivery.RetryLater(Duration.ZERO, "interrupted");
        }
        return interpret(response);
    }

    private Delivery interpret(JsonPost.Response response) {
        JsonNode answer = parse(response.body());
        if (answer.path("ok").asBoolean(false) && response.status() / 100 == 2) {
            return new Delivery.Sent();
        }
        String description = mask(answer.path("description").asText("HTTP " + response.status()));
        int code = answer.path("error_code").asInt(response.status());
        JsonNode parameters = answer.path("parameters");
        if (code == 429 || response.status() == 429) {
            long seconds = parameters.path("retry_after").asLong(1);
            return new Delivery.RetryLater(Duration.ofSeconds(Math.max(1, seconds)), "telegram 429: " + description);
        }
        if (response.status() >= 500 || code >= 500) {
            return new Delivery.RetryLater(Duration.ZERO, "telegram " + code + ": " + description);
        }
        if (parameters.has("migrate_to_chat_id")) {
            return new Delivery.Rejected("telegram: group became supergroup "
                    + parameters.path("migrate_to_chat_id").asText() + "; set chat_id to that id");
        }
        return new Delivery.Rejected("telegram " + code + ": " + description);
    }

    private JsonNode parse(String body) {
        try {
            return mapper.readTree(body == null ? "" : body);
        } catch (IOException e) {
            return mapper.createObjectNode();
        }
    }

    /** Telegram echoes nothing secret, but a proxy might; the token must never reach logs or the store. */
    private String mask(String text) {
        return text.replace(botToken.value(), "<masked>");
    }

    /** Escapes text for Telegram's HTML parse mode: only {@code & < >} need it outside tags. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String escapeAttribute(String text) {
        return escape(text).replace("\"", "&quot;");
    }
}
