package io.tokenmonitor.common.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.common.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleLoginTest {
    @TempDir
    Path dir;

    @Test
    void givenNothingConfigured_whenResolved_thenConsoleOff() {
        assertThat(ConsoleLogin.fromEnv(new Env(Map.of()), "BRIDGE_USER", "BRIDGE_PASSWORD"))
                .isEmpty();
    }

    @Test
    void givenAccessPasswordOnly_whenResolved_thenUserAdmin() {
        ConsoleLogin login = ConsoleLogin.fromEnv(
                        new Env(Map.of("ACCESS_PASSWORD", "open sesame")), "BRIDGE_USER", "BRIDGE_PASSWORD")
                .orElseThrow();
        assertThat(login.user()).isEqualTo("admin");
        assertThat(login.password().value()).isEqualTo("open sesame");
        assertThat(login.toString()).doesNotContain("open sesame");
    }

    @Test
    void givenOwnPairAndAccessPassword_whenResolved_thenOwnPairWins() throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "from-file\n");
        ConsoleLogin login = ConsoleLogin.fromEnv(
                        new Env(Map.of(
                                "BRIDGE_USER", "ops",
                                "BRIDGE_PASSWORD_FILE", file.toString(),
                                "ACCESS_PASSWORD", "other")),
                        "BRIDGE_USER",
                        "BRIDGE_PASSWORD")
                .orElseThrow();
        assertThat(login.user()).isEqualTo("ops");
        assertThat(login.password().value()).isEqualTo("from-file");
    }

    @Test
    void givenHalfAPair_whenResolved_thenErrorNamesBoth() {
        assertThatThrownBy(() -> ConsoleLogin.fromEnv(
                        new Env(Map.of("BRIDGE_USER", "ops", "ACCESS_PASSWORD", "x")),
                        "BRIDGE_USER",
                        "BRIDGE_PASSWORD"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("BRIDGE_USER/BRIDGE_PASSWORD");
    }
}
