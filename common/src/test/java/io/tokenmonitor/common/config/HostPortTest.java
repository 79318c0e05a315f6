package io.tokenmonitor.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPortTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "0.0.0.0:9466   | 0.0.0.0   | 9466 | 0.0.0.0:9466",
                "db:3306        | db        | 3306 | db:3306",
                ":9466          | ''        | 9466 | :9466",
                "[::1]:9466     | ::1       | 9466 | [::1]:9466",
                "[::]:0         | ::        | 0    | [::]:0",
                "localhost:65535| localhost | 65535| localhost:65535",
            })
    void givenHostPort_whenParsed_thenHostAndPortAreRead(String text, String host, int port, String shown) {
        HostPort parsed = HostPort.parse("LISTEN_ADDRESS", text);
        assertThat(parsed.host()).isEqualTo(host);
        assertThat(parsed.port()).isEqualTo(port);
        assertThat(parsed).hasToString(shown);
        assertThat(HostPort.parse("X", parsed.toString())).isEqualTo(parsed);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "db        | db:3306",
                "[::1]     | [::1]:3306",
                "db:13306  | db:13306",
            })
    void givenDefaultPort_whenPortLeftOut_thenTheDefaultIsUsed(String text, String shown) {
        assertThat(HostPort.parse("X", text, 3306)).hasToString(shown);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "''              | LISTEN_ADDRESS: is empty;",
                "0.0.0.0         | LISTEN_ADDRESS: \"0.0.0.0\" has no port;",
                "host:           | has no valid port",
                "host:http       | has no valid port",
                "host:65536      | has no valid port",
                "host:-1         | has no valid port",
                "::1:9466        | looks like an IPv6 address; put it in brackets",
                "[::1:9466       | opens a bracket",
                "[::1]9466       | has text after the IPv6 address",
                "[db]:9466       | has no IPv6 address in the brackets",
                "user@db:9466    | is not a host name or address",
                "db/x:9466       | is not a host name or address",
            })
    void givenBadHostPort_whenParsed_thenRefusedNamingTheKey(String text, String message) {
        assertThatThrownBy(() -> HostPort.parse("LISTEN_ADDRESS", text))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("LISTEN_ADDRESS: ")
                .hasMessageContaining(message);
    }
}
