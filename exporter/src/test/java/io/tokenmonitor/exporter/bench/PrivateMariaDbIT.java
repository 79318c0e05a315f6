package io.tokenmonitor.exporter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.common.testing.TestLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's own MariaDB: a separate server process (whose CPU time /proc shows) holding New
 * API's tables, which leaves neither a process nor a data directory behind.
 */
class PrivateMariaDbIT {

    @TempDir
    Path dir;

    @Test
    void givenAPrivateServer_whenUsedAndClosed_thenItTookGatewayRowsAndLeftNothingBehind() throws Exception {
        Path pidFile = dir.resolve("mariadbd.pid");
        long pid;
        Path dataDir;
        try (PrivateMariaDb db = PrivateMariaDb.start(pidFile)) {
            pid = db.pid();
            List<String> recorded = Files.readAllLines(pidFile);
            assertThat(recorded.get(0)).isEqualTo(Long.toString(pid));
            dataDir = Path.of(recorded.get(1));
            assertThat(dataDir).isDirectory();
            assertThat(db.port()).isNotEqualTo(3306);
            assertThat(db.version()).contains("MariaDB");

            db.createNewApiDatabase("newapi");
            try (Connection c = db.connect("newapi")) {
                long now = System.currentTimeMillis() / 1000;
                GatewayWriter.insert(c, List.of(TestLog.consume(now, 1, "gpt-4o", 10, 5, 15)));
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(prompt_tokens) FROM logs WHERE type = 2")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(1);
                    assertThat(rs.getLong(2)).isEqualTo(10);
                }
            }
            assertThat(ProcStat.cpuSeconds(pid))
                    .as("the server's CPU time, read from /proc")
                    .isPositive();
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
        assertThat(dataDir).doesNotExist();
    }
}
