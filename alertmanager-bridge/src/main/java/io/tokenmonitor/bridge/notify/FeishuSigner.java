package io.tokenmonitor.bridge.notify;

import io.tokenmonitor.common.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Feishu custom-bot signing. Unlike DingTalk, the HMAC key is {@code timestamp + "\n" + secret} and the message
 * is empty; the timestamp is in seconds and travels in the JSON body (Feishu's own Java demo does exactly this).
 */
public final class FeishuSigner {
    private final Secret secret;

    public FeishuSigner(Secret secret) {
        this.secret = secret;
    }

    /** The {@code sign} value for a body carrying {@code timestampSeconds}. */
    public String sign(long timestampSeconds) {
        String stringToSign = timestampSeconds + "\n" + secret.value();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(stringToSign.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(new byte[0]));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
