package io.tokenmonitor.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tokenmonitor.common.time.PromDuration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlSectionTest {
    @TempDir
    Path dir;

    private static YamlSection yaml(String text) throws Exception {
        return YamlSection.root("bridge.yml", new ObjectMapper(new YAMLFactory()).readTree(text));
    }

    @Test
    void givenUnknownNestedKey_whenChecked_thenTheFullPathAndKnownKeysAreNamed() throws Exception {
        YamlSection defaults =
                yaml("defaults:\n  cooldwn: 5m\n").section("defaults").orElseThrow();
        assertThatThrownBy(() -> defaults.allowOnly("cooldown", "active"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("bridge.yml: unknown key \"cooldwn\" in defaults; known keys: cooldown, active");
    }

    @Test
    void givenUnknownTopKey_whenChecked_thenAtTopLevelIsSaid() throws Exception {
        assertThatThrownBy(() -> yaml("x: 1\n").allowOnly("defaults"))
                .hasMessage("bridge.yml: unknown key \"x\" at top level; known keys: defaults");
    }

    @Test
    void givenWrongTypes_whenRead_thenTheKeyPathIsNamed() throws Exception {
        YamlSection root = yaml("a:\n  b: [1, 2]\n  c: 3\n");
        YamlSection a = root.section("a").orElseThrow();
        assertThatThrownBy(() -> a.text("b"))
                .hasMessage("bridge.yml: a.b: expected a single value, not a list or mapping");
        assertThatThrownBy(() -> a.section("c")).hasMessage("bridge.yml: a.c: expected a mapping of keys");
        assertThatThrownBy(() -> YamlSection.root("f.yml", new ObjectMapper().readTree("[1]")))
                .hasMessage("f.yml: expected a mapping of keys at top level");
    }

    @Test
    void givenEmptyDocument_whenRead_thenEverythingIsAbsent() throws Exception {
        YamlSection root = YamlSection.root("f.yml", null);
        assertThat(root.text("a")).isEmpty();
        assertThat(root.section("a")).isEmpty();
        assertThat(root.allowOnly()).isSameAs(root);
    }

    @Test
    void givenValues_whenRead_thenTypedAndStripped() throws Exception {
        YamlSection s = yaml("t: ' x '\nb: true\nn: 42\nnull_value: null\ncooldown: 1h30m\n");
        assertThat(s.text("t")).contains("x");
        assertThat(s.text("null_value")).isEmpty();
        assertThat(s.bool("b")).contains(true);
        assertThat(s.integer("n", 1, 100)).contains(42L);
        assertThat(s.setting("cooldown", PromDuration::parse)).contains(Duration.ofMinutes(90));
        List<String> keys = new ArrayList<>();
        s.keys().forEach(keys::add);
        assertThat(keys).containsExactly("t", "b", "n", "null_value", "cooldown");
    }

    @Test
    void givenBadValues_whenRead_thenTheMessageHasFileKeyPathAndProblem() throws Exception {
        YamlSection s = yaml("o:\n  b: yes please\n  n: 1000\n  w: x\n  cooldown: 5x\n")
                .section("o")
                .orElseThrow();
        assertThatThrownBy(() -> s.bool("b")).hasMessage("bridge.yml: o.b: \"yes please\" is not true or false");
        assertThatThrownBy(() -> s.integer("n", 0, 10))
                .hasMessage("bridge.yml: o.n: 1000 is out of range; use 0 to 10");
        assertThatThrownBy(() -> s.integer("w", 0, 10)).hasMessage("bridge.yml: o.w: \"x\" is not a whole number");
        assertThatThrownBy(() -> s.setting("cooldown", PromDuration::parse))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("bridge.yml: o.cooldown: \"5x\" ");
        assertThatThrownBy(() -> s.parsed("w", v -> java.time.ZoneId.of(v)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("bridge.yml: o.w: ");
    }

    @Test
    void givenSecretInlineOrInFile_whenRead_thenEitherWorksButNotBoth() throws Exception {
        Path file = Files.writeString(dir.resolve("tok"), "fromfile\n");
        assertThat(yaml("token: abc\n").secret("token"))
                .hasValueSatisfying(v -> assertThat(v.value()).isEqualTo("abc"));
        assertThat(yaml("token_file: " + file + "\n").secret("token"))
                .hasValueSatisfying(v -> assertThat(v.value()).isEqualTo("fromfile"));
        assertThat(yaml("token: ''\n").secret("token")).isEmpty();
        assertThatThrownBy(() -> yaml("t:\n  token: abc\n  token_file: " + file + "\n")
                        .section("t")
                        .orElseThrow()
                        .secret("token"))
                .hasMessage("bridge.yml: t.token: set either token or token_file, not both");
        Path empty = Files.writeString(dir.resolve("empty"), "");
        assertThatThrownBy(() -> yaml("token_file: " + empty + "\n").secret("token"))
                .hasMessage("bridge.yml: token_file: file " + empty + " is empty; it should hold the secret");
    }
}
