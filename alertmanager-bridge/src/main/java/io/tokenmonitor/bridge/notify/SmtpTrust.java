package io.tokenmonitor.bridge.notify;

import io.tokenmonitor.common.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificates an e-mail target trusts instead of the Java runtime's roots: a PEM file of one or more CA (or
 * self-signed server) certificates, for a mail relay with a private CA. Verification stays on; only the anchors
 * change.
 */
public final class SmtpTrust {
    private SmtpTrust() {}

    /**
     * @param key names the setting in the error message
     * @throws ConfigException when the file cannot be read or holds no certificate
     */
    public static SSLSocketFactory load(String key, Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new ConfigException(key + ": " + pem + " holds no PEM certificate");
            }
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                anchors.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException e) {
            throw new ConfigException(
                    key + ": cannot read " + pem + " (" + e.getClass().getSimpleName() + ")");
        } catch (GeneralSecurityException e) {
            throw new ConfigException(key + ": " + pem + " is not a PEM certificate file ("
                    + e.getClass().getSimpleName() + ")");
        }
    }
}
