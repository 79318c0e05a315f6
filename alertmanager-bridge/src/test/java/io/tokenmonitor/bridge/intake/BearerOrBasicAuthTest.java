package io.tokenmonitor.bridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.common.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Basic auth must not reveal which usernames exist: every check does the same hash work. */
class BearerOrBasicAuthTest {
    private final List<Integer> hashedLengths = new ArrayList<>();

    private BearerOrBasicAuth auth(Optional<Secret> token) {
        return new BearerOrBasicAuth(
                token, Optional.of("alertmanager"), Optional.of(new Secret("s3cret-pass")), exchange -> {}, bytes -> {
                    hashedLengths.add(bytes.length);
                    try {
                        return MessageDigest.getInstance("SHA-256").digest(bytes);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    private static String basic(String pair) {
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private int hashesFor(BearerOrBasicAuth auth, String header) {
        hashedLengths.clear();
        auth.authorised(header);
        return hashedLengths.size();
    }

    @Test
    void givenUnknownUser_whenChecked_thenSameHashWorkAsKnownUserWithWrongPassword() {
        BearerOrBasicAuth auth = auth(Optional.empty());
        int knownUserWrongPassword = hashesFor(auth, basic("alertmanager:wrong-pass!"));
        int unknownUser = hashesFor(auth, basic("nobody:wrong-pass!"));
        int noColon = hashesFor(auth, basic("nobody"));
        int noHeader = hashesFor(auth, null);

        assertThat(knownUserWrongPassword).isEqualTo(2);
        assertThat(unknownUser).isEqualTo(knownUserWrongPassword);
        assertThat(noColon).isEqualTo(knownUserWrongPassword);
        assertThat(noHeader).isEqualTo(knownUserWrongPassword);
    }

    @Test
    void givenCredentials_whenChecked_thenOnlyTheExactPairOrTokenPasses() {
        BearerOrBasicAuth auth = auth(Optional.of(new Secret("tok-123")));
        assertThat(auth.authorised(basic("alertmanager:s3cret-pass"))).isTrue();
        assertThat(auth.authorised("Bearer tok-123")).isTrue();
        assertThat(auth.authorised("bearer  tok-123 ")).isTrue();
        assertThat(auth.authorised(basic("alertmanager:s3cret-pas"))).isFalse();
        assertThat(auth.authorised(basic("alertmanagerx:s3cret-pass"))).isFalse();
        assertThat(auth.authorised(basic("alertmanager:s3cret-pass:"))).isFalse();
        assertThat(auth.authorised("Basic not-base64!")).isFalse();
        assertThat(auth.authorised("Bearer tok-1234")).isFalse();
        assertThat(auth.authorised("Bearer")).isFalse();
        assertThat(auth.authorised(null)).isFalse();
    }

    @Test
    void givenOnlyBasicConfigured_whenBearerSent_thenRefused() {
        BearerOrBasicAuth auth = auth(Optional.empty());
        assertThat(auth.authorised("Bearer ")).isFalse();
        assertThat(auth.authorised("Bearer token-monitor-bridge: no credential of this kind"))
                .isFalse();
    }
}
