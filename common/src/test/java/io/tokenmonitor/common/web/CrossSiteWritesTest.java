package io.tokenmonitor.common.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmonitor.common.web.CrossSiteWrites.Request;
import io.tokenmonitor.common.web.CrossSiteWrites.Verdict;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CrossSiteWritesTest {
    private static final Optional<String> HOST = Optional.of("127.0.0.1:9467");
    private static final Optional<String> JSON = Optional.of("application/json");

    private static Verdict post(Optional<String> type, Optional<String> origin, Optional<String> site) {
        return CrossSiteWrites.check(new Request("POST", HOST, type, origin, site));
    }

    @Test
    void givenReads_whenChecked_thenAllowedWhateverTheirOrigin() {
        assertThat(CrossSiteWrites.check(new Request(
                        "GET", HOST, Optional.empty(), Optional.of("https://evil.example"), Optional.of("cross-site"))))
                .isEqualTo(Verdict.ALLOWED);
    }

    @Test
    void givenSameOriginJsonPost_whenChecked_thenAllowed() {
        assertThat(post(JSON, Optional.of("http://127.0.0.1:9467"), Optional.of("same-origin")))
                .isEqualTo(Verdict.ALLOWED);
        assertThat(post(Optional.of("application/json; charset=utf-8"), Optional.empty(), Optional.empty()))
                .isEqualTo(Verdict.ALLOWED);
    }

    @Test
    void givenForeignOrigin_whenPosted_thenCrossOrigin() {
        assertThat(post(JSON, Optional.of("https://evil.example"), Optional.empty()))
                .isEqualTo(Verdict.CROSS_ORIGIN);
        assertThat(post(JSON, Optional.of("http://127.0.0.1:9999"), Optional.empty()))
                .isEqualTo(Verdict.CROSS_ORIGIN);
        assertThat(post(JSON, Optional.of("null"), Optional.empty())).isEqualTo(Verdict.CROSS_ORIGIN);
        assertThat(post(JSON, Optional.of("not a url"), Optional.empty())).isEqualTo(Verdict.CROSS_ORIGIN);
    }

    @Test
    void givenCrossSiteFetchMetadata_whenPosted_thenCrossOriginEvenWithoutOrigin() {
        assertThat(post(JSON, Optional.empty(), Optional.of("cross-site"))).isEqualTo(Verdict.CROSS_ORIGIN);
        assertThat(post(JSON, Optional.empty(), Optional.of("same-site"))).isEqualTo(Verdict.CROSS_ORIGIN);
    }

    @Test
    void givenFormOrTextBody_whenPostedFromTheSameOrigin_thenNotJson() {
        assertThat(post(
                        Optional.of("application/x-www-form-urlencoded"),
                        Optional.of("http://127.0.0.1:9467"),
                        Optional.empty()))
                .isEqualTo(Verdict.NOT_JSON);
        assertThat(post(Optional.of("text/plain"), Optional.empty(), Optional.empty()))
                .isEqualTo(Verdict.NOT_JSON);
        assertThat(post(Optional.empty(), Optional.empty(), Optional.empty())).isEqualTo(Verdict.NOT_JSON);
        assertThat(Verdict.NOT_JSON.status()).isEqualTo(415);
        assertThat(Verdict.CROSS_ORIGIN.status()).isEqualTo(403);
    }

    @Test
    void givenHttpsOriginBehindProxy_whenHostHasNoPort_thenSameOrigin() {
        assertThat(CrossSiteWrites.sameOrigin("https://bridge.example", Optional.of("bridge.example")))
                .isTrue();
        assertThat(CrossSiteWrites.sameOrigin("https://bridge.example", Optional.of("bridge.example:443")))
                .isTrue();
        assertThat(CrossSiteWrites.sameOrigin("https://bridge.example", Optional.empty()))
                .isFalse();
    }
}
