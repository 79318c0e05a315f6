package io.tokenmonitor.exporter.budget;

/** A budget's limit: an amount in one unit. */
public record BudgetLimit(Unit unit, double amount) {

    /** What a budget counts; the label value is the lower-case name. */
    public enum Unit {
        /** Prompt plus completion tokens. */
        TOKENS,
        /** Net quota spent (charged minus refunded) divided by the gateway's QuotaPerUnit. */
        USD,
        /** Requests (type 2 rows, channel tests and settlements excluded). */
        REQUESTS;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
