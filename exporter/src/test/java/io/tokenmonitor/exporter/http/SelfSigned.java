package io.tokenmonitor.exporter.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/** A throwaway certificate and key for 127.0.0.1, made by openssl as an operator would. */
public record SelfSigned(Path cert, Path key) {

    public static SelfSigned create(Path dir, String name) throws IOException, InterruptedException {
        Path cert = dir.resolve(name + "-cert.pem");
        Path key = dir.resolve(name + "-key.pem");
        Process openssl = new ProcessBuilder(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-days",
                        "1",
                        "-subj",
                        "/CN=localhost",
                        "-addext",
                        "subjectAltName=IP:127.0.0.1,DNS:localhost",
                        "-keyout",
                        key.toString(),
                        "-out",
                        cert.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(openssl.getInputStream().readAllBytes());
        assertThat(openssl.waitFor()).as(output).isZero();
        return new SelfSigned(cert, key);
    }

    WebConfig.Tls tls(String min, String max) {
        return new WebConfig.Tls(cert, key, "NoClientCert", null, min, max);
    }

    /** A client context that accepts any server certificate: these tests are about the server's threads. */
    static SSLContext trustingAll() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new AnyCertificate()}, new SecureRandom());
        return context;
    }
}
