package io.tokenmonitor.bridge.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.List;

/** Turns a target's configuration into its notifier and its platform's documented rate limit. */
public final class TargetNotifiers {
    private final JsonPost http;
    private final ObjectMapper json;
    private final Clock clock;

    public TargetNotifiers(JsonPost http, ObjectMapper json, Clock clock) {
        this.http = http;
        this.json = json;
        this.clock = clock;
    }

    public Notifier create(TargetConfig target) {
        if (target instanceof TargetConfig.Telegram t) {
            return new TelegramNotifier(t.apiUrl(), t.botToken(), t.chatId(), t.messageThreadId(), http, json);
        }
        if (target instanceof TargetConfig.Feishu f) {
            return new FeishuNotifier(f.webhook(), f.signingSecret(), http, json, clock);
        }
        if (target instanceof TargetConfig.DingTalk d) {
            return new DingTalkNotifier(d.webhook(), d.signingSecret(), http, json, clock);
        }
        if (target instanceof TargetConfig.Email e) {
            return new EmailNotifier(
                    e, e.tlsCaFile().map(ca -> SmtpTrust.load(e.name() + ".tls_ca_file", ca)), json, clock);
        }
        if (target instanceof TargetConfig.Webhook w) {
            return new WebhookNotifier(w, http, json, clock);
        }
        TargetConfig.WeCom w = (TargetConfig.WeCom) target;
        return new WeComNotifier(w.webhook(), http, json);
    }

    public static List<SendRate> rateLimit(TargetConfig target) {
        if (target instanceof TargetConfig.Telegram) {
            return SendRate.TELEGRAM;
        }
        if (target instanceof TargetConfig.Feishu) {
            return SendRate.FEISHU;
        }
        if (target instanceof TargetConfig.DingTalk) {
            return SendRate.DINGTALK;
        }
        if (target instanceof TargetConfig.Email) {
            return SendRate.EMAIL;
        }
        if (target instanceof TargetConfig.Webhook w) {
            return switch (w.format()) {
                case SLACK -> SendRate.SLACK;
                case DISCORD -> SendRate.DISCORD;
                case JSON -> SendRate.WEBHOOK;
            };
        }
        return SendRate.WECOM;
    }
}
