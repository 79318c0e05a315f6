package io.tokenmonitor.bridge.notify;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmonitor.common.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * DingTalk custom robot: markdown messages, signed in the URL when the robot has a secret. The body's
 * {@code errcode}, not the HTTP status, decides success: 130101 means "more than 20 a minute" and locks the robot
 * for 10 minutes, 310000 means the signature, keyword or IP allow-list refused the message and will always do so.
 */
public final class DingTalkNotifier implements Notifier {
    /**
     * DingTalk refuses bodies over 20,000 bytes (460101). The budget is measured JSON-escaped, with the title and the
     * envelope kept out of it.
     */
    static final int MAX_TEXT_BYTES = 17_000;
    /** DingTalk throttles a robot for 10 minutes once it sent 20 messages in a minute. */
    static final Duration THROTTLE_WAIT = Duration.ofMinutes(10);

    private static final int ERRCODE_SEND_TOO_FAST = 130101;
    private static final int ERRCODE_SYSTEM_BUSY = -1;
    private static final int ERRCODE_SECURITY_MISMATCH = 310000;

    private final URI webhook;
    private final Optional<DingTalkSigner> signer;
    private final JsonPost http;
    private final ObjectMapper mapper;
    private final Clock clock;

    public DingTalkNotifier(
            Secret webhook, Optional<Secret> signingSecret, JsonPost http, ObjectMapper mapper, Clock clock) {
        this.webhook = URI.create(webhook.value());
        this.signer = signingSecret.map(DingTalkSigner::new);
        this.http = http;
        this.mapper = mapper;
        this.clock = clock;
    }

    @Override
    public String platform() {
        return "dingtalk";
    }

    @Override
    public List<String> render(Notification notification) {
        MessageLayout layout = MessageLayout.of(notification);
        // DingTalk's markdown has no escape character either: WeCom's full-width twins read the same here.
        List<String> lines = new ArrayList<>();
        lines.add("#### " + WeComNotifier.escape(layout.title()));
        for (MessageLayout.Field f : layout.fields()) {
            lines.add(
                    f.label().isEmpty()
                            ? "> " + WeComNotifier.escape(f.value())
                            : "**" + WeComNotifier.escape(f.label()) + ":** " + WeComNotifier.escape(f.value()));
        }
        for (Notification.Link link : layout.links()) {
            lines.add("[" + WeComNotifier.escape(MessageLayout.caption(link.kind(), notification.language())) + "]("
                    + WeComNotifier.escapeUrl(link.url()) + ")");
        }
        List<String> texts = new MessageSplitter(DingTalkNotifier::measure, MAX_TEXT_BYTES).split(lines);
        List<String> parts = new ArrayList<>(texts.size());
        for (String text : texts) {
            ObjectNode body = mapper.createObjectNode();
            body.put("msgtype", "markdown");
            // DingTalk renders a single newline as a space; a blank line between lines keeps them apart.
            body.putObject("markdown").put("title", layout.title()).put("text", text.replace("\n", "\n\n"));
            parts.add(body.toString());
        }
        return parts;
    }

    /** A line's bytes in the JSON body: escaped, its newlines doubled, plus the doubled separator. */
    static int measure(String line) {
        int newlines = (int) line.chars().filter(c -> c == '\n').count();
        return JsonStringEncoder.getInstance().quoteAsUTF8(line).length + 3 + 2 * newlines;
    }

    @Override
    public Delivery send(String part) {
        URI uri = webhook;
        if (signer.isPresent()) {
            long timestamp = clock.millis();
            String query = "timestamp=" + timestamp + "&sign=" + signer.get().sign(timestamp);
            uri = URI.create(webhook + (webhook.getRawQuery() == null ? "?" : "&") + query);
        }
        JsonPost.Response response;
        try {
            response = http.post(uri, part);
        } catch (IOException e) {
            return new Delivery.RetryLater(Duration.ZERO, JsonPost.redact(JsonPost.describe(e), webhook));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Delivery.RetryLater(Duration.ZERO, "interrupted");
        }
        Optional<RobotAnswer> answer = RobotAnswer.of(response, mapper, webhook);
        if (answer.isEmpty()) {
            return RobotAnswer.withoutErrcode("dingtalk", response.status());
        }
        int errcode = answer.get().errcode();
        String errmsg = answer.get().errmsg();
        if (errcode == 0) {
            return new Delivery.Sent();
        }
        if (errcode == ERRCODE_SEND_TOO_FAST) {
            return new Delivery.RetryLater(THROTTLE_WAIT, "dingtalk 130101: " + errmsg);
        }
        if (errcode == ERRCODE_SYSTEM_BUSY || response.status() >= 500) {
            return new Delivery.RetryLater(Duration.ZERO, "dingtalk " + errcode + ": " + errmsg);
        }
        if (errcode == ERRCODE_SECURITY_MISMATCH) {
            return new Delivery.Rejected("dingtalk 310000: " + errmsg
                    + " (the robot's security settings refused it: check DINGTALK_SECRET against its 加签 secret,"
                    + " its keywords and its IP allow-list)");
        }
        return new Delivery.Rejected("dingtalk " + errcode + ": " + errmsg);
    }
}
