package io.tokenmonitor.bridge.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.common.config.Secret;
import org.junit.jupiter.api.Test;

class FeishuSignerTest {
    @Test
    void givenOfficialDemoVector_whenSigned_thenMatchesKeyIsTimestampNewlineSecretWithEmptyMessage() {
        // Feishu's documented demo input: secret "demo", timestamp 1599360473. The expected value was computed
        // independently with: printf '' | openssl dgst -sha256 -hmac "$(printf '1599360473\ndemo')" -binary | base64
        assertThat(new FeishuSigner(new Secret("demo")).sign(1599360473L))
                .isEqualTo("l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=");
    }
}
