package io.tokenmonitor.exporter.source;

/**
 * The gateway's database refused a column of {@code tokens} or {@code users}; the message says
 * which and the statement that grants what the exporter reads (and nothing more).
 */
public final class AccountGrantMissing extends RuntimeException {

    AccountGrantMissing(String message) {
        super(message);
    }
}
