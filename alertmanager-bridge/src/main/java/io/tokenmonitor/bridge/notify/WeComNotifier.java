package io.tokenmonitor.bridge.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmonitor.common.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** WeCom group bot: markdown messages split at 4096 UTF-8 bytes; errcode 45009 means "slow down". */
public final class WeComNotifier implements Notifier {
    /** The limit is 4096 bytes of content; a margin keeps the part marker and rounding safe. */
    static final int MAX_CONTENT_BYTES = 4000;
    /** WeCom allows 20 messages a minute per bot; after 45009 the minute has to pass. */
    static final Duration RATE_LIMIT_WAIT = Duration.ofSeconds(60);

    private static final int ERRCODE_FREQ_OUT_OF_LIMIT = 45009;
    private static final int ERRCODE_SYSTEM_BUSY = -1;

    private final URI webhook;
    private final JsonPost http;
    private final ObjectMapper mapper;

    public WeComNotifier(Secret webhook, JsonPost http, ObjectMapper mapper) {
        this.webhook = URI.create(webhook.value());
        this.http = http;
        this.mapper = mapper;
    }

    @Override
    public String platform() {
        return "wecom";
    }

    @Override
    public List<String> render(Notification notification) {
        MessageLayout layout = MessageLayout.of(notification);
        String colour = layout.resolvedOrTest() ? "info" : layout.severity().equals("info") ? "comment" : "warning";
        List<String> lines = new ArrayList<>();
        lines.add("<font color=\"" + colour + "\">**" + escape(layout.title()) + "**</font>");
        for (MessageLayout.Field f : layout.fields()) {
            lines.add(
                    f.label().isEmpty()
                            ? "> " + escape(f.value())
                            : "**" + escape(f.label()) + ":** " + escape(f.value()));
        }
        for (Notification.Link link : layout.links()) {
            lines.add("[" + escape(MessageLayout.caption(link.kind(), notification.language())) + "]("
                    + escapeUrl(link.url()) + ")");
        }
        return new MessageSplitter(s -> s.getBytes(StandardCharsets.UTF_8).length, MAX_CONTENT_BYTES).split(lines);
    }

    @Override
    public Delivery send(String part) {
        ObjectNode body = mapper.createObjectNode();
        body.put("msgtype", "markdown");
        body.putObject("markdown").put("content", part);
        JsonPost.Response response;
        try {
            response = http.post(webhook, body.toString());
        } catch (IOException e) {
            return new Delivery.RetryLater(Duration.ZERO, JsonPost.redact(JsonPost.describe(e), webhook));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Delivery.RetryLater(Duration.ZERO, "interrupted");
        }
        Optional<RobotAnswer> answer = RobotAnswer.of(response, mapper, webhook);
        if (answer.isEmpty()) {
            return RobotAnswer.withoutErrcode("wecom", response.status());
        }
        int errcode = answer.get().errcode();
        String errmsg = answer.get().errmsg();
        if (errcode == 0) {
            return new Delivery.Sent();
        }
        if (errcode == ERRCODE_FREQ_OUT_OF_LIMIT) {
            return new Delivery.RetryLater(RATE_LIMIT_WAIT, "wecom 45009: " + errmsg);
        }
        if (errcode == ERRCODE_SYSTEM_BUSY || response.status() >= 500) {
            return new Delivery.RetryLater(Duration.ZERO, "wecom " + errcode + ": " + errmsg);
        }
        return new Delivery.Rejected("wecom " + errcode + ": " + errmsg);
    }

    /**
     * Makes text inert in WeCom's markdown. Its documented subset (headings, bold, links, inline code, quotes,
     * {@code <font color>}, {@code <@userid>} mentions) has no escape character and no documented entity decoding,
     * so each character that opens markup becomes its full-width twin: it reads the same and renders as itself.
     * Every line is escaped whole, so a newline in a value cannot start a heading or a quote either.
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '[', ']', '(', ')', '<', '>', '*', '`', '#', '\\', '&' ->
                    out.append((char) (c - 0x21 + 0xFF01)); // U+FF01..U+FF5E mirror ASCII 0x21..0x7E
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A link target that cannot close the link: what could end or nest it is percent-encoded. */
    static String escapeUrl(String url) {
        StringBuilder out = new StringBuilder(url.length());
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c <= ' ' || "()[]<>\"'`*\\|{}^".indexOf(c) >= 0 || c == 0x7F) {
                out.append('%').append(String.format("%02X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
