package io.tokenmonitor.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Compose's interpolation as compose-spec describes it, for the forms docker-compose.yml uses. */
class ComposeInterpolationTest {
    private final ComposeInterpolation compose = new ComposeInterpolation(Map.of("SET", "v", "EMPTY", ""));

    @Test
    void givenDefaults_thenColonTreatsEmptyAsUnset() {
        assertThat(compose.value("${SET:-d}")).isEqualTo("v");
        assertThat(compose.value("${EMPTY:-d}")).isEqualTo("d");
        assertThat(compose.value("${EMPTY-d}")).isEmpty();
        assertThat(compose.value("${UNSET-d}")).isEqualTo("d");
        assertThat(compose.value("${UNSET:-${SET:-x}/y}")).isEqualTo("v/y");
        assertThat(compose.value("127.0.0.1:${UNSET:-9090}:9090")).isEqualTo("127.0.0.1:9090:9090");
    }

    @Test
    void givenPlainReferencesAndEscapes_thenValuesAndALiteralDollar() {
        assertThat(compose.value("$SET-${SET}")).isEqualTo("v-v");
        assertThat(compose.value("$UNSET")).isEmpty();
        assertThat(compose.value("$$SET $")).isEqualTo("$SET $");
        assertThat(compose.value("${SET:+alt}${UNSET:+alt}")).isEqualTo("alt");
    }

    @Test
    void givenRequired_thenUnsetOrEmptyFails() {
        assertThat(compose.value("${SET:?needed}")).isEqualTo("v");
        assertThat(compose.value("${EMPTY?needed}")).isEmpty();
        assertThatThrownBy(() -> compose.value("${EMPTY:?set EMPTY}"))
                .isInstanceOf(ComposeInterpolation.MissingVariable.class)
                .hasMessage("EMPTY: set EMPTY");
        assertThatThrownBy(() -> compose.value("${UNSET?x}")).isInstanceOf(ComposeInterpolation.MissingVariable.class);
    }
}
