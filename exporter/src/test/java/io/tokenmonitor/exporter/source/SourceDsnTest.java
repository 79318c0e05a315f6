package io.tokenmonitor.exporter.source;

import io.tokenmonitor.exporter.config.ConfigException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceDsnTest {

    @Test
    void givenGatewayMysqlDsn_whenParsed_thenJdbcUrlUserAndPasswordAreSplit() {
        SourceDsn dsn = SourceDsn.parse("SQL_DSN", "newapi:p@ss@tcp(db.internal:3307)/new-api?charset=utf8mb4&parseTime=True&loc=Asia/Shanghai", "x.db");

        assertThat(dsn.dialect()).isEqualTo(SourceDialect.MYSQL);
        assertThat(dsn.jdbcUrl()).startsWith("jdbc:mysql://db.internal:3307/new-api?");
        assertThat(dsn.user()).isEqualTo("newapi");
        assertThat(dsn.password()).isEqualTo("p@ss");
        assertThat(dsn.toString()).isEqualTo("mysql://newapi@db.internal:3307/new-api").doesNotContain("p@ss");
    }

    @Test
    void givenMysqlDsnWithoutAddress_whenParsed_thenLocalhostDefaultPortIsUsed() {
        SourceDsn dsn = SourceDsn.parse("SQL_DSN", "root:secret@/oneapi", "x.db");

        assertThat(dsn.jdbcUrl()).startsWith("jdbc:mysql://127.0.0.1:3306/oneapi?");
    }

    @Test
    void givenMysqlTlsParam_whenParsed_thenSslModeFollows() {
        assertThat(SourceDsn.parse("SQL_DSN", "u:p@tcp(db:3306)/x?tls=true", "x.db").jdbcUrl()).contains("sslMode=VERIFY_IDENTITY");
    }

    @Test
    void givenPostgresUrl_whenParsed_thenPercentEncodedPasswordIsDecoded() {
        SourceDsn dsn = SourceDsn.parse("SQL_DSN", "postgresql://gw:p%40ss@pg:5433/newapi?sslmode=require", "x.db");

        assertThat(dsn.dialect()).isEqualTo(SourceDialect.POSTGRES);
        assertThat(dsn.jdbcUrl()).startsWith("jdbc:postgresql://pg:5433/newapi?").contains("sslmode=require");
        assertThat(dsn.password()).isEqualTo("p@ss");
        assertThat(dsn.identity()).isEqualTo("postgres:newapi");
    }

    @Test
    void givenDatabaseUrl_whenParsed_thenItIsMysql() {
        SourceDsn dsn = SourceDsn.parse("DATABASE_URL", "mysql://u:p@h/db", "x.db");

        assertThat(dsn.jdbcUrl()).startsWith("jdbc:mysql://h:3306/db?");
    }

    @Test
    void givenLocal_whenParsed_thenSqlitePathIsUsed() {
        SourceDsn dsn = SourceDsn.parse("SQL_DSN", "local", "/data/one-api.db");

        assertThat(dsn.dialect()).isEqualTo(SourceDialect.SQLITE);
        assertThat(dsn.jdbcUrl()).isEqualTo("jdbc:sqlite:/data/one-api.db");
    }

    @Test
    void givenJdbcUrl_whenParsed_thenItIsKeptAndThePasswordMasked() {
        SourceDsn dsn = SourceDsn.parse("SQL_DSN", "jdbc:mysql://h:3306/db?user=u&password=secret", "x.db");

        assertThat(dsn.jdbcUrl()).isEqualTo("jdbc:mysql://h:3306/db?user=u&password=secret");
        assertThat(dsn.toString()).doesNotContain("secret");
    }

    @Test
    void givenNonsense_whenParsed_thenTheErrorNamesTheVariableAndHidesThePassword() {
        assertThatThrownBy(() -> SourceDsn.parse("LOG_SQL_DSN", "redis://:hunter2@cache:6379", "x.db"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("LOG_SQL_DSN: cannot parse")
                .hasMessageNotContaining("hunter2");
    }
}
