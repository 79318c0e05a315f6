package io.tokenmonitor.exporter.http;

import io.tokenmonitor.common.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** Builds an {@link SSLContext} from the PEM files a web config names. */
final class TlsContext {

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");
    private static final char[] NO_PASSWORD = new char[0];
    /** Client auth types that ask for a certificate without verifying it, as the exporter-toolkit (Go) does. */
    private static final Set<String> UNVERIFIED_CLIENT_CERT = Set.of("RequestClientCert", "RequireAnyClientCert");

    private TlsContext() {}

    /**
     * The server's context.
     *
     * @throws ConfigException naming the web config key whose file cannot be read, or whose key does
     *     not belong to the certificate (which would fail every handshake, not the start)
     */
    static SSLContext create(WebConfig.Tls tls) {
        try {
            KeyManagerFactory kmf = keyManagers(tls);
            TrustManager[] trust = null; // NoClientCert: none is asked for
            if (UNVERIFIED_CLIENT_CERT.contains(tls.clientAuthType())) {
                trust = new TrustManager[] {new AnyCertificate()};
            } else if (tls.clientCaFile() != null) {
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                int i = 0;
                for (Certificate ca : certificates(tls.clientCaFile(), "client_ca_file")) {
                    trusted.setCertificateEntry("ca" + i++, ca);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trusted);
                trust = tmf.getTrustManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), trust, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("web config: tls_server_config: cannot set up TLS: " + e.getMessage());
        }
    }

    /** The certificate and key of cert_file and key_file, checked to belong together. */
    static KeyManagerFactory keyManagers(WebConfig.Tls tls) throws IOException, GeneralSecurityException {
        Certificate[] chain = certificates(tls.certFile(), "cert_file").toArray(Certificate[]::new);
        PrivateKey key = privateKey(tls.keyFile());
        if (chain.length == 0) {
            throw new ConfigException(
                    "web config: tls_server_config.cert_file: " + tls.certFile() + " holds no certificate in PEM form");
        }
        if (!belongTogether(key, chain[0].getPublicKey())) {
            throw new ConfigException("web config: tls_server_config.key_file: " + tls.keyFile()
                    + " is not the key of the certificate in cert_file " + tls.certFile()
                    + "; every TLS handshake would fail: give the key the certificate was issued for");
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", key, NO_PASSWORD, chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, NO_PASSWORD);
        return kmf;
    }

    /** Signs a challenge with the private key and verifies it with the certificate's public key. */
    private static boolean belongTogether(PrivateKey key, PublicKey certified) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448: the signature is named as the key
        };
        if (!key.getAlgorithm().equals(certified.getAlgorithm())) {
            return false;
        }
        byte[] challenge = "token-monitor key check".getBytes(StandardCharsets.US_ASCII);
        Signature sign = Signature.getInstance(algorithm);
        sign.initSign(key);
        sign.update(challenge);
        byte[] signature = sign.sign();
        Signature verify = Signature.getInstance(algorithm);
        verify.initVerify(certified);
        verify.update(challenge);
        return verify.verify(signature);
    }

    private static Collection<? extends Certificate> certificates(Path file, String key) {
        try {
            return CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)));
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("web config: tls_server_config." + key + ": cannot read certificates from " + file
                    + ": " + e.getMessage());
        }
    }

    /** Reads a PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) key. */
    private static PrivateKey privateKey(Path file) throws GeneralSecurityException {
        Matcher pem;
        try {
            pem = PEM.matcher(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(
                    "web config: tls_server_config.key_file: cannot read " + file + ": " + e.getMessage());
        }
        while (pem.find()) {
            byte[] der = Base64.getMimeDecoder().decode(pem.group(2));
            switch (pem.group(1)) {
                case "PRIVATE KEY" -> {
                    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
                        try {
                            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                        } catch (GeneralSecurityException wrongAlgorithm) {
                            // try the next algorithm
                        }
                    }
                }
                case "RSA PRIVATE KEY" -> {
                    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(wrapPkcs1(der)));
                }
                default -> {}
            }
        }
        throw new ConfigException("web config: tls_server_config.key_file: " + file
                + " holds no PKCS#8 or RSA private key in PEM form; convert it with "
                + "openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem");
    }

    /** Wraps a PKCS#1 RSA key in the PKCS#8 structure Java reads: SEQUENCE { 0, rsaEncryption, OCTET STRING key }. */
    private static byte[] wrapPkcs1(byte[] pkcs1) {
        byte[] algorithm = {
            0x30,
            0x0d,
            0x06,
            0x09,
            0x2a,
            (byte) 0x86,
            0x48,
            (byte) 0x86,
            (byte) 0xf7,
            0x0d,
            0x01,
            0x01,
            0x01,
            0x05,
            0x00
        };
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = concat(new byte[] {0x04}, length(pkcs1.length), pkcs1);
        byte[] body = concat(version, algorithm, octets);
        return concat(new byte[] {0x30}, length(body.length), body);
    }

    private static byte[] length(int n) {
        if (n < 0x80) {
            return new byte[] {(byte) n};
        }
        if (n < 0x100) {
            return new byte[] {(byte) 0x81, (byte) n};
        }
        if (n < 0x10000) {
            return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        }
        return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }

    private static byte[] concat(byte[]... parts) {
        int size = 0;
        for (byte[] p : parts) {
            size += p.length;
        }
        byte[] all = new byte[size];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
