package io.tokenmonitor.exporter.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

class BcryptAuthenticatorTest {

    private static final String HASH =
            BCrypt.hashpw("s3cret", BCrypt.gensalt(6)).replaceFirst("^\\$2a\\$", "\\$2y\\$");

    @Test
    void givenUnknownUser_whenChecked_thenBcryptRunsOnAHashOfTheSameCost_soTheAnswerTakesAsLong() {
        List<String> checkedHashes = new ArrayList<>();
        BcryptAuthenticator authenticator = new BcryptAuthenticator(Map.of("prometheus", HASH), (password, hash) -> {
            checkedHashes.add(hash);
            return BCrypt.checkpw(password, hash);
        });

        assertThat(authenticator.checkCredentials("nobody", "s3cret")).isFalse();
        assertThat(authenticator.checkCredentials("prometheus", "wrong")).isFalse();
        assertThat(authenticator.checkCredentials("prometheus", "s3cret")).isTrue();

        assertThat(checkedHashes).hasSize(3);
        assertThat(checkedHashes).allSatisfy(hash -> assertThat(hash).startsWith("$2a$06$"));
        assertThat(checkedHashes.get(0)).as("the unknown user's dummy").isNotEqualTo(checkedHashes.get(1));
    }

    @Test
    void givenUsersOfDifferentCosts_thenTheDummyCostsAsMuchAsTheDearest() {
        List<String> checkedHashes = new ArrayList<>();
        String dearer = BCrypt.hashpw("other", BCrypt.gensalt(7));
        BcryptAuthenticator authenticator =
                new BcryptAuthenticator(Map.of("prometheus", HASH, "grafana", dearer), (password, hash) -> {
                    checkedHashes.add(hash);
                    return false;
                });

        authenticator.checkCredentials("nobody", "x");

        assertThat(checkedHashes).singleElement().asString().startsWith("$2a$07$");
    }
}
