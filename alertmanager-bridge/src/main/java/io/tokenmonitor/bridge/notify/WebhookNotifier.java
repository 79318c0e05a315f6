package io.tokenmonitor.bridge.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmonitor.common.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A generic HTTP webhook: the bridge's own JSON ({@code format: json}), or the bodies Slack ({@code {"text": …}})
 * and Discord ({@code {"content": …}}) incoming webhooks take. The HTTP status decides: 2xx sent, 429 and 5xx
 * retried (after Retry-After when given), any other answer is final.
 */
public final class WebhookNotifier implements Notifier {
    /** Slack truncates a message's text at 40,000 characters and advises keeping it under 4,000. */
    static final int SLACK_MAX_CHARS = 4_000;
    /** Discord refuses {@code content} over 2,000 characters. */
    static final int DISCORD_MAX_CHARS = 2_000;
    /** A Retry-After past this is a misconfigured receiver; the outbox's dead-letter age decides the rest. */
    static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

    private static final int MAX_ERROR_BODY_CHARS = 200;

    private final URI url;
    private final TargetConfig.WebhookFormat format;
    private final Optional<WebhookSigner> signer;
    private final Map<String, Secret> headers;
    private final JsonPost http;
    private final ObjectMapper mapper;
    private final Clock clock;

    public WebhookNotifier(TargetConfig.Webhook target, JsonPost http, ObjectMapper mapper, Clock clock) {
        this.url = URI.create(target.url().value());
        this.format = target.format();
        this.signer = target.signingSecret().map(WebhookSigner::new);
        this.headers = target.headers();
        this.http = http;
        this.mapper = mapper;
        this.clock = clock;
    }

    @Override
    public String platform() {
        return switch (format) {
            case JSON -> "webhook";
            case SLACK -> "slack";
            case DISCORD -> "discord";
        };
    }

    @Override
    public List<String> render(Notification notification) {
        MessageLayout layout = MessageLayout.of(notification);
        return switch (format) {
            case JSON -> List.of(json(notification, layout).toString());
            case SLACK -> wrap("text", slackLines(layout, notification.language()), SLACK_MAX_CHARS, false);
            case DISCORD -> wrap("content", discordLines(layout, notification.language()), DISCORD_MAX_CHARS, true);
        };
    }

    /**
     * The documented JSON shape: the message as plain {@code text}, and in {@code alerts} the alert, or each alert of
     * a group message (whose {@code groupLabels} are the group's labels).
     */
    private ObjectNode json(Notification n, MessageLayout layout) {
        ObjectNode body = mapper.createObjectNode();
        body.put("version", "1");
        body.put("status", status(n.kind()));
        body.put("title", layout.title());
        body.put("text", String.join("\n", plainLines(layout, n.language())));
        ArrayNode alerts = body.putArray("alerts");
        if (n.isGroup()) {
            ObjectNode groupLabels = body.putObject("groupLabels");
            n.labels().forEach(groupLabels::put);
            for (Notification.Entry entry : n.entries()) {
                ObjectNode alert = alerts.addObject();
                alert.put("status", status(entry.kind()));
                alert.put("alertname", entry.alertName());
                alert.put("severity", entry.severity());
                ObjectNode labels = alert.putObject("labels");
                entry.labels().forEach(labels::put);
                ObjectNode annotations = alert.putObject("annotations");
                if (!entry.summary().isEmpty()) {
                    annotations.put("summary", entry.summary());
                }
            }
            return body;
        }
        ObjectNode alert = alerts.addObject();
        alert.put("status", status(n.kind()));
        alert.put("alertname", n.alertName());
        alert.put("severity", n.severity());
        ObjectNode labels = alert.putObject("labels");
        n.labels().forEach(labels::put);
        ObjectNode annotations = alert.putObject("annotations");
        if (!n.summary().isEmpty()) {
            annotations.put("summary", n.summary());
        }
        if (!n.description().isEmpty()) {
            annotations.put("description", n.description());
        }
        if (n.startsAt() != null) {
            alert.put("startsAt", n.startsAt().toString());
        }
        n.endsAt().ifPresent(end -> alert.put("endsAt", end.toString()));
        ArrayNode links = alert.putArray("links");
        for (Notification.Link link : n.links()) {
            links.addObject()
                    .put("kind", link.kind().name().toLowerCase(Locale.ROOT))
                    .put("url", link.url());
        }
        ArrayNode notes = alert.putArray("notes");
        n.notes().forEach(notes::add);
        return body;
    }

    private static String status(Notification.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static List<String> plainLines(MessageLayout layout, Language language) {
        List<String> lines = new ArrayList<>();
        lines.add(layout.title());
        for (MessageLayout.Field f : layout.fields()) {
            lines.add(f.label().isEmpty() ? "  " + f.value() : f.label() + ": " + f.value());
        }
        for (Notification.Link link : layout.links()) {
            lines.add(MessageLayout.caption(link.kind(), language) + ": " + link.url());
        }
        return lines;
    }

    /** Slack mrkdwn: only {@code & < >} need escaping (Slack's "Escaping text"); links are {@code <url|caption>}. */
    private static List<String> slackLines(MessageLayout layout, Language language) {
        List<String> lines = new ArrayList<>();
        lines.add("*" + slackEscape(layout.title()) + "*");
        for (MessageLayout.Field f : layout.fields()) {
            lines.add(
                    f.label().isEmpty()
                            ? "> " + slackEscape(f.value())
                            : "*" + slackEscape(f.label()) + ":* " + slackEscape(f.value()));
        }
        for (Notification.Link link : layout.links()) {
            lines.add("<" + slackEscape(link.url()).replace("|", "%7C") + "|"
                    + slackEscape(MessageLayout.caption(link.kind(), language)) + ">");
        }
        return lines;
    }

    static String slackEscape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Discord markdown takes backslash escapes; links are {@code [caption](<url>)}, the brackets stop embeds. */
    private static List<String> discordLines(MessageLayout layout, Language language) {
        List<String> lines = new ArrayList<>();
        lines.add("**" + discordEscape(layout.title()) + "**");
        for (MessageLayout.Field f : layout.fields()) {
            lines.add(
                    f.label().isEmpty()
                            ? "> " + discordEscape(f.value())
                            : "**" + discordEscape(f.label()) + ":** " + discordEscape(f.value()));
        }
        for (Notification.Link link : layout.links()) {
            lines.add("[" + discordEscape(MessageLayout.caption(link.kind(), language)) + "](<"
                    + WeComNotifier.escapeUrl(link.url()) + ">)");
        }
        return lines;
    }

    static String discordEscape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ("\\*_~`|>#[]()<@:-".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    private List<String> wrap(String field, List<String> lines, int maxChars, boolean noMentions) {
        List<String> parts = new ArrayList<>();
        for (String text : new MessageSplitter(String::length, maxChars).split(lines)) {
            ObjectNode body = mapper.createObjectNode();
            body.put(field, text);
            if (noMentions) {
                // A label value reading "@everyone" must not ping a whole Discord server.
                body.putObject("allowed_mentions").putArray("parse");
            }
            parts.add(body.toString());
        }
        return parts;
    }

    @Override
    public Delivery send(String part) {
        Map<String, String> extra = new LinkedHashMap<>();
        headers.forEach((name, value) -> extra.put(name, value.value()));
        signer.ifPresent(s -> {
            long timestamp = clock.instant().getEpochSecond();
            extra.put(WebhookSigner.TIMESTAMP_HEADER, Long.toString(timestamp));
            extra.put(WebhookSigner.SIGNATURE_HEADER, s.sign(timestamp, part));
        });
        JsonPost.Response response;
        try {
            response = http.post(url, part, extra);
        } catch (IOException e) {
            return new Delivery.RetryLater(Duration.ZERO, redact(JsonPost.describe(e)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Delivery.RetryLater(Duration.ZERO, "interrupted");
        }
        int status = response.status();
        if (status / 100 == 2) {
            return new Delivery.Sent();
        }
        String reason = platform() + " HTTP " + status + excerpt(response.body());
        if (status == 429 || status == 408 || status >= 500) {
            return new Delivery.RetryLater(retryAfter(response), reason);
        }
        return new Delivery.Rejected(reason);
    }

    /** Retry-After in seconds or as an HTTP date; Discord's body {@code retry_after} (seconds) otherwise. */
    private Duration retryAfter(JsonPost.Response response) {
        Duration wait = response.retryAfter().flatMap(this::parseRetryAfter).orElse(Duration.ZERO);
        if (wait.isZero() && response.body() != null) {
            try {
                JsonNode answer = mapper.readTree(response.body());
                if (answer != null && answer.path("retry_after").isNumber()) {
                    wait = Duration.ofMillis((long) (answer.path("retry_after").asDouble() * 1000));
                }
            } catch (IOException e) {
                // not JSON: no hint
            }
        }
        if (wait.isNegative()) {
            return Duration.ZERO;
        }
        return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
    }

    private Optional<Duration> parseRetryAfter(String value) {
        String v = value.strip();
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                return Optional.of(Duration.between(clock.instant(), at));
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String line = body.strip().lines().findFirst().orElse("");
        if (line.length() > MAX_ERROR_BODY_CHARS) {
            line = line.substring(0, MAX_ERROR_BODY_CHARS) + "…";
        }
        return ": " + redact(line);
    }

    /** The URL (Slack and Discord keep their token in it) and the custom header values never reach a log. */
    private String redact(String text) {
        String out = JsonPost.redact(text, url);
        for (Secret value : headers.values()) {
            out = out.replace(value.value(), "<masked>");
        }
        return out;
    }
}
