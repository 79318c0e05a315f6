package io.tokenmonitor.bridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmonitor.bridge.notify.TargetConfig;
import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.common.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings of the DingTalk, e-mail and webhook targets: read, defaulted, refused with the key named. */
class PlatformConfigTest {
    @TempDir
    Path dir;

    private BridgeConfig load(Map<String, String> env, String yaml) throws Exception {
        Map<String, String> all = new HashMap<>(Map.of("BRIDGE_TOKEN", "t"));
        all.putAll(env);
        Optional<Path> file = Optional.empty();
        if (yaml != null) {
            Path p = dir.resolve("bridge.yml");
            Files.writeString(p, yaml);
            file = Optional.of(p);
        }
        return new ConfigLoader().load(new Env(all), file);
    }

    @Test
    void givenDingTalkVariables_whenLoaded_thenTheDingtalkTargetWithItsSecretFromAFile() throws Exception {
        Path secret = dir.resolve("dingtalk.secret");
        Files.writeString(secret, "SECabc123\n");
        BridgeConfig c = load(
                Map.of(
                        "DINGTALK_WEBHOOK",
                        "https://oapi.dingtalk.com/robot/send?access_token=Qx7tokentoken",
                        "DINGTALK_SECRET_FILE",
                        secret.toString()),
                null);
        TargetConfig.DingTalk d = (TargetConfig.DingTalk) c.targets().get("dingtalk");
        assertThat(d.signingSecret().orElseThrow().value()).isEqualTo("SECabc123");
        assertThat(c.toString()).doesNotContain("Qx7tokentoken").doesNotContain("SECabc123");
    }

    @Test
    void givenDingTalkSecretAlone_whenLoaded_thenTheErrorNamesIt() {
        assertThatThrownBy(() -> load(Map.of("DINGTALK_SECRET", "SECx"), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("DINGTALK_SECRET: set DINGTALK_WEBHOOK too");
        assertThatThrownBy(() -> load(Map.of("DINGTALK_WEBHOOK", "oapi.dingtalk.com/Qx7leak"), null))
                .hasMessageStartingWith("DINGTALK_WEBHOOK: not an http(s) URL")
                .hasMessageNotContaining("Qx7leak");
    }

    @Test
    void givenEmailAndWebhookTargets_whenLoaded_thenReadWithDefaults() throws Exception {
        Path password = dir.resolve("smtp.password");
        Files.writeString(password, "Qx7password\n");
        BridgeConfig c = load(Map.of(), """
                targets:
                  ops-mail:
                    type: email
                    host: smtp.example.com
                    username: alerts@example.com
                    password_file: %s
                    from: Token Monitor <alerts@example.com>
                    to: ops@example.com, Oncall <oncall@example.com>
                  relay:
                    type: email
                    host: localhost
                    security: none
                    from: alerts@example.com
                    to: ops@example.com
                    timeout: 5s
                  slack:
                    type: webhook
                    format: slack
                    url: https://hooks.slack.com/services/T0/B0/Qx7slack
                  hook:
                    type: webhook
                    url: https://hooks.example.com/alerts
                    secret: Qx7hmac
                    headers:
                      Authorization: Bearer Qx7bearer
                """.formatted(password));
        TargetConfig.Email mail = (TargetConfig.Email) c.targets().get("ops-mail");
        assertThat(mail.security()).isEqualTo(TargetConfig.SmtpSecurity.STARTTLS);
        assertThat(mail.port()).isEqualTo(587);
        assertThat(mail.password().orElseThrow().value()).isEqualTo("Qx7password");
        assertThat(mail.to()).containsExactly("ops@example.com", "Oncall <oncall@example.com>");
        assertThat(mail.timeout()).isEqualTo(Duration.ofSeconds(30));
        TargetConfig.Email relay = (TargetConfig.Email) c.targets().get("relay");
        assertThat(relay.port()).isEqualTo(25);
        assertThat(relay.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(((TargetConfig.Webhook) c.targets().get("slack")).format())
                .isEqualTo(TargetConfig.WebhookFormat.SLACK);
        TargetConfig.Webhook hook = (TargetConfig.Webhook) c.targets().get("hook");
        assertThat(hook.format()).isEqualTo(TargetConfig.WebhookFormat.JSON);
        assertThat(hook.headers().get("Authorization").value()).isEqualTo("Bearer Qx7bearer");
        assertThat(c.toString()).doesNotContain("Qx7");
    }

    @Test
    void givenBadPlatformSettings_whenLoaded_thenOneLineNamingTheKey() {
        String mail = "targets:\n  m:\n    type: email\n    from: a@example.com\n    to: b@example.com\n";
        List<String[]> cases = List.of(
                new String[] {mail, "bridge.yml: targets.m.host: missing"},
                new String[] {
                    mail + "    host: h\n    security: ssl\n",
                    "targets.m.security: \"ssl\" is not starttls, tls or none"
                },
                new String[] {mail + "    host: h\n    port: 0\n", "targets.m.port: 0 is out of range"},
                new String[] {
                    mail + "    host: h\n    security: none\n    username: u\n    password: Qx7leak\n",
                    "targets.m.security: none would send the password unencrypted"
                },
                new String[] {mail + "    host: h\n    username: u\n", "targets.m.username: set password"},
                new String[] {
                    "targets:\n  m:\n    type: email\n    host: h\n    from: a@example.com\n    to: b@example.com, not an address\n",
                    "targets.m.to: \"not an address\" is not an e-mail address"
                },
                new String[] {
                    mail + "    host: h\n    tls_ca_file: /nonexistent/ca.pem\n", "targets.m.tls_ca_file: cannot read"
                },
                new String[] {mail + "    host: h\n    smtp_host: h\n", "unknown key \"smtp_host\" in targets.m"},
                new String[] {
                    "targets:\n  w:\n    type: webhook\n    url: https://x/Qx7leak\n    format: teams\n",
                    "targets.w.format: \"teams\" is not json, slack or discord"
                },
                new String[] {"targets:\n  w:\n    type: webhook\n", "targets.w.url: missing"},
                new String[] {
                    "targets:\n  w:\n    type: webhook\n    url: https://x/y\n    headers:\n      Content-Type: text/plain\n",
                    "targets.w.headers.Content-Type: set by the bridge itself"
                },
                new String[] {
                    "targets:\n  w:\n    type: webhook\n    url: https://x/y\n    headers:\n      \"Bad Header\": Qx7leak\n",
                    "targets.w.headers.Bad Header: not an HTTP header name"
                },
                new String[] {"targets:\n  d:\n    type: dingtalk\n", "targets.d.webhook: missing"},
                new String[] {
                    "targets:\n  x:\n    type: teams\n", "use telegram, feishu, wecom, dingtalk, email or webhook"
                });
        for (String[] c : cases) {
            assertThatThrownBy(() -> load(Map.of(), c[0]))
                    .as(c[0])
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(c[1])
                    .hasMessageNotContaining("Qx7leak");
        }
    }
}
