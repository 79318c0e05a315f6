package io.tokenmonitor.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmonitor.bridge.breaker.Breaker;
import io.tokenmonitor.bridge.breaker.Target;
import io.tokenmonitor.bridge.config.BridgeConfig;
import io.tokenmonitor.bridge.config.ConfigLoader;
import io.tokenmonitor.bridge.state.StateStore;
import io.tokenmonitor.bridge.testing.AccountTables;
import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.common.config.Env;
import io.tokenmonitor.common.gateway.GatewayDsn;
import io.tokenmonitor.common.testing.GatewayDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
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

    @ParameterizedTest
    @ValueSource(strings = {"enable-token", "enable-user"})
    void givenIdNotAsciiDecimal_whenEnableTokenOrUser_thenRefusedNamingTheCommand(String command) {
        Env env = new Env(Map.of(
                "BRIDGE_TOKEN", "t",
                "STATE_PATH", dir.resolve("bridge.db").toString(),
                "SQL_DSN", dir.resolve("gateway.db").toString()));
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> BridgeMain.run(new String[] {command, "+12"}, env, out))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(command + ": \"+12\" is not a");
    }

    /** The breaker disabled key 12; enable-token undoes it once, and refuses the second time. */
    @Test
    void givenAKeyTheBreakerDisabled_whenEnableToken_thenEnabledOnceThenRefused() throws Exception {
        try (GatewayDatabase gateway =
                GatewayDatabase.create(GatewayDsn.Dialect.SQLITE, GatewayDatabase.Flavor.NEW_API, dir)) {
            AccountTables.create(gateway);
            gateway.execute(
                    "INSERT INTO tokens (id, user_id, `key`, status, name) VALUES (12, 7, 'sk-x', 1, 'ci-bot')");
            Path state = dir.resolve("bridge.db");
            Env env = new Env(Map.of("BRIDGE_TOKEN", "t", "STATE_PATH", state.toString(), "SQL_DSN", gateway.sqlDsn()));
            try (StateStore store = StateStore.open(state)) {
                BridgeConfig config = new ConfigLoader().load(env, java.util.Optional.empty());
                Breaker.of(
                                config.breaker(),
                                config.breaker().gateway().orElseThrow(),
                                store,
                                Clock.systemUTC(),
                                new ObjectMapper())
                        .trip(Target.token(12), "fp", "TokenMonitorBudgetExceeded");
            }
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

            assertThat(BridgeMain.run(new String[] {"enable-token", "12"}, env, out))
                    .isZero();
            assertThat(BridgeMain.run(new String[] {"enable-token", "12"}, env, out))
                    .isEqualTo(1);
            assertThat(printed.toString(StandardCharsets.UTF_8))
                    .contains("enable-token 12: enabled")
                    .contains("enable-token 12: refused");
        }
    }
}
