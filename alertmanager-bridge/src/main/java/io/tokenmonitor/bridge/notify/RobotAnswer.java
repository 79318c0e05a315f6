package io.tokenmonitor.bridge.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code {"errcode": n, "errmsg": "…"}} answer of the WeCom and DingTalk group robots, read one way for
 * both: the message redacted of the webhook (its key or token must never reach a log or the outbox).
 */
record RobotAnswer(int errcode, String errmsg) {

    /** The answer in {@code response}; empty when its body is not JSON or has no errcode. */
    static Optional<RobotAnswer> of(JsonPost.Response response, ObjectMapper mapper, URI webhook) {
        JsonNode answer;
        try {
            answer = mapper.readTree(response.body() == null ? "" : response.body());
        } catch (IOException e) {
            return Optional.empty();
        }
        if (answer == null || !answer.has("errcode")) {
            return Optional.empty();
        }
        return Optional.of(new RobotAnswer(
                answer.path("errcode").asInt(),
                JsonPost.redact(answer.path("errmsg").asText(""), webhook)));
    }

    /** A reply without errcode (a proxy's or gateway's page): retried when the server is busy, refused otherwise. */
    static Delivery withoutErrcode(String platform, int status) {
        return status >= 500 || status == 429
                ? new Delivery.RetryLater(Duration.ZERO, platform + " HTTP " + status)
                : new Delivery.Rejected(platform + " HTTP " + status + " without errcode");
    }
}
