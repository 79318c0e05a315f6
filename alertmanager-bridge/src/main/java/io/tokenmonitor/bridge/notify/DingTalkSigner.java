package io.tokenmonitor.bridge.notify;

import io.tokenmonitor.common.config.Secret;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * DingTalk custom-robot signing ("加签"). Unlike Feishu, the HMAC key is the secret and the message is
 * {@code timestamp + "\n" + secret}; the timestamp is in milliseconds and both travel in the URL query, so the
 * Base64 signature is URL-encoded.
 */
public final class DingTalkSigner {
    private final Secret secret;

    public DingTalkSigner(Secret secret) {
        this.secret = secret;
    }

    /** The URL-encoded {@code sign} query value for {@code timestampMillis}. */
    public String sign(long timestampMillis) {
        String stringToSign = timestampMillis + "\n" + secret.value();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.value().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String base64 =
                    Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
            return URLEncoder.encode(base64, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
