package io.tokenmonitor.exporter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.exporter.metrics.UsageExposition;
import io.tokenmonitor.exporter.model.UsageTotals;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS settings that would let the exporter start and then fail every handshake refuse the start, naming the key. */
class TlsMisconfigurationTest {

    @TempDir
    Path dir;

    @Test
    void givenKeyOfAnotherCertificate_whenStarted_thenRefusedNamingKeyFile() throws Exception {
        SelfSigned one = SelfSigned.create(dir, "one");
        SelfSigned other = SelfSigned.create(dir, "other");
        WebConfig web = new WebConfig(
                new WebConfig.Tls(one.cert(), other.key(), "NoClientCert", null, "TLSv1.2", "TLSv1.3"),
                Map.of(),
                Map.of());

        assertThatThrownBy(() -> start(web))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tls_server_config.key_file")
                .hasMessageContaining("is not the key of the certificate in cert_file");
    }

    @Test
    void givenMinVersionAboveMaxVersion_whenRead_thenRefusedNamingBoth() throws Exception {
        SelfSigned pair = SelfSigned.create(dir, "server");
        Path file = Files.writeString(dir.resolve("web.yml"), """
                tls_server_config: {cert_file: %s, key_file: %s, min_version: TLS13, max_version: TLS12}
                """.formatted(pair.cert(), pair.key()));

        assertThatThrownBy(() -> WebConfig.read(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tls_server_config.min_version TLS13 is above max_version TLS12");
    }

    @Test
    void givenUnknownVersionName_whenRead_thenRefusedNamingTheKey() throws Exception {
        Path file = Files.writeString(dir.resolve("web.yml"), """
                tls_server_config: {cert_file: c.pem, key_file: k.pem, max_version: TLSv1.3}
                """);

        assertThatThrownBy(() -> WebConfig.read(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tls_server_config.max_version: \"TLSv1.3\" is not one of");
    }

    @Test
    void givenUnknownCipherSuite_whenRead_thenRefusedNamingTheKey() throws Exception {
        Path file = Files.writeString(dir.resolve("web.yml"), """
                tls_server_config:
                  cert_file: c.pem
                  key_file: k.pem
                  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_RSA_WITH_NOTHING]
                """);

        assertThatThrownBy(() -> WebConfig.read(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "tls_server_config.cipher_suites: \"TLS_RSA_WITH_NOTHING\" is not a cipher suite");
    }

    @Test
    void givenCipherSuites_whenServedUpToTls12_thenTheHandshakeUsesOneOfThem() throws Exception {
        SelfSigned pair = SelfSigned.create(dir, "server");
        Path file = Files.writeString(dir.resolve("web.yml"), """
                tls_server_config:
                  cert_file: %s
                  key_file: %s
                  max_version: TLS12
                  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]
                """.formatted(pair.cert(), pair.key()));
        try (ExporterHttpServer server = ExporterHttpServer.start(
                        new InetSocketAddress("127.0.0.1", 0),
                        new PrometheusRegistry(),
                        new UsageExposition(() -> UsageTotals.EMPTY, () -> true),
                        () -> true,
                        WebConfig.read(file));
                SSLSocket socket = (SSLSocket)
                        SelfSigned.trustingAll().getSocketFactory().createSocket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            assertThat(socket.getSession().getCipherSuite()).isEqualTo("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
        }
    }

    @Test
    void givenMissingCertificateFile_whenStarted_thenRefusedNamingCertFile() throws Exception {
        SelfSigned pair = SelfSigned.create(dir, "server");
        WebConfig web = new WebConfig(
                new WebConfig.Tls(dir.resolve("absent.pem"), pair.key(), "NoClientCert", null, "TLSv1.2", "TLSv1.3"),
                Map.of(),
                Map.of());

        assertThatThrownBy(() -> start(web))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tls_server_config.cert_file");
    }

    private static void start(WebConfig web) throws Exception {
        ExporterHttpServer.start(
                        new InetSocketAddress("127.0.0.1", 0),
                        new PrometheusRegistry(),
                        new UsageExposition(() -> UsageTotals.EMPTY, () -> true),
                        () -> true,
                        web)
                .close();
    }
}
