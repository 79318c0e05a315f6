package io.tokenmonitor.bridge.console;

import java.util.Optional;

/** A request the API refuses: the HTTP status, a one-line reason and, for a bad value, the field it names. */
final class ApiError extends RuntimeException {
    private final int status;
    private final Optional<String> field;

    ApiError(int status, String message) {
        this(status, message, Optional.empty());
    }

    ApiError(int status, String message, Optional<String> field) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
    }

    static ApiError badField(String field, String message) {
        return new ApiError(400, field + ": " + message, Optional.of(field));
    }

    int status() {
        return status;
    }

    Optional<String> field() {
        return field;
    }
}
