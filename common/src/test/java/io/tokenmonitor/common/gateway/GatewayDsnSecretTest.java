package io.tokenmonitor.common.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tokenmonitor.common.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No DSN, accepted or refused, shows its password: not in {@link GatewayDsn#toString()}, not in the base JDBC URL
 * (which drivers and pools print in their own errors), not in any refusal. Every row carries the password
 * {@code Zq9-leak} somewhere a parser could trip over it: with '/', '@', ':', '://', '&', spaces and quotes.
 */
class GatewayDsnSecretTest {
    private static final String SECRET = "Zq9-leak";

    @ParameterizedTest
    @ValueSource(
            strings = {
                // accepted forms
                "root:Zq9-leak@tcp(db:3306)/new-api",
                "root:a/Zq9-leak@tcp(db:3306)/new-api",
                "root:x://Zq9-leak@tcp(db:3306)/new-api",
                "postgres://u:Zq9-leak@db:5432/new-api",
                "host=db user=u password=Zq9-leak dbname=new-api",
                "host=db user=u password='a b Zq9-leak' dbname=new-api",
                "host=db user=u password=a&Zq9-leak dbname=new-api",
                "mysql://u:Zq9-leak@db:3306/new-api",
                "jdbc:mysql://u:Zq9-leak@db:3306/new-api",
                "jdbc:mysql://u:a/Zq9-leak@db:3306/new-api",
                "jdbc:mariadb://u:Zq9-leak@db:3306/new-api?sslMode=REQUIRED",
                "jdbc:postgresql://db:5432/new-api?user=u&password=Zq9-leak",
                "jdbc:postgresql://db:5432/new-api?user=u&sslpassword=Zq9-leak",
                "jdbc:mysql://db:3306/new-api?trustCertificateKeyStorePassword=Zq9-leak",
                // refused forms
                "root:Zq9-leak@tcp(db:3306)",
                "root:a/Zq9-leak@tcp(db:3306)",
                "root:x://Zq9-leak@tcp(db:3306)",
                "root:x://Zq9-leak@tcp(db:3306)/",
                "root:Zq9-leak@tcp(db:3306)/new-api?tls=custom",
                "u:Zq9-leak@db:3306/new-api",
                "u:x://Zq9-leak@db",
                "postgres://u:Zq9-leak@/new-api",
                "postgres://u:a/Zq9-leak@db",
                "postgres://u:x://Zq9-leak@db",
                "host=db user=u password=a&Zq9-leak",
                "host=db user=u password=a&Zq9-leak dbname=x bad",
                "host=db user=u password='Zq9-leak",
                "host=db user=u password = Zq9-leak !",
                "password=Zq9-leak",
                "jdbc:oracle:thin:u/Zq9-leak@db:1521/x",
                "jdbc:mysql://u:Zq9-leak@db:3306/",
                "jdbc:mysql://u:x://Zq9-leak@db:3306",
                "jdbc:postgresql://db/?password=Zq9-leak",
                "Zq9-leak",
                "u Zq9-leak@(db)"
            })
    void neverShowsThePassword(String text) {
        Throwable refusal = catchThrowable(() -> {
            GatewayDsn dsn = GatewayDsn.parse("SQL_DSN", text, null);
            assertThat(dsn.toString()).doesNotContain(SECRET);
            assertThat(dsn.display()).doesNotContain(SECRET);
            assertThat(dsn.baseUrl()).doesNotContain(SECRET);
            if (!text.contains("Password=") && !text.contains("sslpassword=")) {
                // a key store's password is the driver's own option and has to reach it in the URL
                assertThat(dsn.jdbcUrl(Map.of("connectTimeout", "1"))).doesNotContain(SECRET);
            }
        });
        if (refusal instanceof AssertionError e) {
            throw e;
        }
        if (refusal != null) {
            assertThat(refusal).isInstanceOf(ConfigException.class);
            assertThat(refusal.getMessage()).startsWith("SQL_DSN").doesNotContain(SECRET);
        }
    }
}
