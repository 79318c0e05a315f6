package io.tokenmonitor.bridge.notify;

import io.tokenmonitor.common.config.Secret;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A named notification target; secrets are {@link Secret}s so that printing a config never shows them. */
public sealed interface TargetConfig {
    /** The name alerts use in their {@code notify} label. */
    String name();

    /** A Telegram chat reached through a bot. */
    record Telegram(String name, Secret botToken, String chatId, Optional<Long> messageThreadId, URI apiUrl)
            implements TargetConfig {}

    /** A Feishu/Lark custom bot webhook, with its optional signing secret. */
    record Feishu(String name, Secret webhook, Optional<Secret> signingSecret) implements TargetConfig {}

    /** A WeCom group bot webhook (the key in its URL is the only credential). */
    record WeCom(String name, Secret webhook) implements TargetConfig {}

    /** A DingTalk custom robot webhook (its access_token is the credential), with its optional signing secret. */
    record DingTalk(String name, Secret webhook, Optional<Secret> signingSecret) implements TargetConfig {}

    /** Mailboxes reached through an SMTP server. */
    record Email(
            String name,
            String host,
            int port,
            SmtpSecurity security,
            Optional<String> username,
            Optional<Secret> password,
            Optional<Path> tlsCaFile,
            String from,
            List<String> to,
            String subjectPrefix,
            Duration timeout)
            implements TargetConfig {
        public Email {
            to = List.copyOf(to);
        }
    }

    /** How the SMTP connection is protected. */
    enum SmtpSecurity {
        /** Plain connect, then the STARTTLS upgrade, required (port 587). */
        STARTTLS,
        /** TLS from the first byte, "SMTPS" (port 465). */
        TLS,
        /** No encryption: only when configured explicitly, for a relay on the same host or network. */
        NONE
    }

    /**
     * An HTTP endpoint that receives a JSON POST: the bridge's own JSON shape, or the body Slack or Discord
     * incoming webhooks expect. {@code headers} are sent as given; their values may be credentials.
     */
    record Webhook(
            String name, Secret url, WebhookFormat format, Optional<Secret> signingSecret, Map<String, Secret> headers)
            implements TargetConfig {
        public Webhook {
            headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        }
    }

    /** The body a webhook target posts. */
    enum WebhookFormat {
        JSON,
        SLACK,
        DISCORD
    }
}
