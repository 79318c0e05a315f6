package io.tokenmonitor.common;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmonitor.common.testing.PackageRules;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PackageStructureTest {
    @Test
    void settingsAreTheBottomAndNoGrammarUsesAnother() {
        PackageRules.of("io.tokenmonitor.common")
                .assertUsesOnly(Map.of(
                        "config", Set.of(),
                        "time", Set.of("config"),
                        "alert", Set.of("config"),
                        "gateway", Set.of("config"),
                        "sqlite", Set.of("config"),
                        "web", Set.of("config")));
    }

    @Test
    void anImportAgainstTheMapIsReported() {
        // time uses config: a map that forbids it must fail, or the check above proves nothing.
        assertThatThrownBy(() -> PackageRules.of("io.tokenmonitor.common")
                        .assertUsesOnly(Map.of(
                                "config", Set.of(),
                                "time", Set.of(),
                                "alert", Set.of("config"),
                                "gateway", Set.of("config"),
                                "sqlite", Set.of("config"),
                                "web", Set.of("config"))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("time -> config");
    }

    @Test
    void aPackageMissingFromTheMapIsReported() {
        assertThatThrownBy(() -> PackageRules.of("io.tokenmonitor.common")
                        .assertUsesOnly(Map.of(
                                "config", Set.of(),
                                "time", Set.of("config"))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("alert");
    }
}
