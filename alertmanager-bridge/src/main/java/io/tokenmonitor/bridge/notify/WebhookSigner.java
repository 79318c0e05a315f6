package io.tokenmonitor.bridge.notify;

import io.tokenmonitor.common.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a generic webhook's body: {@code sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>}. The timestamp
 * (Unix seconds, sent in its own header) is inside the signed text, so a receiver that refuses old timestamps also
 * refuses a replayed request.
 */
public final class WebhookSigner {
    public static final String SIGNATURE_HEADER = "X-TokenMonitor-Signature";
    public static final String TIMESTAMP_HEADER = "X-TokenMonitor-Timestamp";

    private final Secret secret;

    public WebhookSigner(Secret secret) {
        this.secret = secret;
    }

    /** The signature header's value for {@code body} sent at {@code timestampSeconds}. */
    public String sign(long timestampSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.value().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "sha256=" + HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
