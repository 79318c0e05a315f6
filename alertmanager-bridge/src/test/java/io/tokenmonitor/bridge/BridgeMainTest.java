package io.tokenmonitor.bridge;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.common.config.Env;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** enable-channel reads its id with the one channel-id grammar: ASCII decimal, as the channel_id label. */
class BridgeMainTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"３", "+2", "-2", "٢", "0"})
    void givenChannelIdNotAsciiDecimal_whenEnableChannel_thenRefusedBeforeAnythingIsOpened(String id) {
        Env env = new Env(Map.of(
                "BRIDGE_TOKEN", "t",
                "STATE_PATH", dir.resolve("bridge.db").toString(),
                "SQL_DSN", dir.resolve("gateway.db").toString()));
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> BridgeMain.run(new String[] {"enable-channel", id}, env, out))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not a channel id");
    }
}
