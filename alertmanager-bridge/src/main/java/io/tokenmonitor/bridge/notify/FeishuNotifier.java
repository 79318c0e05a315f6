package io.tokenmonitor.bridge.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmonitor.common.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Feishu/Lark custom bot: an interactive card (JSON 2.0) whose header colour follows severity and status, with
 * the labels and buttons to dashboard, runbook and silence. The body's {@code code}, not the HTTP status,
 * decides success.
 */
public final class FeishuNotifier implements Notifier {
    /** The request limit is 20 KB; leave room for the header, buttons, JSON escaping and the signature. */
    static final int MAX_MARKDOWN_BYTES = 12_000;
    /** Feishu asks throttled bots to slow down without saying how long; its limit is 100 per minute. */
    static final Duration THROTTLE_WAIT = Duration.ofSeconds(10);

    private static final int CODE_THROTTLED = 11232;
    private static final int CODE_BAD_REQUEST_OR_THROTTLED = 9499;

    private final URI webhook;
    private final Optional<FeishuSigner> signer;
    private final JsonPost http;
    private final ObjectMapper mapper;
    private final Clock clock;

    public FeishuNotifier(
            Secret webhook, Optional<Secret> signingSecret, JsonPost http, ObjectMapper mapper, Clock clock) {
        this.webhook = URI.create(webhook.value());
        this.signer = signingSecret.map(FeishuSigner::new);
        this.http = http;
        this.mapper = mapper;
        this.clock = clock;
    }

    @Override
    public String platform() {
        return "feishu";
    }

    @Override
    public List<String> render(Notification notification) {
        MessageLayout layout = MessageLayout.of(notification);
        List<String> lines = new ArrayList<>();
        for (MessageLayout.Field f : layout.fields()) {
            lines.add(f.label().isEmpty() ? escape(f.value()) : "**" + escape(f.label()) + ":** " + escape(f.value()));
        }
        List<String> bodies =
                new MessageSplitter(s -> s.getBytes(StandardCharsets.UTF_8).length, MAX_MARKDOWN_BYTES).split(lines);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            boolean last = i == bodies.size() - 1;
            parts.add(card(layout, notification.language(), bodies.get(i), last).toString());
        }
        return parts;
    }

    private ObjectNode card(MessageLayout layout, Language language, String markdown, boolean withButtons) {
        ObjectNode message = mapper.createObjectNode();
        message.put("msg_type", "interactive");
        ObjectNode card = message.putObject("card");
        card.put("schema", "2.0");
        card.putObject("config").put("update_multi", true);
        ObjectNode header = card.putObject("header");
        header.putObject("title").put("tag", "plain_text").put("content", layout.title());
        header.put("template", colour(layout));
        ArrayNode elements = card.putObject("body").putArray("elements");
        elements.addObject().put("tag", "markdown").put("content", markdown);
        if (withButtons) {
            for (Notification.Link link : layout.links()) {
                ObjectNode button = elements.addObject();
                button.put("tag", "button");
                button.putObject("text")
                        .put("tag", "plain_text")
                        .put("content", MessageLayout.caption(link.kind(), language));
                button.put("type", link.kind() == Notification.LinkKind.DASHBOARD ? "primary" : "default");
                button.putArray("behaviors").addObject().put("type", "open_url").put("default_url", link.url());
            }
        }
        return message;
    }

    /** Header colour: green when resolved, otherwise red, orange or blue by severity. */
    static String colour(MessageLayout layout) {
        if (layout.resolvedOrTest()) {
            return layout.title().startsWith("✅") ? "green" : "blue";
        }
        return switch (layout.severity()) {
            case "critical" -> "red";
            case "info" -> "blue";
            default -> "orange";
        };
    }

    @Override
    public Delivery send(String part) {
        String body = part;
        if (signer.isPresent()) {
            try {
                ObjectNode signed = (ObjectNode) mapper.readTree(part);
                long timestamp = clock.instant().getEpochSecond();
                signed.put("timestamp", Long.toString(timestamp));
                signed.put("sign", signer.get().sign(timestamp));
                body = signed.toString();
            } catch (IOException | ClassCastException e) {
                return new Delivery.Rejected("feishu: stored message is not a JSON object");
            }
        }
        JsonPost.Response response;
        try {
            response = http.post(webhook, body);
        } catch (IOException e) {
            return new Delivery.RetryLater(Duration.ZERO, JsonPost.redact(JsonPost.describe(e), webhook));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Delivery.RetryLater(Duration.ZERO, "interrupted");
        }
        return interpret(response);
    }

    private Delivery interpret(JsonPost.Response response) {
        JsonNode answer;
        try {
            answer = mapper.readTree(response.body() == null ? "" : response.body());
        } catch (IOException e) {
            answer = mapper.createObjectNode();
        }
        JsonNode codeNode = answer.has("code") ? answer.get("code") : answer.get("StatusCode");
        String msg = JsonPost.redact(
                answer.path("msg").asText(answer.path("StatusMessage").asText("")), webhook);
        if (codeNode == null || !codeNode.canConvertToInt()) {
            if (response.status() == 429 || response.status() >= 500) {
                return new Delivery.RetryLater(Duration.ZERO, "feishu HTTP " + response.status());
            }
            return new Delivery.Rejected("feishu HTTP " + response.status() + " without a code in the body");
        }
        int code = codeNode.asInt();
        if (code == 0) {
            return new Delivery.Sent();
        }
        // 9499 means both "Bad Request" and "too many request"; only the message tells them apart.
        boolean throttled = code == CODE_THROTTLED
                || (code == CODE_BAD_REQUEST_OR_THROTTLED && msg.toLowerCase().contains("too many"));
        if (throttled || response.status() == 429) {
            return new Delivery.RetryLater(THROTTLE_WAIT, "feishu " + code + ": " + msg);
        }
        if (response.status() >= 500) {
            return new Delivery.RetryLater(Duration.ZERO, "feishu " + code + ": " + msg);
        }
        return new Delivery.Rejected("feishu " + code + ": " + msg);
    }

    /** Escapes Feishu card markdown with HTML entities, as its "special characters" section prescribes. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&', '<', '>', '*', '_', '~', '[', ']', '(', ')', '#', '`', '|', '\\' ->
                    out.append("&#").append((int) c).append(';');
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
