package io.tokenmonitor.bridge.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tokenmonitor.bridge.breaker.BreakerLimit;
import io.tokenmonitor.bridge.breaker.BreakerSettings;
import io.tokenmonitor.bridge.digest.DigestSchedule;
import io.tokenmonitor.bridge.digest.DigestSettings;
import io.tokenmonitor.bridge.intake.WebhookAuth;
import io.tokenmonitor.bridge.notify.EmailNotifier;
import io.tokenmonitor.bridge.notify.Language;
import io.tokenmonitor.bridge.notify.SmtpTrust;
import io.tokenmonitor.bridge.notify.TargetConfig;
import io.tokenmonitor.bridge.notify.TelegramNotifier;
import io.tokenmonitor.bridge.outbox.OutboxSettings;
import io.tokenmonitor.bridge.policy.AlertDefaults;
import io.tokenmonitor.bridge.policy.GroupingSettings;
import io.tokenmonitor.common.alert.Severity;
import io.tokenmonitor.common.alert.TargetName;
import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.common.config.Env;
import io.tokenmonitor.common.config.HostPort;
import io.tokenmonitor.common.config.Secret;
import io.tokenmonitor.common.config.YamlSection;
import io.tokenmonitor.common.gateway.GatewayDsn;
import io.tokenmonitor.common.time.ActiveWindow;
import io.tokenmonitor.common.time.IanaZone;
import io.tokenmonitor.common.time.PromDuration;
import io.tokenmonitor.common.web.ConsoleLogin;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Builds the {@link BridgeConfig} from environment variables and the optional YAML file; fails on the first error. */
public final class ConfigLoader {
    public static final String DEFAULT_LISTEN_ADDRESS = "0.0.0.0:9467";
    public static final String DEFAULT_STATE_PATH = "data/bridge.db";
    public static final String DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org";
    public static final String DEFAULT_SEVERITY = "warning";

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    /** Reads the environment and, when given, the YAML file. */
    public BridgeConfig load(Env env, Optional<Path> configFile) {
        YamlSection root = readYaml(configFile);
        root.allowOnly("defaults", "targets", "breaker", "outbox", "digests");

        HostPort listen = HostPort.parse(
                "LISTEN_ADDRESS",
                env.get("LISTEN_ADDRESS").orElse(DEFAULT_LISTEN_ADDRESS),
                -1,
                "0.0.0.0:9467 or [::1]:9467");

        WebhookAuth auth = auth(env);
        AlertDefaults defaults = defaults(root.section("defaults"));
        Map<String, TargetConfig> targets = new LinkedHashMap<>();
        envTargets(env, targets);
        root.section("targets").ifPresent(section -> fileTargets(section, targets));
        BreakerSettings breaker = breaker(env, root.section("breaker"));
        OutboxSettings outbox = outbox(root.section("outbox"));
        GroupingSettings grouping = grouping(env, root.section("targets"), targets.keySet());
        return new BridgeConfig(
                listen.host().isEmpty() ? "0.0.0.0" : listen.host(),
                listen.port(),
                Path.of(env.get("STATE_PATH").orElse(DEFAULT_STATE_PATH)),
                auth,
                defaults,
                targets,
                breaker,
                outbox,
                grouping,
                consoleLogin(env),
                digests(env, root.section("digests"), targets.keySet(), defaults.zone()));
    }

    /**
     * {@code digests.targets.<name>: {daily: "09:00", weekly: "mon 09:00", tz: Asia/Shanghai, top: 5}} and
     * Prometheus' address ({@code digests.prometheus_url}, else {@code PROMETHEUS_URL}). A top-level section keyed by
     * target name, not a key inside each target, so that targets defined by environment variables get digests too.
     */
    private static DigestSettings digests(Env env, Optional<YamlSection> section, Set<String> targets, ZoneId zone) {
        YamlSection s = section.orElse(YamlSection.root("config", null));
        s.allowOnly("prometheus_url", "targets");
        Optional<String> fromFile = s.text("prometheus_url");
        String urlKey = fromFile.isPresent() ? s.keyPath("prometheus_url") : "PROMETHEUS_URL";
        Optional<URI> url = fromFile.or(() -> env.get("PROMETHEUS_URL")).map(u -> httpUrl(urlKey, u));
        Map<String, DigestSchedule> schedules = new LinkedHashMap<>();
        Optional<YamlSection> perTarget = s.section("targets");
        if (perTarget.isEmpty()) {
            return new DigestSettings(url, schedules);
        }
        YamlSection all = perTarget.get();
        for (String name : all.keys()) {
            if (!targets.contains(name)) {
                throw all.error(
                        name,
                        "no target \"" + name + "\"; digests go to a target defined under targets or"
                                + " by environment variables (" + String.join(", ", targets) + ")");
            }
            YamlSection t =
                    all.section(name).orElseThrow(() -> all.error(name, "expected a mapping with daily and/or weekly"));
            t.allowOnly("daily", "weekly", "tz", "top");
            Optional<LocalTime> daily = t.setting("daily", DigestSchedule::parseDaily);
            Optional<DigestSchedule.Weekly> weekly = t.setting("weekly", DigestSchedule::parseWeekly);
            if (daily.isEmpty() && weekly.isEmpty()) {
                throw all.error(name, "set daily (e.g. \"09:00\") and/or weekly (e.g. \"mon 09:00\")");
            }
            if (url.isEmpty()) {
                throw all.error(name, "a digest needs Prometheus; set PROMETHEUS_URL or digests.prometheus_url");
            }
            schedules.put(
                    name,
                    new DigestSchedule(
                            daily,
                            weekly,
                            t.setting("tz", IanaZone::parse).orElse(zone),
                            t.integer("top", 1, 100).map(Long::intValue).orElse(DigestSchedule.DEFAULT_TOP)));
        }
        return new DigestSettings(url, schedules);
    }

    /**
     * The console's login: the webhook's BRIDGE_USER/BRIDGE_PASSWORD, else ACCESS_PASSWORD for admin (the shared
     * rule in common); none means the console and its API are off.
     */
    private static Optional<ConsoleLogin> consoleLogin(Env env) {
        return ConsoleLogin.fromEnv(env, "BRIDGE_USER", "BRIDGE_PASSWORD");
    }

    private YamlSection readYaml(Optional<Path> file) {
        if (file.isEmpty()) {
            return YamlSection.root("config", null);
        }
        String name = file.get().toString();
        try {
            JsonNode tree = yaml.readTree(Files.readString(file.get()));
            return YamlSection.root(name, tree);
        } catch (JsonProcessingException e) {
            String where =
                    e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new ConfigException(name + ": not valid YAML" + where + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new ConfigException(
                    name + ": cannot read the config file (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static WebhookAuth auth(Env env) {
        Optional<Secret> token = env.secret("BRIDGE_TOKEN").map(Secret::new);
        Optional<String> user = env.get("BRIDGE_USER");
        Optional<Secret> password = env.secret("BRIDGE_PASSWORD").map(Secret::new);
        if (user.isPresent() != password.isPresent()) {
            throw new ConfigException("BRIDGE_USER/BRIDGE_PASSWORD: set both for basic auth, or neither");
        }
        String allow = env.get("BRIDGE_ALLOW_UNAUTHENTICATED").orElse("false");
        if (!allow.equals("true") && !allow.equals("false")) {
            throw new ConfigException("BRIDGE_ALLOW_UNAUTHENTICATED: \"" + allow + "\" is not true or false");
        }
        WebhookAuth auth = new WebhookAuth(token, user, password, allow.equals("true"));
        return auth;
    }

    private static AlertDefaults defaults(Optional<YamlSection> section) {
        YamlSection s = section.orElse(YamlSection.root("config", null));
        s.allowOnly("timezone", "cooldown", "active", "severity", "language", "dedup_window", "deferred_expiry");
        ZoneId zone = s.setting("timezone", IanaZone::parse).orElse(ZoneId.systemDefault());
        String severity =
                s.setting("severity", Severity::parse).map(Severity::value).orElse(DEFAULT_SEVERITY);
        return new AlertDefaults(
                zone,
                s.setting("cooldown", PromDuration::parse).orElse(AlertDefaults.DEFAULT_COOLDOWN),
                s.setting("active", ActiveWindow::parse).orElse(ActiveWindow.ALWAYS),
                severity,
                s.parsed("language", Language::parse).orElse(Language.ZH),
                s.setting("dedup_window", PromDuration::parse).orElse(AlertDefaults.DEFAULT_DEDUP_WINDOW),
                s.setting("deferred_expiry", PromDuration::parse).orElse(AlertDefaults.DEFAULT_DEFERRED_EXPIRY));
    }

    private static void envTargets(Env env, Map<String, TargetConfig> targets) {
        Optional<Secret> botToken = env.secret("TELEGRAM_BOT_TOKEN").map(Secret::new);
        Optional<String> chatId = env.get("TELEGRAM_CHAT_ID");
        if (botToken.isPresent() != chatId.isPresent()) {
            throw new ConfigException(
                    "TELEGRAM_BOT_TOKEN/TELEGRAM_CHAT_ID: set both to define the telegram target, or neither");
        }
        if (botToken.isPresent()) {
            checkBotToken("TELEGRAM_BOT_TOKEN", botToken.get());
            Optional<Long> thread = env.get("TELEGRAM_MESSAGE_THREAD_ID").map(v -> {
                try {
                    return Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw new ConfigException("TELEGRAM_MESSAGE_THREAD_ID: \"" + v + "\" is not a whole number");
                }
            });
            targets.put(
                    "telegram",
                    new TargetConfig.Telegram(
                            "telegram",
                            botToken.get(),
                            chatId.get(),
                            thread,
                            httpUrl(
                                    "TELEGRAM_API_URL",
                                    env.get("TELEGRAM_API_URL").orElse(DEFAULT_TELEGRAM_API_URL))));
        }
        Optional<Secret> feishu = env.secret("FEISHU_WEBHOOK").map(Secret::new);
        Optional<Secret> feishuSecret = env.secret("FEISHU_SECRET").map(Secret::new);
        if (feishu.isPresent()) {
            httpUrl("FEISHU_WEBHOOK", feishu.get().value());
            targets.put("feishu", new TargetConfig.Feishu("feishu", feishu.get(), feishuSecret));
        } else if (feishuSecret.isPresent()) {
            throw new ConfigException("FEISHU_SECRET: set FEISHU_WEBHOOK too, or remove FEISHU_SECRET");
        }
        env.secret("WECOM_WEBHOOK").map(Secret::new).ifPresent(url -> {
            httpUrl("WECOM_WEBHOOK", url.value());
            targets.put("wecom", new TargetConfig.WeCom("wecom", url));
        });
        envDingTalk(env, targets);
    }

    private static void envDingTalk(Env env, Map<String, TargetConfig> targets) {
        Optional<Secret> url = env.secret("DINGTALK_WEBHOOK").map(Secret::new);
        Optional<Secret> secret = env.secret("DINGTALK_SECRET").map(Secret::new);
        if (url.isPresent()) {
            httpUrl("DINGTALK_WEBHOOK", url.get().value());
            targets.put("dingtalk", new TargetConfig.DingTalk("dingtalk", url.get(), secret));
        } else if (secret.isPresent()) {
            throw new ConfigException("DINGTALK_SECRET: set DINGTALK_WEBHOOK too, or remove DINGTALK_SECRET");
        }
    }

    private static void fileTargets(YamlSection section, Map<String, TargetConfig> targets) {
        for (String name : section.keys()) {
            TargetName.check(section.where(name), name);
            if (targets.containsKey(name)) {
                throw section.error(
                        name, "the target \"" + name + "\" is already defined by environment variables; rename one");
            }
            YamlSection t = section.section(name)
                    .orElseThrow(() -> section.error(name, "expected a mapping with type and its settings"));
            String type = t.text("type").orElseThrow(() -> t.error("type", "missing; use " + TARGET_TYPES));
            targets.put(
                    name,
                    switch (type) {
                        case "telegram" -> {
                            t.allowOnly(
                                    "type",
                                    "bot_token",
                                    "bot_token_file",
                                    "chat_id",
                                    "message_thread_id",
                                    "api_url",
                                    GROUP_KEY);
                            Secret token = t.secret("bot_token")
                                    .orElseThrow(
                                            () -> t.error("bot_token", "missing; set bot_token or bot_token_file"));
                            checkBotToken(t.keyPath("bot_token"), token);
                            yield new TargetConfig.Telegram(
                                    name,
                                    token,
                                    t.text("chat_id")
                                            .orElseThrow(() -> t.error(
                                                    "chat_id", "missing; the chat or group id, e.g. -1001234567890")),
                                    t.integer("message_thread_id", 1, Long.MAX_VALUE),
                                    httpUrl(
                                            t.keyPath("api_url"),
                                            t.text("api_url").orElse(DEFAULT_TELEGRAM_API_URL)));
                        }
                        case "feishu" -> {
                            t.allowOnly("type", "webhook", "webhook_file", "secret", "secret_file", GROUP_KEY);
                            Secret url = t.secret("webhook")
                                    .orElseThrow(() -> t.error("webhook", "missing; set webhook or webhook_file"));
                            httpUrl(t.keyPath("webhook"), url.value());
                            yield new TargetConfig.Feishu(name, url, t.secret("secret"));
                        }
                        case "wecom" -> {
                            t.allowOnly("type", "webhook", "webhook_file", GROUP_KEY);
                            Secret url = t.secret("webhook")
                                    .orElseThrow(() -> t.error("webhook", "missing; set webhook or webhook_file"));
                            httpUrl(t.keyPath("webhook"), url.value());
                            yield new TargetConfig.WeCom(name, url);
                        }
                        case "dingtalk" -> dingTalkTarget(name, t);
                        case "email" -> emailTarget(name, t);
                        case "webhook" -> webhookTarget(name, t);
                        default ->
                            throw t.error(
                                    "type",
                                    "\"" + type + "\" is not a target type; use " + TARGET_TYPES + chatHint(type));
                    });
        }
    }

    /** Every target type accepts {@code group: true|false}; see {@link #grouping}. */
    private static final String GROUP_KEY = "group";

    /**
     * Which targets do not group: {@code targets.<name>.group: false} in the file, {@code <NAME>_GROUP=false} for a
     * target defined by environment variables ({@code TELEGRAM_GROUP}, {@code FEISHU_GROUP}, …). Default true.
     */
    private static GroupingSettings grouping(Env env, Optional<YamlSection> fileTargets, Set<String> targets) {
        Set<String> ungrouped = new HashSet<>();
        for (String name : targets) {
            Optional<YamlSection> inFile = fileTargets.flatMap(s -> s.section(name));
            boolean group;
            if (inFile.isPresent()) {
                group = inFile.get().bool(GROUP_KEY).orElse(true);
            } else {
                String key = name.toUpperCase(Locale.ROOT) + "_GROUP";
                String value = env.get(key).orElse("true");
                if (!value.equals("true") && !value.equals("false")) {
                    throw new ConfigException(key + ": \"" + value + "\" is not true or false");
                }
                group = value.equals("true");
            }
            if (!group) {
                ungrouped.add(name);
            }
        }
        return new GroupingSettings(ungrouped);
    }

    private static final String TARGET_TYPES = "telegram, feishu, wecom, dingtalk, email or webhook";

    /** Slack and Discord are reached through a webhook target; say so to whoever guessed their name as a type. */
    private static String chatHint(String type) {
        return switch (type) {
            case "slack" -> " (Slack: type webhook with format slack)";
            case "discord" -> " (Discord: type webhook with format discord)";
            default -> "";
        };
    }

    private static TargetConfig dingTalkTarget(String name, YamlSection t) {
        t.allowOnly("type", "webhook", "webhook_file", "secret", "secret_file", GROUP_KEY);
        Secret url = t.secret("webhook").orElseThrow(() -> t.error("webhook", "missing; set webhook or webhook_file"));
        httpUrl(t.keyPath("webhook"), url.value());
        return new TargetConfig.DingTalk(name, url, t.secret("secret"));
    }

    private static TargetConfig emailTarget(String name, YamlSection t) {
        t.allowOnly(
                "type",
                "host",
                "port",
                "security",
                "username",
                "password",
                "password_file",
                "tls_ca_file",
                "from",
                "to",
                "subject_prefix",
                "timeout",
                GROUP_KEY);
        String host = t.text("host")
                .filter(h -> !h.isEmpty())
                .orElseThrow(() -> t.error("host", "missing; the SMTP server, e.g. smtp.example.com"));
        TargetConfig.SmtpSecurity security = t.parsed("security", v -> switch (v) {
                    case "starttls" -> TargetConfig.SmtpSecurity.STARTTLS;
                    case "tls" -> TargetConfig.SmtpSecurity.TLS;
                    case "none" -> TargetConfig.SmtpSecurity.NONE;
                    default -> throw new IllegalArgumentException("\"" + v + "\" is not starttls, tls or none");
                })
                .orElse(TargetConfig.SmtpSecurity.STARTTLS);
        long defaultPort = switch (security) {
            case STARTTLS -> 587;
            case TLS -> 465;
            case NONE -> 25;
        };
        Optional<String> username = t.text("username").filter(u -> !u.isEmpty());
        Optional<Secret> password = t.secret("password");
        if (password.isPresent() && username.isEmpty()) {
            throw t.error("password", "set username too, or remove the password");
        }
        if (username.isPresent() && password.isEmpty()) {
            throw t.error("username", "set password or password_file too (AUTH needs both)");
        }
        if (security == TargetConfig.SmtpSecurity.NONE && password.isPresent()) {
            // AUTH over a plain connection hands the password to anyone on the path.
            throw t.error("security", "none would send the password unencrypted; use starttls or tls");
        }
        Optional<Path> ca = t.text("tls_ca_file").filter(v -> !v.isEmpty()).map(Path::of);
        if (ca.isPresent() && security == TargetConfig.SmtpSecurity.NONE) {
            throw t.error("tls_ca_file", "has no effect with security: none; use starttls or tls");
        }
        ca.ifPresent(path -> SmtpTrust.load(t.where("tls_ca_file"), path));
        String from =
                t.text("from").orElseThrow(() -> t.error("from", "missing; e.g. Token Monitor <alerts@example.com>"));
        if (!EmailNotifier.isAddress(from)) {
            throw t.error("from", "\"" + from + "\" is not an e-mail address");
        }
        String toText =
                t.text("to").orElseThrow(() -> t.error("to", "missing; one or more addresses, comma-separated"));
        List<String> to = new ArrayList<>();
        for (String item : toText.split(",", -1)) {
            String address = item.strip();
            if (address.isEmpty()) {
                continue;
            }
            if (!EmailNotifier.isAddress(address)) {
                throw t.error("to", "\"" + address + "\" is not an e-mail address");
            }
            to.add(address);
        }
        if (to.isEmpty()) {
            throw t.error("to", "no address; list one or more, comma-separated");
        }
        Duration timeout = t.setting("timeout", PromDuration::parse).orElse(DEFAULT_SMTP_TIMEOUT);
        if (timeout.isZero()) {
            throw t.error("timeout", "0s would wait forever on a stuck server; use for example 30s");
        }
        return new TargetConfig.Email(
                name,
                host,
                t.integer("port", 1, 65535).orElse(defaultPort).intValue(),
                security,
                username,
                password,
                ca,
                from,
                to,
                t.text("subject_prefix").orElse(""),
                timeout);
    }

    private static TargetConfig webhookTarget(String name, YamlSection t) {
        t.allowOnly("type", "url", "url_file", "format", "secret", "secret_file", "headers", GROUP_KEY);
        Secret url = t.secret("url").orElseThrow(() -> t.error("url", "missing; set url or url_file"));
        httpUrl(t.keyPath("url"), url.value());
        TargetConfig.WebhookFormat format = t.parsed("format", v -> switch (v) {
                    case "json" -> TargetConfig.WebhookFormat.JSON;
                    case "slack" -> TargetConfig.WebhookFormat.SLACK;
                    case "discord" -> TargetConfig.WebhookFormat.DISCORD;
                    default -> throw new IllegalArgumentException("\"" + v + "\" is not json, slack or discord");
                })
                .orElse(TargetConfig.WebhookFormat.JSON);
        Map<String, Secret> headers = new LinkedHashMap<>();
        t.section("headers").ifPresent(h -> {
            for (String header : h.keys()) {
                if (!header.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                    throw h.error(header, "not an HTTP header name");
                }
                String lower = header.toLowerCase(java.util.Locale.ROOT);
                if (RESERVED_HEADERS.contains(lower)) {
                    throw h.error(header, "set by the bridge itself; remove it");
                }
                // Values are often credentials (Authorization, API keys): kept as secrets, never echoed.
                Secret value = h.text(header)
                        .filter(v -> !v.isEmpty())
                        .map(Secret::new)
                        .orElseThrow(() -> h.error(header, "empty; give the header a value or remove it"));
                if (value.value().indexOf('\r') >= 0 || value.value().indexOf('\n') >= 0) {
                    throw h.error(header, "a header value cannot span lines");
                }
                headers.put(header, value);
            }
        });
        return new TargetConfig.Webhook(name, url, format, t.secret("secret"), headers);
    }

    /** Headers the HTTP client or the signature own: a custom one would be refused or would break verification. */
    private static final Set<String> RESERVED_HEADERS = Set.of(
            "host",
            "connection",
            "content-length",
            "content-type",
            "expect",
            "upgrade",
            "user-agent",
            "x-tokenmonitor-signature",
            "x-tokenmonitor-timestamp");

    /** Long enough for a slow relay's greeting and TLS handshake, short enough to free the target's worker. */
    public static final Duration DEFAULT_SMTP_TIMEOUT = Duration.ofSeconds(30);

    private static BreakerSettings breaker(Env env, Optional<YamlSection> section) {
        YamlSection s = section.orElse(YamlSection.root("config", null));
        s.allowOnly(
                "sql_dsn",
                "sql_dsn_file",
                "dry_run",
                "max_per_hour",
                "channel_interval",
                "token_max_per_hour",
                "token_interval",
                "user_max_per_hour",
                "user_interval",
                "alert_names",
                "gateway");
        Optional<Secret> fromFile = s.secret("sql_dsn");
        Optional<Secret> fromEnv = env.secret("SQL_DSN").map(Secret::new);
        // Parsed at start, so that a typo stops the bridge rather than its first breaker attempt.
        String sqlitePath = env.get("SQLITE_PATH").orElse(null);
        Optional<GatewayDsn> gateway = fromFile.isPresent()
                ? fromFile.map(dsn -> GatewayDsn.parse(s.where("sql_dsn"), dsn.value(), sqlitePath))
                : fromEnv.map(dsn -> GatewayDsn.parse("SQL_DSN", dsn.value(), sqlitePath));
        return new BreakerSettings(
                gateway,
                s.bool("dry_run").orElse(false),
                s.integer("max_per_hour", 0, 1000).map(Long::intValue).orElse(BreakerSettings.DEFAULT_MAX_PER_HOUR),
                s.setting("channel_interval", PromDuration::parse).orElse(BreakerSettings.DEFAULT_CHANNEL_INTERVAL),
                new BreakerLimit(
                        s.integer("token_max_per_hour", 0, 1000)
                                .map(Long::intValue)
                                .orElse(BreakerSettings.DEFAULT_TOKEN_MAX_PER_HOUR),
                        s.setting("token_interval", PromDuration::parse)
                                .orElse(BreakerSettings.DEFAULT_TOKEN_INTERVAL)),
                new BreakerLimit(
                        s.integer("user_max_per_hour", 0, 1000)
                                .map(Long::intValue)
                                .orElse(BreakerSettings.DEFAULT_USER_MAX_PER_HOUR),
                        s.setting("user_interval", PromDuration::parse).orElse(BreakerSettings.DEFAULT_USER_INTERVAL)),
                alertNames(env, s),
                gatewayLabel(env, s));
    }

    /**
     * breaker.gateway, else BREAKER_GATEWAY: the value of the {@code gateway} label of the alerts the breaker may act on;
     * unset: any alert. A blank breaker.gateway is refused: it would match no alert and so switch the breaker off
     * unnoticed (a blank variable counts as unset, as every variable does).
     */
    private static Optional<String> gatewayLabel(Env env, YamlSection s) {
        Optional<String> fromFile = s.text("gateway");
        String key = fromFile.isPresent() ? s.where("gateway") : "BREAKER_GATEWAY";
        Optional<String> text = fromFile.or(() -> env.get("BREAKER_GATEWAY"));
        if (text.isPresent() && text.get().isBlank()) {
            throw new ConfigException(key + ": empty; name the gateway whose alerts may use the breaker (the value of"
                    + " their gateway label, e.g. main), or leave it unset to act on every alert");
        }
        return text.map(String::strip);
    }

    /** breaker.alert_names, else BREAKER_ALERT_NAMES, else the alerts this project generates; names comma-separated. */
    private static Set<String> alertNames(Env env, YamlSection s) {
        Optional<String> fromFile = s.text("alert_names");
        String key = fromFile.isPresent() ? s.where("alert_names") : "BREAKER_ALERT_NAMES";
        Optional<String> text = fromFile.or(() -> env.get("BREAKER_ALERT_NAMES"));
        if (text.isEmpty()) {
            return new LinkedHashSet<>(BreakerSettings.DEFAULT_ALERT_NAMES);
        }
        Set<String> names = new LinkedHashSet<>();
        for (String item : text.get().split(",", -1)) {
            String name = item.strip();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        if (names.isEmpty()) {
            throw new ConfigException(key
                    + ": no alert name; list the alertnames that may disable a channel, key or user, separated by commas"
                    + " (to turn the breaker off, leave SQL_DSN unset)");
        }
        return names;
    }

    private static OutboxSettings outbox(Optional<YamlSection> section) {
        YamlSection s = section.orElse(YamlSection.root("config", null));
        s.allowOnly("dead_letter_after", "max_backoff", "retention");
        Duration deadLetterAfter =
                s.setting("dead_letter_after", PromDuration::parse).orElse(OutboxSettings.DEFAULT_DEAD_LETTER_AFTER);
        if (deadLetterAfter.compareTo(Duration.ofMinutes(1)) < 0) {
            throw s.error("dead_letter_after", PromDuration.format(deadLetterAfter) + " is too short; use 1m or more");
        }
        Duration maxBackoff = s.setting("max_backoff", PromDuration::parse).orElse(OutboxSettings.DEFAULT_MAX_BACKOFF);
        if (maxBackoff.compareTo(Duration.ofSeconds(1)) < 0) {
            throw s.error("max_backoff", PromDuration.format(maxBackoff) + " is too short; use 1s or more");
        }
        return new OutboxSettings(
                deadLetterAfter,
                maxBackoff,
                s.setting("retention", PromDuration::parse).orElse(OutboxSettings.DEFAULT_RETENTION));
    }

    private static void checkBotToken(String key, Secret token) {
        if (!TelegramNotifier.isBotToken(token.value())) {
            // Not echoed: it is the bot's credential, however mistyped.
            throw new ConfigException(key + ": not a Telegram bot token (the value is not shown); expected"
                    + " digits, ':' and letters, digits, '_' or '-', as @BotFather gives it: 123456:ABC-def_1");
        }
    }

    private static URI httpUrl(String key, String value) {
        try {
            URI uri = URI.create(value);
            if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            // The value may hold a token (webhook keys), so it is not echoed.
            throw new ConfigException(
                    key + ": not an http(s) URL; for example https://open.feishu.cn/open-apis/bot/v2/hook/…");
        }
    }
}
