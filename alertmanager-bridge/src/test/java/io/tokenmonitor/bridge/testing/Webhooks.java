package io.tokenmonitor.bridge.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmonitor.bridge.intake.WebhookMessage;
import java.util.List;
import java.util.Map;

/** Builds Alertmanager v4 webhook bodies for tests. */
public final class Webhooks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Webhooks() {}

    /** One alert with the given fingerprint, status and labels (alertname is added). */
    public static String body(String fingerprint, String status, String startsAt, Map<String, String> labels) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "4");
        root.put("groupKey", "{}:{alertname=\"Test\"}");
        root.put("truncatedAlerts", 0);
        root.put("status", status);
        root.put("receiver", "bridge");
        root.putObject("groupLabels").put("alertname", "Test");
        root.putObject("commonLabels");
        root.putObject("commonAnnotations");
        root.put("externalURL", "http://alertmanager.example:9093");
        root.put("notification_reason", "first notification"); // 0.32+ field, must be tolerated
        ArrayNode alerts = root.putArray("alerts");
        ObjectNode alert = alerts.addObject();
        alert.put("status", status);
        ObjectNode l = alert.putObject("labels");
        l.put("alertname", "Test");
        labels.forEach(l::put);
        alert.putObject("annotations")
                .put("summary", "budget exceeded for <gpt-4o> & co")
                .put("runbook_url", "https://runbook.example/budget");
        alert.put("startsAt", startsAt);
        alert.put("endsAt", status.equals("firing") ? "0001-01-01T00:00:00Z" : "2026-11-30T10:00:00Z");
        alert.put("generatorURL", "http://prometheus.example/graph?g0.expr=x");
        alert.put("fingerprint", fingerprint);
        return root.toString();
    }

    /** One alert of {@link #group}. */
    public record Alert(String fingerprint, String status, Map<String, String> labels, String summary) {}

    /** One Alertmanager notification group of several alerts, grouped by {@code groupLabels}. */
    public static String group(Map<String, String> groupLabels, String startsAt, List<Alert> members) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "4");
        root.put("groupKey", "{}:" + groupLabels);
        root.put("truncatedAlerts", 0);
        boolean firing = members.stream().anyMatch(a -> a.status().equals("firing"));
        root.put("status", firing ? "firing" : "resolved");
        root.put("receiver", "bridge");
        ObjectNode g = root.putObject("groupLabels");
        groupLabels.forEach(g::put);
        root.putObject("commonLabels");
        root.putObject("commonAnnotations");
        root.put("externalURL", "http://alertmanager.example:9093");
        ArrayNode alerts = root.putArray("alerts");
        for (Alert a : members) {
            ObjectNode alert = alerts.addObject();
            alert.put("status", a.status());
            ObjectNode l = alert.putObject("labels");
            groupLabels.forEach(l::put);
            a.labels().forEach(l::put);
            alert.putObject("annotations").put("summary", a.summary());
            alert.put("startsAt", startsAt);
            alert.put("endsAt", a.status().equals("firing") ? "0001-01-01T00:00:00Z" : "2026-11-30T10:00:00Z");
            alert.put("generatorURL", "http://prometheus.example/graph?g0.expr=x");
            alert.put("fingerprint", a.fingerprint());
        }
        return root.toString();
    }

    public static WebhookMessage parse(String body) {
        try {
            return JSON.readValue(body, WebhookMessage.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static WebhookMessage message(
            String fingerprint, String status, String startsAt, Map<String, String> labels) {
        try {
            return JSON.readValue(body(fingerprint, status, startsAt, labels), WebhookMessage.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
