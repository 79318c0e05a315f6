package io.tokenmonitor.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n"})
    void givenBlankVariable_whenRead_thenItCountsAsUnset(String blank) {
        Env env = new Env(Map.of("A", blank, "A_FILE", blank));
        assertThat(env.get("A")).isEmpty();
        assertThat(env.secret("A")).isEmpty();
    }

    @Test
    void givenPaddedVariable_whenRead_thenItIsStripped() {
        assertThat(new Env(Map.of("A", "  x ")).get("A")).contains("x");
        assertThat(new Env(Map.of()).get("A")).isEmpty();
    }

    @Test
    void givenSecretInVariable_whenRead_thenItIsReturned() {
        assertThat(new Env(Map.of("TOKEN", "s3cret")).secret("TOKEN")).contains("s3cret");
    }

    @Test
    void givenSecretInFile_whenRead_thenTheTrailingNewlineIsTrimmed() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "s3cret\n");
        assertThat(new Env(Map.of("TOKEN_FILE", file.toString())).secret("TOKEN"))
                .isEqualTo(Optional.of("s3cret"));
    }

    @Test
    void givenBothVariableAndFile_whenRead_thenRefusedWithoutTheSecret() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "fromfile");
        Env env = new Env(Map.of("TOKEN", "s3cret", "TOKEN_FILE", file.toString()));
        assertThatThrownBy(() -> env.secret("TOKEN"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("TOKEN: set either TOKEN or TOKEN_FILE, not both")
                .message()
                .doesNotContain("s3cret")
                .doesNotContain("fromfile");
    }

    @Test
    void givenEmptySecretFile_whenRead_thenRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), " \n");
        assertThatThrownBy(() -> new Env(Map.of("TOKEN_FILE", file.toString())).secret("TOKEN"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("TOKEN_FILE: file " + file + " is empty; it should hold the secret");
    }

    @Test
    void givenMissingSecretFile_whenRead_thenRefusedNamingTheVariableAndFile() {
        Path file = dir.resolve("absent");
        assertThatThrownBy(() -> new Env(Map.of("TOKEN_FILE", file.toString())).secret("TOKEN"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("TOKEN_FILE: cannot read " + file + " (NoSuchFileException)");
    }

    @Test
    void givenSecret_whenPrinted_thenMasked() {
        assertThat(new Secret("s3cret")).hasToString("<masked>");
        assertThat(new Secret("s3cret").value()).isEqualTo("s3cret");
        assertThatThrownBy(() -> new Secret("")).isInstanceOf(IllegalArgumentException.class);
    }
}
