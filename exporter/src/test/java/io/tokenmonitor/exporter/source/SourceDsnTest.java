package io.tokenmonitor.exporter.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmonitor.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SourceDsnTest {

    @Test
    void givenGatewayMysqlDsn_whenParsed_thenJdbcUrlUserAndPasswordAreSplit() {
        SourceDsn dsn = SourceDsn.parse(
                "SQL_DSN",
                "newapi:p@ss@tcp(db.internal:3307)/new-api?charset=utf8mb4&parseTime=True&loc=Asia/Shanghai",
                "x.db");

        assertThat(dsn.dialect()).isEqualTo(SourceDialect.MYSQL);
        assertThat(dsn.jdbcUrl()).startsWith("jdbc:mysql://db.internal:3307/new-api?");
        assertThat(dsn.user()).isEqualTo("newapi");
        assertThat(dsn.password()).isEqualTo("p@ss");
        assertThat(dsn.toString())
                .isEqualTo("mysql://newapi@db.internal:3307/new-api")
                .doesNotContain("p@ss");
    }

    @Test
    void givenMysqlDsnWithoutAddress_whenParsed_thenLocalhostDefaultPortIsUsed() {
        SourceDsn dsn = SourceDsn.parse("SQL_DSN", "root:secret@/oneapi", "x.db");

        assertThat(dsn.jdbcUrl()).startsWith("jdbc:mysql://127.0.0.1:3306/oneapi?");
    }

    @Test
    void givenMysqlTlsParam_whenParsed_thenSslModeFollows() {
        assertThat(SourceDsn.parse("SQL_DSN", "u:p@tcp(db:3306)/x?tls=true", "x.db")
                        .jdbcUrl())
                .contains("sslMode=VERIFY_IDENTITY");
    }

    @Test
    void givenPostgresUrl_whenParsed_thenPercentEncodedPasswordIsDecoded() {
        SourceDsn dsn = SourceDsn.parse("SQL_DSN", "postgresql://gw:p%40ss@pg:5433/newapi?sslmode=require", "x.db");

        assertThat(dsn.dialect()).isEqualTo(SourceDialect.POSTGRES);
        assertThat(dsn.jdbcUrl())
                .startsWith("jdbc:postgresql://pg:5433/newapi?")
                .contains("sslmode=require");
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
    void givenJdbcUrl_whenParsed_thenTheCredentialsGoToThePoolAndThePasswordIsMasked() {
        SourceDsn dsn = SourceDsn.parse("SQL_DSN", "jdbc:mysql://h:3306/db?user=u&password=secret", "x.db");

        // The shared DSN grammar (issue 10) takes user and password out of the URL; the pool gets them.
        assertThat(dsn.jdbcUrl()).startsWith("jdbc:mysql://h:3306/db?").doesNotContain("secret");
        assertThat(dsn.user()).isEqualTo("u");
        assertThat(dsn.password()).isEqualTo("secret");
        assertThat(dsn.toString()).doesNotContain("secret");
    }

    @Test
    void givenGatewayDsns_whenParsed_thenTheExportersDriverTimeoutsAreAddedAndTheDsnsOwnOptionsWin() {
        assertThat(SourceDsn.parse("SQL_DSN", "u:p@tcp(db:3306)/x", "x.db").jdbcUrl())
                .isEqualTo("jdbc:mysql://db:3306/x?connectTimeout=10000&socketTimeout=120000&tcpKeepAlive=true");
        assertThat(SourceDsn.parse("SQL_DSN", "postgres://u:p@pg:5432/x", "x.db")
                        .jdbcUrl())
                .isEqualTo(
                        "jdbc:postgresql://pg:5432/x?connectTimeout=10&socketTimeout=120&tcpKeepAlive=true&ApplicationName=token-monitor-exporter");
        assertThat(SourceDsn.parse("SQL_DSN", "jdbc:postgresql://pg:5432/x?socketTimeout=600", "x.db")
                        .jdbcUrl())
                .contains("socketTimeout=600")
                .doesNotContain("socketTimeout=120");
    }

    @Test
    void givenUnixSocketDsn_whenParsed_thenItIsAccepted() {
        // Refused before issue 10 ("unix sockets are not supported"); the gateway accepts it, so the exporter does too.
        SourceDsn dsn = SourceDsn.parse("SQL_DSN", "root:pw@unix(/run/mysqld/mysqld.sock)/new-api", "x.db");

        assertThat(dsn.dialect()).isEqualTo(SourceDialect.MYSQL);
        assertThat(dsn.jdbcUrl())
                .contains("junixsocket.file=/run/mysqld/mysqld.sock")
                .contains("connectTimeout=10000");
        assertThat(dsn.identity()).isEqualTo("mysql:new-api");
    }

    @Test
    void givenNonsense_whenParsed_thenTheErrorNamesTheVariableAndHidesThePassword() {
        assertThatThrownBy(() -> SourceDsn.parse("LOG_SQL_DSN", "redis://:hunter2@cache:6379", "x.db"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("LOG_SQL_DSN: cannot parse")
                .hasMessageNotContaining("hunter2");
    }

    /**
     * Issue 11: key retrieval sends the password to whoever answers as the server when TLS is off, so it is on only
     * where the DSN asks for it (MariaDB's default and ed25519 plugins never need it; with TLS the password travels
     * encrypted without it).
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "u:p@tcp(db:3306)/x                                        | false | -",
                "u:p@tcp(db:3306)/x?tls=true                               | false | sslMode=VERIFY_IDENTITY",
                "u:p@tcp(db:3306)/x?tls=skip-verify                        | false | sslMode=REQUIRED",
                "u:p@tcp(db:3306)/x?tls=false                              | false | sslMode=DISABLED",
                "u:p@tcp(db:3306)/x?allowPublicKeyRetrieval=true           | true  | -",
                "u:p@tcp(db:3306)/x?tls=preferred&allowPublicKeyRetrieval=true | true | sslMode=PREFERRED",
                "u:p@tcp(db:3306)/x?allowPublicKeyRetrieval=false          | false | -",
                "mysql://u:p@db:3306/x                                     | false | -",
                "mysql://u:p@db:3306/x?allowPublicKeyRetrieval=true        | true  | -",
                "mysql://u:p@db:3306/x?tls=true                            | false | sslMode=VERIFY_IDENTITY",
                "jdbc:mysql://db:3306/x?user=u&password=p                  | false | -",
                "jdbc:mysql://db:3306/x?allowPublicKeyRetrieval=true       | true  | -",
                "jdbc:mariadb://db:3306/x?sslMode=VERIFY_CA                | false | sslMode=VERIFY_CA",
                "u:p@unix(/run/mysqld/mysqld.sock)/x                       | false | socketFactory=",
            })
    void givenMysqlDsnForms_whenTheJdbcUrlIsBuilt_thenKeyRetrievalIsOnOnlyWhenAsked(
            String text, boolean retrieval, String tls) {
        String url = SourceDsn.parse("SQL_DSN", text, "x.db").jdbcUrl();

        if (retrieval) {
            assertThat(url).contains("allowPublicKeyRetrieval=true");
        } else {
            assertThat(url).doesNotContain("allowPublicKeyRetrieval=true");
        }
        if (!tls.equals("-")) {
            assertThat(url).contains(tls);
        }
    }
}
