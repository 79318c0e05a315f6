package io.tokenmonitor.bridge.notify;

import io.tokenmonitor.common.config.Secret;
import java.net.URI;
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
}
