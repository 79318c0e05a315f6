package io.tokenmonitor.bridge.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.tokenmonitor.common.config.Secret;
import io.tokenmonitor.common.gateway.GatewayDsn;
import org.junit.jupiter.api.Test;

/** The shared DSN parser as the breaker uses it: with its own short driver timeouts. */
class GatewayDsnTest {
    private static GatewayDsn parse(String dsn) {
        return GatewayDsn.parse("SQL_DSN", dsn, null);
    }

    private static String breakerUrl(GatewayDsn dsn) {
        return dsn.jdbcUrl(Breaker.driverOptions(dsn.dialect()));
    }

    @Test
    void givenGoMysqlDsn_whenParsed_thenJdbcUrlAndCredentialsAndMaskedToString() {
        GatewayDsn dsn = parse("root:p@ss:w0rd@tcp(db:3306)/newapi?charset=utf8mb4&parseTime=True");
        assertThat(dsn.dialect()).isEqualTo(GatewayDsn.Dialect.MYSQL);
        assertThat(breakerUrl(dsn))
                .startsWith("jdbc:mysql://db:3306/newapi?")
                .contains("connectTimeout=5000")
                .contains("socketTimeout=15000");
        assertThat(dsn.user()).contains("root");
        assertThat(dsn.password().map(Secret::value)).contains("p@ss:w0rd");
        assertThat(dsn.toString()).doesNotContain("w0rd");
    }

    @Test
    void givenPostgresUrl_whenParsed_thenJdbcUrlKeepsOptions() {
        GatewayDsn dsn = parse("postgres://gw:secret@pg:5433/newapi?sslmode=disable");
        assertThat(dsn.dialect()).isEqualTo(GatewayDsn.Dialect.POSTGRES);
        assertThat(breakerUrl(dsn))
                .startsWith("jdbc:postgresql://pg:5433/newapi?")
                .contains("sslmode=disable")
                .contains("connectTimeout=5")
                .contains("socketTimeout=15");
        assertThat(dsn.password().map(Secret::value)).contains("secret");
        assertThat(dsn.toString()).doesNotContain("secret");
    }

    @Test
    void givenSqlitePathWithGatewayOptions_whenParsed_thenOptionsDropped() {
        assertThat(breakerUrl(parse("/data/one-api.db?_busy_timeout=30000"))).isEqualTo("jdbc:sqlite:/data/one-api.db");
    }

    @Test
    void givenBrokenDsn_whenParsed_thenMessageShowsExpectedFormsWithoutPassword() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> parse("root:hunter2@tcp(db:3306)"))
                .withMessageStartingWith("SQL_DSN: cannot parse")
                .withMessageContaining("expected user:pass@tcp(host:port)/database")
                .withMessageNotContaining("hunter2");
    }

    /** Issue 11 item 9: the breaker writes to the gateway with the TLS the DSN asks for, and no key retrieval. */
    @Test
    void givenGoMysqlDsnWithTls_whenTheBreakerBuildsItsUrl_thenTheTlsModeIsKept() {
        assertThat(breakerUrl(parse("root:pw@tcp(db:3306)/newapi?tls=true")))
                .contains("sslMode=VERIFY_IDENTITY")
                .doesNotContain("allowPublicKeyRetrieval");
        assertThat(breakerUrl(parse("root:pw@tcp(db:3306)/newapi?tls=skip-verify")))
                .contains("sslMode=REQUIRED");
        assertThat(breakerUrl(parse("mysql://root:pw@db:3306/newapi?tls=true"))).contains("sslMode=VERIFY_IDENTITY");
        assertThat(breakerUrl(parse("host=pg user=u password=pw dbname=newapi sslmode=verify-full")))
                .contains("sslmode=verify-full");
        assertThat(breakerUrl(parse("root:pw@tcp(db:3306)/newapi"))).doesNotContain("allowPublicKeyRetrieval");
    }
}
