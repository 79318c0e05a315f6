package io.tokenmonitor.exporter.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * Asks this machine's exporter for {@code /healthz}, over HTTPS when its web config has TLS: the
 * container's health check, which has no curl and cannot speak TLS from bash. It connects to
 * 127.0.0.1 only, so it accepts any server certificate (the name on it is for remote scrapers, and
 * nothing secret is sent); where the server requires a client certificate, it presents the
 * server's own. Without a web config it asks in plain HTTP and, when no HTTP comes back, in HTTPS:
 * the web config may have been given as {@code --web.config.file}, which it cannot see.
 */
public final class HealthProbe {

    private static final int TIMEOUT_MILLIS = 4_000;
    private static final Set<String> CERT_REQUIRED = Set.of("RequireAnyClientCert", "RequireAndVerifyClientCert");

    private HealthProbe() {}

    /**
     * @param port the exporter's port on 127.0.0.1
     * @return the status line of the answer to {@code GET /healthz}
     * @throws IOException when the exporter does not answer in 4 s
     */
    public static String statusLine(int port, WebConfig web) throws IOException {
        if (web.tls() != null) {
            return statusLine(https(port, web.tls()));
        }
        String plain;
        try {
            plain = statusLine(plain(port));
        } catch (IOException noHttp) {
            plain = "";
        }
        return plain.startsWith("HTTP/") ? plain : statusLine(https(port, null));
    }

    private static String statusLine(Socket connected) throws IOException {
        try (Socket socket = connected) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write("GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\n' && line.length() < 200; c = in.read()) {
                line.append((char) c);
            }
            return line.toString().strip();
        }
    }

    private static Socket plain(int port) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
        return plain;
    }

    /** @param tls the server's settings; null when unknown (no client certificate then) */
    private static Socket https(int port, WebConfig.Tls tls) throws IOException {
        try {
            KeyManager[] own = tls != null && CERT_REQUIRED.contains(tls.clientAuthType())
                    ? TlsContext.keyManagers(tls).getKeyManagers()
                    : null;
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(own, new TrustManager[] {new AnyCertificate()}, new SecureRandom());
            Socket raw = plain(port);
            raw.setSoTimeout(TIMEOUT_MILLIS);
            SSLSocket secure = (SSLSocket) context.getSocketFactory().createSocket(raw, "127.0.0.1", port, true);
            secure.startHandshake();
            return secure;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
