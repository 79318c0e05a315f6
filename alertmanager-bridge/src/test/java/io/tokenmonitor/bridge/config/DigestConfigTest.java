package io.tokenmonitor.bridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmonitor.bridge.digest.DigestSchedule;
import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.common.config.Env;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code digests} section and {@code PROMETHEUS_URL}. */
class DigestConfigTest {
    private static final Map<String, String> WECOM = Map.of("WECOM_WEBHOOK", "https://qyapi.weixin.qq.com/x?key=k");

    @TempDir
    Path dir;

    private BridgeConfig load(Map<String, String> env, String yaml) throws Exception {
        Map<String, String> all = new HashMap<>(Map.of("BRIDGE_TOKEN", "t"));
        all.putAll(WECOM);
        all.putAll(env);
        Path p = dir.resolve("bridge.yml");
        Files.writeString(p, yaml);
        return new ConfigLoader().load(new Env(all), Optional.of(p));
    }

    @Test
    void givenNoDigestSection_whenLoaded_thenDigestsOff() throws Exception {
        BridgeConfig c = load(Map.of(), "defaults: {timezone: UTC}\n");
        assertThat(c.digests().prometheusUrl()).isEmpty();
        assertThat(c.digests().schedules()).isEmpty();
    }

    @Test
    void givenADigestForAnEnvTarget_whenLoaded_thenScheduleWithDefaultsOfTheBridge() throws Exception {
        BridgeConfig c = load(Map.of("PROMETHEUS_URL", "http://prometheus:9090"), """
                defaults: {timezone: Europe/Berlin}
                digests:
                  targets:
                    wecom: {daily: "09:00", weekly: "mon 08:30"}
                """);
        assertThat(c.digests().prometheusUrl()).contains(URI.create("http://prometheus:9090"));
        assertThat(c.digests().schedules().get("wecom"))
                .isEqualTo(new DigestSchedule(
                        Optional.of(LocalTime.of(9, 0)),
                        Optional.of(new DigestSchedule.Weekly(DayOfWeek.MONDAY, LocalTime.of(8, 30))),
                        ZoneId.of("Europe/Berlin"),
                        DigestSchedule.DEFAULT_TOP));
    }

    @Test
    void givenFileUrlTzAndTop_whenLoaded_thenTheyWin() throws Exception {
        BridgeConfig c = load(Map.of("PROMETHEUS_URL", "http://other:9090"), """
                digests:
                  prometheus_url: http://prometheus:9090
                  targets:
                    wecom: {weekly: "fri 17:00", tz: Asia/Shanghai, top: 3}
                """);
        assertThat(c.digests().prometheusUrl()).contains(URI.create("http://prometheus:9090"));
        DigestSchedule s = c.digests().schedules().get("wecom");
        assertThat(s.zone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
        assertThat(s.top()).isEqualTo(3);
        assertThat(s.daily()).isEmpty();
    }

    @Test
    void givenADigestWithoutPrometheus_whenLoaded_thenErrorNamesBothKeys() {
        assertThatThrownBy(() -> load(Map.of(), "digests: {targets: {wecom: {daily: \"09:00\"}}}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("digests.targets.wecom")
                .hasMessageContaining("PROMETHEUS_URL")
                .hasMessageContaining("digests.prometheus_url");
    }

    @Test
    void givenBadValues_whenLoaded_thenErrorsNameTheFullKeyPath() {
        Map<String, String> prom = Map.of("PROMETHEUS_URL", "http://p:9090");
        assertThatThrownBy(() -> load(prom, "digests: {targets: {wecom: {daily: \"9am\"}}}\n"))
                .hasMessageContaining("digests.targets.wecom.daily: \"9am\" is not a time of day");
        assertThatThrownBy(() -> load(prom, "digests: {targets: {wecom: {weekly: \"someday 09:00\"}}}\n"))
                .hasMessageContaining("digests.targets.wecom.weekly:");
        assertThatThrownBy(() -> load(prom, "digests: {targets: {wecom: {daily: \"09:00\", tz: Asia/Beijing}}}\n"))
                .hasMessageContaining("digests.targets.wecom.tz: \"Asia/Beijing\" is not an IANA zone");
        assertThatThrownBy(() -> load(prom, "digests: {targets: {wecom: {daily: \"09:00\", top: 0}}}\n"))
                .hasMessageContaining("digests.targets.wecom.top");
        assertThatThrownBy(() -> load(prom, "digests: {targets: {wecom: {tz: UTC}}}\n"))
                .hasMessageContaining("digests.targets.wecom: set daily");
        assertThatThrownBy(() -> load(prom, "digests: {targets: {nobody: {daily: \"09:00\"}}}\n"))
                .hasMessageContaining("digests.targets.nobody: no target \"nobody\"");
        assertThatThrownBy(() -> load(Map.of("PROMETHEUS_URL", "prometheus:9090"), "defaults: {}\n"))
                .hasMessageStartingWith("PROMETHEUS_URL: not an http(s) URL");
    }
}
