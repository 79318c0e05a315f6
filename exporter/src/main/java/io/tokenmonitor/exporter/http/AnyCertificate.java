package io.tokenmonitor.exporter.http;

import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;

/**
 * Trusts every certificate: the client certificates of {@code RequireAnyClientCert} and
 * {@code RequestClientCert} (the exporter-toolkit asks for one there and does not verify it), and
 * the server certificate the loopback {@link HealthProbe} meets.
 */
final class AnyCertificate implements X509TrustManager {

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
