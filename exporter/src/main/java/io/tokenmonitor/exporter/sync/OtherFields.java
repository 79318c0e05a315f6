package io.tokenmonitor.exporter.sync;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;

/**
 * The few keys of New API's {@code logs.other} JSON that metrics need. Parsed with a streaming
 * parser that skips everything else, so a large {@code other} costs little and an invalid one only
 * loses these fields.
 *
 * @param frtMillis first-response time; {@code <= 0} means not measured (non-streamed requests log -1000)
 * @param statusCode HTTP status of a failed attempt, 0 when absent
 */
public record OtherFields(
        long cacheReadTokens,
        long cacheWriteTokens,
        double frtMillis,
        int statusCode,
        boolean taskSettlement,
        boolean valid) {

    public static final OtherFields NONE = new OtherFields(0, 0, 0, 0, false, true);
    private static final OtherFields INVALID = new OtherFields(0, 0, 0, 0, false, false);

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(64)
                    .maxStringLength(16 * 1024 * 1024)
                    .build())
            .build();

    /** Reads the fields from {@code other}; empty text yields {@link #NONE}, invalid JSON an invalid value. */
    public static OtherFields parse(String other) {
        if (other == null || other.isBlank()) {
            return NONE;
        }
        long cacheRead = 0;
        long cacheWrite = -1;
        long cacheWrite5m = 0;
        long cacheWrite1h = 0;
        double frt = 0;
        int status = 0;
        boolean task = false;
        try (JsonParser parser = JSON.createParser(other)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return INVALID;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "cache_tokens" -> cacheRead = number(parser, value);
                    case "cache_creation_tokens" -> cacheWrite = number(parser, value);
                    case "cache_creation_tokens_5m" -> cacheWrite5m = number(parser, value);
                    case "cache_creation_tokens_1h" -> cacheWrite1h = number(parser, value);
                    case "frt" -> frt = decimal(parser, value);
                    case "status_code" -> status = (int) number(parser, value);
                    case "task_id" -> task = value != JsonToken.VALUE_NULL;
                    default -> parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT) {
                return INVALID;
            }
        } catch (IOException | RuntimeException e) {
            return INVALID;
        }
        // cache_creation_tokens is the total of the 5m and 1h tiers, as in Anthropic's usage; the tiers
        // are only summed when a gateway version logged them without the total.
        long write = cacheWrite >= 0 ? cacheWrite : cacheWrite5m + cacheWrite1h;
        return new OtherFields(Math.max(0, cacheRead), Math.max(0, write), frt, status, task, true);
    }

    private static long number(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_NUMBER_INT -> parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> (long) parser.getDoubleValue();
            case VALUE_STRING -> parseLong(parser.getText());
            default -> {
                parser.skipChildren();
                yield 0;
            }
        };
    }

    private static double decimal(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_STRING -> parseLong(parser.getText());
            default -> {
                parser.skipChildren();
                yield 0;
            }
        };
    }

    private static long parseLong(String text) {
        try {
            return (long) Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
