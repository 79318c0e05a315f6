package io.tokenmonitor.common.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.common.config.Secret;
import io.tokenmonitor.common.gateway.GatewayDsn.Dialect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every form of docs/gateway-dsn.md, accepted and refused. */
class GatewayDsnTest {
    private static final String CWD = Path.of("").toAbsolutePath().toString();

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            value = {
                // go-sql-driver
                "root:pw@tcp(db:3306)/new-api?charset=utf8mb4&parseTime=True&loc=Local | MYSQL | jdbc:mysql://db:3306/new-api | root | pw | mysql://root@db:3306/new-api | mysql:new-api",
                "root:p@ss:w@rd@tcp(10.0.0.5:3307)/oneapi | MYSQL | jdbc:mysql://10.0.0.5:3307/oneapi | root | p@ss:w@rd | mysql://root@10.0.0.5:3307/oneapi | mysql:oneapi",
                "root:@tcp(127.0.0.1:3306)/tm              | MYSQL | jdbc:mysql://127.0.0.1:3306/tm | root | - | mysql://root@127.0.0.1:3306/tm | mysql:tm",
                "root@tcp(db)/tm                           | MYSQL | jdbc:mysql://db:3306/tm | root | - | mysql://root@db:3306/tm | mysql:tm",
                "root:pw@tcp([::1]:3306)/tm                | MYSQL | jdbc:mysql://[::1]:3306/tm | root | pw | mysql://root@[::1]:3306/tm | mysql:tm",
                "root:pw@/tm                               | MYSQL | jdbc:mysql://127.0.0.1:3306/tm | root | pw | mysql://root@127.0.0.1:3306/tm | mysql:tm",
                "root:pw@tcp/tm                            | MYSQL | jdbc:mysql://127.0.0.1:3306/tm | root | pw | mysql://root@127.0.0.1:3306/tm | mysql:tm",
                "root:pw@(db:3306)/tm                      | MYSQL | jdbc:mysql://db:3306/tm | root | pw | mysql://root@db:3306/tm | mysql:tm",
                "tcp(db:3306)/tm                           | MYSQL | jdbc:mysql://db:3306/tm | - | - | mysql://db:3306/tm | mysql:tm",
                "root:pw@tcp(db:3306)/tm?tls=true          | MYSQL | jdbc:mysql://db:3306/tm?sslMode=VERIFY_IDENTITY | root | pw | mysql://root@db:3306/tm | mysql:tm",
                "root:pw@tcp(db:3306)/tm?tls=skip-verify   | MYSQL | jdbc:mysql://db:3306/tm?sslMode=REQUIRED | root | pw | mysql://root@db:3306/tm | mysql:tm",
                "root:pw@tcp(db:3306)/tm?tls=preferred     | MYSQL | jdbc:mysql://db:3306/tm?sslMode=PREFERRED | root | pw | mysql://root@db:3306/tm | mysql:tm",
                "root:pw@tcp(db:3306)/tm?charset=utf8&tls=false | MYSQL | jdbc:mysql://db:3306/tm?sslMode=DISABLED | root | pw | mysql://root@db:3306/tm | mysql:tm",
                "root:pw@unix(/run/mysqld/mysqld.sock)/tm  | MYSQL | jdbc:mysql://localhost/tm?socketFactory=org.newsclub.net.mysql.AFUNIXDatabaseSocketFactoryCJ&junixsocket.file=/run/mysqld/mysqld.sock | root | pw | mysql://root@unix(/run/mysqld/mysqld.sock)/tm | mysql:tm",
                // postgres URLs
                "postgres://postgres:pw@pg:5432/new-api?sslmode=disable | POSTGRES | jdbc:postgresql://pg:5432/new-api?sslmode=disable | postgres | pw | postgres://postgres@pg:5432/new-api | postgres:new-api",
                "postgresql://u%40x:p%2Fw%3A%40@pg/db      | POSTGRES | jdbc:postgresql://pg:5432/db | u@x | p/w:@ | postgres://u@x@pg:5432/db | postgres:db",
                "postgres://u:a+b@pg:6432/db?sslmode=require&application_name=x | POSTGRES | jdbc:postgresql://pg:6432/db?sslmode=require | u | a+b | postgres://u@pg:6432/db | postgres:db",
                "postgres://pg/db                          | POSTGRES | jdbc:postgresql://pg:5432/db | - | - | postgres://pg:5432/db | postgres:db",
                "postgres://u:pw@[::1]:5432/db             | POSTGRES | jdbc:postgresql://[::1]:5432/db | u | pw | postgres://u@[::1]:5432/db | postgres:db",
                "POSTGRES://u:pw@pg/db                     | POSTGRES | jdbc:postgresql://pg:5432/db | u | pw | postgres://u@pg:5432/db | postgres:db",
                // libpq key=value
                "host=pg user=gorm password=gorm dbname=gorm port=9920 sslmode=disable TimeZone=Asia/Shanghai | POSTGRES | jdbc:postgresql://pg:9920/gorm?sslmode=disable | gorm | gorm | postgres://gorm@pg:9920/gorm | postgres:gorm",
                "host=pg dbname=db user=u password=p@ss:w/rd | POSTGRES | jdbc:postgresql://pg:5432/db | u | p@ss:w/rd | postgres://u@pg:5432/db | postgres:db",
                "host=pg dbname=db user=u password='a b\\'c' | POSTGRES | jdbc:postgresql://pg:5432/db | u | a b'c | postgres://u@pg:5432/db | postgres:db",
                "host = pg  dbname = db                      | POSTGRES | jdbc:postgresql://pg:5432/db | - | - | postgres://pg:5432/db | postgres:db",
                "host=::1 port=5433 dbname=db                | POSTGRES | jdbc:postgresql://[::1]:5433/db | - | - | postgres://[::1]:5433/db | postgres:db",
                // mysql:// (the original Token Monitor's DATABASE_URL)
                "mysql://root:p%40ss@db:3306/tm            | MYSQL | jdbc:mysql://db:3306/tm | root | p@ss | mysql://root@db:3306/tm | mysql:tm",
                "mysql://root:pw@db/tm?tls=true            | MYSQL | jdbc:mysql://db:3306/tm?sslMode=VERIFY_IDENTITY | root | pw | mysql://root@db:3306/tm | mysql:tm",
                // SQLite
                "/data/one-api.db                          | SQLITE | jdbc:sqlite:/data/one-api.db | - | - | sqlite:/data/one-api.db | sqlite:one-api.db",
                "/data/one-api.db?_busy_timeout=30000      | SQLITE | jdbc:sqlite:/data/one-api.db | - | - | sqlite:/data/one-api.db | sqlite:one-api.db",
                "file:/data/one-api.db?_busy_timeout=30000 | SQLITE | jdbc:sqlite:/data/one-api.db | - | - | sqlite:/data/one-api.db | sqlite:one-api.db",
                "file:///data/gw                           | SQLITE | jdbc:sqlite:/data/gw | - | - | sqlite:/data/gw | sqlite:gw",
                "/data/../data/x.sqlite3                   | SQLITE | jdbc:sqlite:/data/x.sqlite3 | - | - | sqlite:/data/x.sqlite3 | sqlite:x.sqlite3",
                // JDBC
                "jdbc:mysql://db:3306/tm?user=root&password=pw&useSSL=false | MYSQL | jdbc:mysql://db:3306/tm?useSSL=false | root | pw | jdbc:mysql://db:3306/tm | mysql:tm",
                "jdbc:mariadb://db:3306/tm                 | MYSQL | jdbc:mysql://db:3306/tm | - | - | jdbc:mysql://db:3306/tm | mysql:tm",
                "jdbc:postgresql://pg:5432/tm?sslmode=require | POSTGRES | jdbc:postgresql://pg:5432/tm?sslmode=require | - | - | jdbc:postgresql://pg:5432/tm | postgres:tm",
                "jdbc:sqlite:/data/one-api.db              | SQLITE | jdbc:sqlite:/data/one-api.db | - | - | sqlite:/data/one-api.db | sqlite:one-api.db",
            })
    void givenGatewayDsn_whenParsed_thenEveryPartIsRead(
            String text,
            Dialect dialect,
            String jdbcUrl,
            String user,
            String password,
            String display,
            String identity) {
        GatewayDsn dsn = GatewayDsn.parse("SQL_DSN", text, null);
        assertThat(dsn.dialect()).isEqualTo(dialect);
        assertThat(dsn.jdbcUrl()).isEqualTo(jdbcUrl);
        assertThat(dsn.user().orElse(null)).isEqualTo(user);
        assertThat(dsn.password().map(Secret::value).orElse(null)).isEqualTo(password);
        assertThat(dsn).hasToString(display);
        assertThat(dsn.identity()).isEqualTo(identity);
        if (password != null && !password.equals(user)) {
            assertThat(dsn.toString()).doesNotContain(password);
            assertThat(dsn.jdbcUrl()).doesNotContain("password");
        }
    }

    @Test
    void givenLocal_whenParsed_thenSqliteAtSqlitePathWithoutTheGatewaysOptions() {
        GatewayDsn dsn = GatewayDsn.parse("SQL_DSN", "local", "/data/one-api.db?_busy_timeout=30000");
        assertThat(dsn.jdbcUrl()).isEqualTo("jdbc:sqlite:/data/one-api.db");
        assertThat(dsn.sqliteFile()).contains(Path.of("/data/one-api.db"));
        assertThat(GatewayDsn.parse("SQL_DSN", "local", null).jdbcUrl())
                .isEqualTo("jdbc:sqlite:" + CWD + "/one-api.db");
        assertThat(GatewayDsn.parse("SQL_DSN", "data/gw.db", null).jdbcUrl())
                .isEqualTo("jdbc:sqlite:" + CWD + "/data/gw.db");
        assertThat(GatewayDsn.parse("SQL_DSN", "./gw", null).identity()).isEqualTo("sqlite:gw");
        assertThat(GatewayDsn.parse("SQL_DSN", "root:pw@tcp(db)/tm", null).sqliteFile())
                .isEmpty();
    }

    @Test
    void givenProgramOptions_whenJdbcUrlIsBuilt_thenTheyAreAddedAndTheDsnsOwnWin() {
        GatewayDsn mysql = GatewayDsn.parse("SQL_DSN", "jdbc:mysql://db/tm?connectTimeout=1000&useSSL=false", null);
        Map<String, String> options =
                new LinkedHashMap<>(mysql.dialect().timeoutOptions(Duration.ofSeconds(5), Duration.ofSeconds(15)));
        assertThat(options).containsExactly(Map.entry("connectTimeout", "5000"), Map.entry("socketTimeout", "15000"));
        options.put("tcpKeepAlive", "true");
        assertThat(mysql.jdbcUrl(options))
                .isEqualTo("jdbc:mysql://db/tm?connectTimeout=1000&socketTimeout=15000&tcpKeepAlive=true&useSSL=false");
        GatewayDsn pg = GatewayDsn.parse("SQL_DSN", "postgres://u@pg/db?sslmode=disable", null);
        assertThat(pg.jdbcUrl(pg.dialect().timeoutOptions(Duration.ofSeconds(10), Duration.ofMinutes(2))))
                .isEqualTo("jdbc:postgresql://pg:5432/db?connectTimeout=10&socketTimeout=120&sslmode=disable");
        assertThat(Dialect.SQLITE.timeoutOptions(Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .isEmpty();
        assertThat(Dialect.POSTGRES.label()).isEqualTo("postgres");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "''                                        | SQL_DSN: is empty;",
                "'   '                                     | SQL_DSN: is empty;",
                "root:pw@tcp(db:3306)/                     | names no database",
                "root:pw@tcp(db:3306)/tm?tls=custom        | tls=custom is not supported",
                "root:pw@tcp(db:99999)/tm                  | has no valid port",
                "root:pw@tcp(::1:3306)/tm                  | put it in brackets",
                "root:pw@unix(mysqld.sock)/tm              | is not a socket path",
                "postgres://u:pw@pg:5432                   | names no database",
                "postgres://u:pw@pg:5432/                  | names no database",
                "postgres://u:pw@/db                       | names no host",
                "postgres://u:pw@pg:port/db                | has no valid port",
                "mysql://root:pw@db:3306/                  | names no database",
                "host=pg user=u password=pw                | has no dbname",
                "user=u password=pw dbname=db              | has no host",
                "host=/var/run/postgresql dbname=db        | is a unix socket directory",
                "host=pg dbname=db password='pw            | opens a quote and does not close it",
                "host=pg dbname=db =x                      | is not a list of key=value",
                "jdbc:oracle:thin:@db:1521:tm              | is not jdbc:mysql:, jdbc:mariadb:, jdbc:postgresql: or jdbc:sqlite:",
                "jdbc:mysql://db:3306                      | names no database",
                "jdbc:sqlite:                              | names no file",
                "file:                                     | names no file",
                "gateway                                   | cannot parse it",
                "http://db/tm                              | cannot parse",
                "root:pw@db:3306/tm                        | cannot parse",
            })
    void givenBadDsn_whenParsed_thenRefusedNamingTheKeyWithoutThePassword(String text, String message) {
        assertThatThrownBy(() -> GatewayDsn.parse("SQL_DSN", text, null))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("SQL_DSN: ")
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw"));
    }

    @Test
    void givenPasswordInAnyForm_whenMasked_thenItIsHidden() {
        assertThat(GatewayDsn.mask("root:s3cr@t@db:3306/tm")).isEqualTo("root:***@db:3306/tm");
        assertThat(GatewayDsn.mask("postgres://u:s3cret@pg/db")).isEqualTo("postgres://u:***@pg/db");
        assertThat(GatewayDsn.mask("host=pg password='s3 cret' dbname=db")).isEqualTo("host=pg password=*** dbname=db");
        assertThat(GatewayDsn.mask("jdbc:x://h/db?user=u&password=s3cret&a=b"))
                .isEqualTo("jdbc:x://h/db?user=u&password=***&a=b");
    }
}
