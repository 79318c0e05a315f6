package io.tokenmonitor.bridge.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmonitor.common.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
        lines.add("<font color=\"" + colour + "\">**" + layout.title() + "**</font>");
        for (MessageLayout.Field f : layout.fields()) {
            lines.add(f.label().isEmpty() ? "> " + f.value() : "**" + f.label() + ":** " + f.value());
        }
        for (Notification.Link link : layout.links()) {
            lines.add("[" + MessageLayout.caption(link.kind(), notification.language()) + "](" + link.url() + ")");
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
            return new Delivery.RetryLater(Duration.ZERO, JsonPost.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Delivery.RetryLater(Duration.ZERO, "interrupted");
        }
        JsonNode answer;
        try {
            answer = mapper.readTree(response.body() == null ? "" : response.body());
        } catch (IOException e) {
            answer = mapper.createObjectNode();
        }
        if (!answer.has("errcode")) {
            return response.status() >= 500 || response.status() == 429
                    ? new Delivery.RetryLater(Duration.ZERO, "wecom HTTP " + response.status())
                    : new Delivery.Rejected("wecom HTTP " + response.status() + " without errcode");
        }
        int errcode = answer.path("errcode").asInt();
        String errmsg = answer.path("errmsg").asText("");
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
}
