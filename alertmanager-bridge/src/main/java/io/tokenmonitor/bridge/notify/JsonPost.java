package io.tokenmonitor.bridge.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Posts a JSON body to a platform and returns its status and body; one place for timeouts and headers. */
public final class JsonPost {
    /** Platforms answer in well under a second; 10 s bounds a stuck connection without failing slow ones. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** The platform's answer; {@code retryAfter} is its Retry-After header, when it sent one. */
    public record Response(int status, String body, java.util.Optional<String> retryAfter) {
        public Response(int status, String body) {
            this(status, body, java.util.Optional.empty());
        }
    }

    private final HttpClient client;
    private final Duration timeout;

    public JsonPost(HttpClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    /** A client with a connect timeout, shared by all notifiers. */
    public static HttpClient defaultClient() {
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Posts {@code json}; throws on network failure, returns any HTTP answer. */
    public Response post(URI uri, String json) throws IOException, InterruptedException {
        return post(uri, json, java.util.Map.of());
    }

    /** Posts {@code json} with extra request headers (a generic webhook's signature and custom headers). */
    public Response post(URI uri, String json, java.util.Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "token-monitor-bridge");
        headers.forEach(request::setHeader);
        HttpResponse<String> response = client.send(
                request.POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Response(
                response.statusCode(), response.body(), response.headers().firstValue("Retry-After"));
    }

    /** One line describing a network failure, for the outbox's last_error; never contains the URL. */
    static String describe(Exception e) {
        String message = e.getMessage() == null
                ? ""
                : ": " + e.getMessage().lines().findFirst().orElse("");
        return "network error " + e.getClass().getSimpleName() + message;
    }

    /**
     * Removes the webhook's credential from text a platform (or a proxy in front of it) sent back, before it reaches
     * the outbox's last_error and the log: the whole URL, every query value (WeCom's {@code key}) and every long
     * path segment (Feishu's hook id, Telegram's bot token).
     */
    static String redact(String text, URI webhook) {
        String out = text.replace(webhook.toString(), "<masked>");
        java.util.List<String> parts = new java.util.ArrayList<>();
        if (webhook.getRawQuery() != null) {
            for (String pair : webhook.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                parts.add(eq < 0 ? pair : pair.substring(eq + 1));
            }
        }
        if (webhook.getRawPath() != null) {
            parts.addAll(java.util.Arrays.asList(webhook.getRawPath().split("/")));
        }
        for (String part : parts) {
            if (part.length() >= MIN_SECRET_CHARS) {
                out = out.replace(part, "<masked>");
                String decoded = java.net.URLDecoder.decode(part, StandardCharsets.UTF_8);
                out = out.replace(decoded, "<masked>");
            }
        }
        return out;
    }

    /** Path words such as {@code open-apis} or {@code webhook} are shorter; hook ids and keys are UUID-long. */
    private static final int MIN_SECRET_CHARS = 12;
}
