package io.tokenmonitor.exporter.rule;

/** A change or preview of a rule refused, with the HTTP status the API answers and a message naming the field. */
public final class RuleRejected extends RuntimeException {

    /** Why; each maps to one HTTP status. */
    public enum Reason {
        INVALID(400),
        NOT_FOUND(404),
        /** A file rule: change it in the config file. */
        READ_ONLY(409),
        /** The name is taken, by a file rule or a console rule. */
        CONFLICT(409),
        /** The version the writer sent (If-Match) is not the rule's current one: another writer changed it. */
        STALE(412);

        private final int status;

        Reason(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Reason reason;
    private final String field;

    /** @param field the spec's field at fault, such as {@code window} or {@code limit.usd}; empty when none */
    public RuleRejected(Reason reason, String field, String message) {
        super(message);
        this.reason = reason;
        this.field = field;
    }

    public Reason reason() {
        return reason;
    }

    public String field() {
        return field;
    }
}
