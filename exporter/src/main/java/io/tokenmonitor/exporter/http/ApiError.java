package io.tokenmonitor.exporter.http;

/** A request the rules API refuses: the HTTP status, a one-line reason and the field it names (empty when none). */
final class ApiError extends RuntimeException {
    private final int status;
    private final String field;

    ApiError(int status, String field, String message) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
    }

    /** A bad value: 400, the message starting with the field as the config file's errors do. */
    static ApiError badField(String field, String message) {
        return new ApiError(400, field, field + ": " + message);
    }

    int status() {
        return status;
    }

    String field() {
        return field;
    }
}
