package io.tokenmonitor.bridge.intake;

import io.tokenmonitor.common.config.Secret;
import java.util.Optional;

/** Credentials Alertmanager must present; with none, only an explicit opt-out lets the bridge start. */
public record WebhookAuth(
        Optional<Secret> bearerToken, Optional<String> user, Optional<Secret> password, boolean allowUnauthenticated) {
    public boolean required() {
        return bearerToken.isPresent() || user.isPresent();
    }
}
