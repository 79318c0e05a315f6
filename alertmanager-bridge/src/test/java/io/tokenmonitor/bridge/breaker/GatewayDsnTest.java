package io.tokenmonitor.bridge.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class GatewayDsnTest {
    @Test
    void givenGoMysqlDsn_whenParsed_thenJdbcUrlAndCredentialsAndMaskedToString() {
        GatewayDsn dsn = GatewayDsn.parse("root:p@ss:w0rd@tcp(db:3306)/newapi?charset=utf8mb4&parseTime=True");
        assertThat(dsn.dialect()).isEqualTo(GatewayDsn.Dialect.MYSQL);
        assertThat(dsn.jdbcUrl()).startsWith("jdbc:mysql://db:3306/newapi?");
        assertThat(dsn.user()).contains("root");
        assertThat(dsn.password()).contains("p@ss:w0rd");
        assertThat(dsn.toString()).doesNotContain("w0rd");
    }

    @Test
    void givenPostgresUrl_whenParsed_thenJdbcUrlKeepsOptions() {
        GatewayDsn dsn = GatewayDsn.parse("postgres://gw:secret@pg:5433/newapi?sslmode=disable");
        assertThat(dsn.dialect()).isEqualTo(GatewayDsn.Dialect.POSTGRES);
        assertThat(dsn.jdbcUrl()).startsWith("jdbc:postgresql://pg:5433/newapi?sslmode=disable&");
        assertThat(dsn.password()).contains("secret");
        assertThat(dsn.toString()).doesNotContain("secret");
    }

    @Test
    void givenSqlitePathWithGatewayOptions_whenParsed_thenOptionsDropped() {
        assertThat(GatewayDsn.parse("/data/one-api.db?_busy_timeout=30000").jdbcUrl()).isEqualTo("jdbc:sqlite:/data/one-api.db");
    }

    @Test
    void givenBrokenDsn_whenParsed_thenMessageShowsExpectedFormsWithoutPassword() {
        assertThatIllegalArgumentException().isThrownBy(() -> GatewayDsn.parse("root:hunter2@tcp(db:3306)"))
                .withMessageStartingWith("SQL_DSN: cannot parse")
                .withMessageContaining("expected user:pass@tcp(host:port)/database")
                .withMessageNotContaining("hunter2");
    }
}
