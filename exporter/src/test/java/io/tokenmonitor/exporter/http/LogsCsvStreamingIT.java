package io.tokenmonitor.exporter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tokenmonitor.common.config.Secret;
import io.tokenmonitor.common.web.ConsoleLogin;
import io.tokenmonitor.exporter.metrics.UsageExposition;
import io.tokenmonitor.exporter.model.LogCells;
import io.tokenmonitor.exporter.model.LogFilter;
import io.tokenmonitor.exporter.model.LogSource;
import io.tokenmonitor.exporter.model.UsageTotals;
import io.tokenmonitor.exporter.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200,000 rows of 1 KB each (a 200 MB CSV) from a real store: the heap the export holds stays small while it runs,
 * since rows go from SQLite's cursor to the client one at a time. Measured after a GC at several points in the
 * stream, against the heap before the request.
 */
class LogsCsvStreamingIT {
    private static final int ROWS = 200_000;
    private static final String CONTENT = "x".repeat(1000);
    /** Far below the 200 MB a collected export would hold. */
    private static final long MAX_HELD_BYTES = 32L * 1024 * 1024;

    @TempDir
    Path dir;

    /** The store, with the heap in use measured after a GC every 50,000 rows. */
    static final class Measured implements LogSource {
        private final LogSource store;
        long baseline;
        long maxHeld;

        Measured(LogSource store) {
            this.store = store;
        }

        @Override
        public List<String> exportColumns() {
            return store.exportColumns();
        }

        @Override
        public long exportLogs(LogFilter filter, LogCells cells) throws IOException {
            long[] seen = {0};
            return store.exportLogs(filter, row -> {
                cells.row(row);
                if (++seen[0] % 50_000 == 0) {
                    maxHeld = Math.max(maxHeld, used() - baseline);
                }
            });
        }
    }

    static long used() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void given200kRows_whenExported_thenAllArriveAndTheHeapHeldStaysSmall() throws Exception {
        Path file = dir.resolve("store.db");
        try (Store store = Store.open(file)) {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                    PreparedStatement ps = c.prepareStatement("""
                            INSERT INTO logs (id, created_at, type, kind, channel_id, model, token_name, username,
                              user_id, "group", prompt_tokens, completion_tokens, cache_read_tokens, cache_write_tokens,
                              quota, is_stream, status_class, request_id, ip, content, other, token_id)
                            VALUES (?, ?, 2, 'request', '1', 'm', 'k', 'u', 1, 'default', 10, 20, 0, 0, 30, 0, '', '',
                              '', ?, '{}', 1)""")) {
                c.setAutoCommit(false);
                for (int i = 1; i <= ROWS; i++) {
                    ps.setLong(1, i);
                    ps.setLong(2, 1_700_000_000L + i);
                    ps.setString(3, CONTENT);
                    ps.addBatch();
                    if (i % 10_000 == 0) {
                        ps.executeBatch();
                    }
                }
                c.commit();
            }
            Measured measured = new Measured(store);
            try (ExporterHttpServer server = ExporterHttpServer.start(
                    new InetSocketAddress("127.0.0.1", 0),
                    new PrometheusRegistry(),
                    new UsageExposition(() -> UsageTotals.EMPTY, () -> true),
                    () -> true,
                    new WebConfig(null, Map.of(), Map.of()),
                    new FakeRuleBook(),
                    Optional.of(
                            new ConsoleLogin(ConsoleLogin.ACCESS_USER, new Secret("pw"), ConsoleLogin.ACCESS_PASSWORD)),
                    measured)) {
                measured.baseline = used();
                long started = System.nanoTime();
                HttpResponse<InputStream> r = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + LogsCsvApi.PATH
                                                + "?order=oldest"))
                                        .header(
                                                "Authorization",
                                                "Basic "
                                                        + Base64.getEncoder()
                                                                .encodeToString(
                                                                        "admin:pw".getBytes(StandardCharsets.UTF_8)))
                                        .build(),
                                HttpResponse.BodyHandlers.ofInputStream());
                assertThat(r.statusCode()).isEqualTo(200);
                long lines = 0;
                long bytes = 0;
                byte[] buffer = new byte[64 * 1024];
                try (InputStream in = r.body()) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        bytes += n;
                        for (int i = 0; i < n; i++) {
                            if (buffer[i] == '\n') {
                                lines++;
                            }
                        }
                    }
                }
                long millis = (System.nanoTime() - started) / 1_000_000;
                System.out.printf(
                        "log export: %d rows, %d bytes in %d ms; heap held at most %d KiB over the baseline%n",
                        lines - 1, bytes, millis, measured.maxHeld / 1024);
                assertThat(lines).isEqualTo(ROWS + 1);
                assertThat(bytes).isGreaterThan(ROWS * 1000L);
                assertThat(measured.maxHeld).isLessThan(MAX_HELD_BYTES);
            }
        }
    }
}
