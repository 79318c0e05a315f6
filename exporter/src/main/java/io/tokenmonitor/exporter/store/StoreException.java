package io.tokenmonitor.exporter.store;

/** A write to the store failed (disk full, permissions, corruption); the batch was rolled back. */
public final class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
