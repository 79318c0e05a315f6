package io.tokenmonitor.exporter.source;

/** The database engines a gateway can keep its tables in, and every SQL difference between them. */
public enum SourceDialect {
    MYSQL("mysql", '`'),
    POSTGRES("postgres", '"'),
    SQLITE("sqlite", '"');

    private final String label;
    private final char quote;

    SourceDialect(String label, char quote) {
        this.label = label;
        this.quote = quote;
    }

    /** The value of the {@code source_db} label. */
    public String label() {
        return label;
    }

    /** Quotes an identifier such as {@code group}, which is a reserved word in all three engines. */
    public String quote(String identifier) {
        return quote + identifier + quote;
    }
}
