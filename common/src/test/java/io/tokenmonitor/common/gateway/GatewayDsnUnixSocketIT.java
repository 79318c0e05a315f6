package io.tokenmonitor.common.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** go-sql-driver's {@code unix(/path)} reaches the local MariaDB through its socket, with the junixsocket factory. */
class GatewayDsnUnixSocketIT {
    private static final String SOCKET = "/run/mysqld/mysqld.sock";

    @Test
    void givenUnixSocketDsn_whenConnecting_thenTheConnectionGoesThroughTheSocket() throws Exception {
        assertThat(Files.exists(Path.of(SOCKET)))
                .as("MariaDB's socket " + SOCKET)
                .isTrue();
        GatewayDsn dsn =
                GatewayDsn.parse("SQL_DSN", "root:@unix(" + SOCKET + ")/mysql?charset=utf8mb4&parseTime=True", null);
        String url = dsn.jdbcUrl(
                dsn.dialect().timeoutOptions(java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(15)));
        try (Connection c = DriverManager.getConnection(url, dsn.user().orElseThrow(), "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT HOST, DB FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()")) {
            assertThat(rs.next()).isTrue();
            // A TCP client shows as host:port; a unix socket client as "localhost" without a port.
            assertThat(rs.getString(1)).isEqualTo("localhost");
            assertThat(rs.getString(2)).isEqualTo("mysql");
        }
    }
}
