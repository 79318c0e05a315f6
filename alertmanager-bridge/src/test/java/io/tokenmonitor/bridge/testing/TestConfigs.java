package io.tokenmonitor.bridge.testing;

import io.tokenmonitor.bridge.config.BridgeConfig;
import io.tokenmonitor.bridge.config.ConfigLoader;
import io.tokenmonitor.common.config.Env;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Bridge configurations for in-process tests: port 0, state in a temp dir, Telegram at a fake platform. */
public final class TestConfigs {
    public static final String TOKEN = "s3cret-token";

    private TestConfigs() {}

    public static BridgeConfig telegramAt(FakePlatform telegram, Path dir, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "LISTEN_ADDRESS", "127.0.0.1:0",
                "STATE_PATH", dir.resolve("bridge.db").toString(),
                "BRIDGE_TOKEN", TOKEN,
                "BRIDGE_USER", "am",
                "BRIDGE_PASSWORD", "pw",
                "TELEGRAM_BOT_TOKEN", "1:T",
                "TELEGRAM_CHAT_ID", "42",
                "TELEGRAM_API_URL", telegram.url("").toString()));
        env.putAll(extra);
        return new ConfigLoader().load(new Env(env), Optional.empty());
    }
}
