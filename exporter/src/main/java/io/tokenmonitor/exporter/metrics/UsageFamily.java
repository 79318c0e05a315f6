package io.tokenmonitor.exporter.metrics;

/**
 * The catalogue of the gateway's usage families: name, type and help text, for {@code /metrics}
 * and for the history export, so both publish the same families under the same words.
 *
 * <pre>
 * newapi_usage_requests_total{channel_id,model,stream}
 * newapi_usage_request_errors_total{channel_id,model,status_class}
 * newapi_usage_tokens_total{channel_id,model,token_type}
 * newapi_usage_cache_read_tokens_total{channel_id,model}
 * newapi_usage_cache_write_tokens_total{channel_id,model}
 * newapi_usage_quota_total{channel_id,model}
 * newapi_usage_quota_refunded_total{channel_id,model}
 * newapi_usage_request_duration_seconds{channel_id,model} (histogram; {channel_id,model,stream} with HISTOGRAM_STREAM=true)
 * newapi_usage_time_to_first_token_seconds{channel_id,model} (histogram)
 * </pre>
 */
public enum UsageFamily {
    REQUESTS(
            "newapi_usage_requests",
            Type.COUNTER,
            "Requests the gateway logged as consumed (log type 2), channel tests and task settlements excluded."),
    REQUEST_ERRORS(
            "newapi_usage_request_errors",
            Type.COUNTER,
            "Failed relay attempts the gateway logged (New API type 5, one per attempt; needs ERROR_LOG_ENABLED=true)."),
    TOKENS("newapi_usage_tokens", Type.COUNTER, "Prompt (input) and completion (output) tokens of consumed requests."),
    CACHE_READ_TOKENS(
            "newapi_usage_cache_read_tokens",
            Type.COUNTER,
            "Prompt tokens served from the provider's cache (other.cache_tokens)."),
    CACHE_WRITE_TOKENS(
            "newapi_usage_cache_write_tokens",
            Type.COUNTER,
            "Prompt tokens written to the provider's cache (other.cache_creation_tokens)."),
    QUOTA(
            "newapi_usage_quota",
            Type.COUNTER,
            "Quota charged, in gateway units (USD = quota / newapi_quota_per_unit). Net spend is this minus newapi_usage_quota_refunded_total."),
    QUOTA_REFUNDED(
            "newapi_usage_quota_refunded",
            Type.COUNTER,
            "Quota given back by refunds (type 6) and negative task settlements, in gateway units."),
    REQUEST_DURATION(
            "newapi_usage_request_duration_seconds",
            Type.HISTOGRAM,
            "Request latency as the gateway logged it (New API use_time, whole seconds; One API elapsed_time)."),
    TIME_TO_FIRST_TOKEN(
            "newapi_usage_time_to_first_token_seconds",
            Type.HISTOGRAM,
            "Time to first token of streamed requests (other.frt).");

    /** The family's metric type, as the {@code # TYPE} line writes it. */
    public enum Type {
        COUNTER("counter"),
        HISTOGRAM("histogram");

        private final String text;

        Type(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private final String family;
    private final Type type;
    private final String help;

    UsageFamily(String family, Type type, String help) {
        this.family = family;
        this.type = type;
        this.help = help;
    }

    /** The family's name, without {@code _total}. */
    public String family() {
        return family;
    }

    public Type type() {
        return type;
    }

    public String help() {
        return help;
    }

    /** The name of the family's samples: {@code _total} added for counters. */
    public String sampleName() {
        return type == Type.COUNTER ? family + "_total" : family;
    }
}
