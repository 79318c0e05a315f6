package io.tokenmonitor.e2e.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The cases of Grafana's pkg/services/provisioning/values/values_test.go (commit
 * 01f0b25e7a85eba30330acc64ff1b68e95926e52: StringValue, JSONValue nesting, readFile), then Go os.Expand's
 * edge cases and the form this project once used.
 */
class ProvisioningExpansionTest {
    private final ProvisioningExpansion grafana =
            new ProvisioningExpansion(Map.of("INT", "1", "STRING", "test", "EMPTYSTRING", "", "BOOL", "true"));

    @Test
    void givenValuesTestStringCases_thenTheSameResults() {
        assertThat(grafana.value("test")).isEqualTo("test");
        assertThat(grafana.value("$STRING")).isEqualTo("test");
        assertThat(grafana.value("")).isEmpty();
        assertThat(grafana.value("$EMPTYSTRING")).isEmpty();
        assertThat(grafana.value("$$")).isEqualTo("$");
        assertThat(grafana.value("mY,Passwo$$rd")).isEqualTo("mY,Passwo$rd");
        assertThat(grafana.value("$INT")).isEqualTo("1");
        assertThat(grafana.value("$BOOL")).isEqualTo("true");
    }

    @Test
    void givenValuesTestJsonNesting_thenEveryStringIsExpandedAndOtherScalarsStay() {
        String doc = """
                val:
                  one: 1
                  two: $STRING
                  three:
                    - 1
                    - two
                    - three:
                        inside: $STRING
                    - six:
                        empty:
                  four:
                    nested:
                      onemore: $INT
                  multiline: >
                    Some text with $STRING
                  anchor: &label $INT
                  anchored: *label
                """;
        Map<String, Object> six = new HashMap<>();
        six.put("empty", null);
        Object expected = Map.of(
                "val",
                Map.of(
                        "one", 1,
                        "two", "test",
                        "three", List.of(1, "two", Map.of("three", Map.of("inside", "test")), Map.of("six", six)),
                        "four", Map.of("nested", Map.of("onemore", "1")),
                        "multiline", "Some text with test\n",
                        "anchor", "1",
                        "anchored", "1"));
        assertThat(grafana.tree(new Yaml().load(doc))).isEqualTo(expected);
    }

    @Test
    void givenFileExpander_thenTheTrimmedContent(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("file expansion"), "hello, world\n");
        assertThat(grafana.value("$__file{" + file + "}")).isEqualTo("hello, world");
    }

    @Test
    void givenShellDefaultSyntax_thenGrafanaLooksUpTheWholeTextAsOneNameAndGetsNothing() {
        ProvisioningExpansion withUrl = new ProvisioningExpansion(Map.of("URL", "http://prometheus:9090"));
        assertThat(withUrl.value("${URL:-http://fallback:9090}")).isEmpty();
        assertThat(withUrl.value("${URL}")).isEqualTo("http://prometheus:9090");
        assertThat(withUrl.value("$URL/api")).isEqualTo("http://prometheus:9090/api");
        assertThat(withUrl.value("${URL}x$URLx")).isEqualTo("http://prometheus:9090x");
    }

    @Test
    void givenGoExpandEdgeCases_thenGoResults() {
        List<String[]> cases = Arrays.asList(
                new String[] {"price $", "price $"}, // trailing "$" stays
                new String[] {"a $ b", "a $ b"}, // "$" before a non-name stays
                new String[] {"a${}b", "ab"}, // bad syntax "${}" is dropped
                new String[] {"a${STRING", "aSTRING"}, // "${" without "}" drops the "${"
                new String[] {"$1$-x", "x"}, // special one-character names, unset
                new String[] {"${STRING}s", "tests"},
                new String[] {"$STRINGs", ""}, // the name runs to the last alphanumeric
                new String[] {"$$STRING", "$STRING"}); // "$$" first, so no expansion
        for (String[] c : cases) {
            assertThat(grafana.value(c[0])).as(c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void givenKeysAndNonStrings_thenNotExpanded() {
        Object tree = grafana.tree(new Yaml().load("$STRING: 1\nflag: true\n"));
        assertThat(tree).isEqualTo(Map.of("$STRING", 1, "flag", true));
    }
}
