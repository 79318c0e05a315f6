package io.tokenmonitor.exporter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.exporter.metrics.UsageExposition;
import io.tokenmonitor.exporter.model.UsageTotals;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that start a request (or a TLS handshake) and then send nothing hold none of the threads a
 * scrape needs, and the server closes them after its request deadline (issue 11, item 2).
 */
class SlowClientsIT {

    private static final int SLOW = 100;
    private static final Duration SCRAPE_BOUND = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final List<Socket> slow = new ArrayList<>();

    @AfterEach
    void closeSlowClients() throws IOException {
        for (Socket s : slow) {
            s.close();
        }
    }

    @Test
    void givenHundredStalledRequests_whenScraped_thenTheScrapeAnswers_andTheStalledAreClosed() throws Exception {
        try (ExporterHttpServer server = start(WebConfig.NONE)) {
            for (int i = 0; i < SLOW; i++) {
                Socket s = connect(server.port());
                OutputStream out = s.getOutputStream();
                // Half send headers without their end, half a POST's headers and one byte of its body.
                out.write((i % 2 == 0
                                ? "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                : "POST /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nx")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            HttpClient plain = HttpClient.newHttpClient();
            assertScrapeAnswers(plain, "http://127.0.0.1:" + server.port());
            assertClosedByTheServer();
        }
    }

    @Test
    void givenHundredHalfFinishedTlsHandshakes_whenScraped_thenTheScrapeAnswers_andTheStalledAreClosed()
            throws Exception {
        SelfSigned pair = SelfSigned.create(dir, "server");
        try (ExporterHttpServer server = start(new WebConfig(pair.tls("TLSv1.2", "TLSv1.3"), Map.of(), Map.of()))) {
            for (int i = 0; i < SLOW; i++) {
                Socket s = connect(server.port());
                OutputStream out = s.getOutputStream();
                // A real ClientHello, then nothing: the server answers and waits for the client's next flight.
                out.write(clientHello(server.port()));
                out.flush();
            }
            HttpClient https =
                    HttpClient.newBuilder().sslContext(SelfSigned.trustingAll()).build();
            assertScrapeAnswers(https, "https://127.0.0.1:" + server.port());
            assertClosedByTheServer();
        }
    }

    private static ExporterHttpServer start(WebConfig web) throws IOException {
        return ExporterHttpServer.start(
                new InetSocketAddress("127.0.0.1", 0),
                new PrometheusRegistry(),
                new UsageExposition(() -> UsageTotals.EMPTY, () -> true),
                () -> true,
                web);
    }

    private Socket connect(int port) throws IOException {
        Socket s = new Socket();
        slow.add(s);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return s;
    }

    private static void assertScrapeAnswers(HttpClient client, String base) throws Exception {
        for (String path : List.of("/metrics", "/healthz")) {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create(base + path))
                            .timeout(SCRAPE_BOUND)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path).isEqualTo(200);
        }
    }

    /** Every stalled connection sees its end (EOF or reset) within the request deadline and a margin. */
    private void assertClosedByTheServer() throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (Socket s : slow) {
            InputStream in = s.getInputStream();
            boolean closed = false;
            while (!closed) {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                assertThat(System.nanoTime())
                        .as("stalled connection closed by the server")
                        .isLessThan(deadline);
                s.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
                try {
                    closed = in.read(new byte[16 * 1024]) == -1; // the TLS server's first flight comes first
                } catch (SocketTimeoutException stillOpen) {
                    // the loop's deadline check fails the test
                } catch (IOException reset) {
                    closed = true;
                }
            }
        }
    }

    private static byte[] clientHello(int port) throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine("127.0.0.1", port);
        engine.setUseClientMode(true);
        engine.beginHandshake();
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        return hello;
    }
}
