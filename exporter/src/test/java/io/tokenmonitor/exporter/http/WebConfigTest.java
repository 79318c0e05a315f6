package io.tokenmonitor.exporter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmonitor.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebConfigTest {

    private static final String HASH = "$2y$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze";

    @TempDir
    Path dir;

    @Test
    void givenToolkitFile_whenRead_thenPathsResolveAgainstItsDirectory() throws Exception {
        WebConfig config = WebConfig.read(Files.writeString(dir.resolve("web.yml"), """
                tls_server_config: {cert_file: tls/cert.pem, key_file: tls/key.pem, min_version: TLS13}
                basic_auth_users: {prometheus: '%s'}
                """.formatted(HASH)));

        assertThat(config.tls().certFile()).isEqualTo(dir.resolve("tls/cert.pem"));
        assertThat(config.tls().minVersion()).isEqualTo("TLSv1.3");
        assertThat(config.basicAuthUsers()).containsEntry("prometheus", HASH);
    }

    @Test
    void givenMistakes_whenRead_thenTheKeyIsNamed() throws Exception {
        assertThatThrownBy(() ->
                        WebConfig.read(Files.writeString(dir.resolve("a.yml"), "basic_auth_users: {u: plaintext}\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("basic_auth_users.u: not a bcrypt hash");
        assertThatThrownBy(() -> WebConfig.read(Files.writeString(dir.resolve("b.yml"), "tls_config: {}\n")))
                .hasMessageContaining("unknown key \"tls_config\"");
        assertThatThrownBy(() -> WebConfig.read(
                        Files.writeString(dir.resolve("c.yml"), "tls_server_config: {cert_file: c.pem}\n")))
                .hasMessageContaining("tls_server_config needs cert_file and key_file");
    }
}
