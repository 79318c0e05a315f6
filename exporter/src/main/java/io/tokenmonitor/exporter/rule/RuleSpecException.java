package io.tokenmonitor.exporter.rule;

/**
 * A rule's spec is wrong. The message names the field with the parser's prefix (the config file and
 * {@code rules[2].}, or nothing for the API); {@link #field} names it without.
 */
final class RuleSpecException extends RuntimeException {

    private final String field;

    RuleSpecException(String field, String message) {
        super(message);
        this.field = field;
    }

    String field() {
        return field;
    }
}
