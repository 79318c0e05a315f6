package io.tokenmonitor.exporter.source;

/** Turns a failure talking to the gateway's database into one line an operator can act on. */
public final class SourceFailure {

    private SourceFailure() {}

    /** The root cause's message on one line (drivers wrap the useful part several levels deep). */
    public static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }
}
