package io.tokenmonitor.bridge.testing;

import io.tokenmonitor.bridge.notify.Delivery;
import io.tokenmonitor.bridge.notify.Notification;
import io.tokenmonitor.bridge.notify.Notifier;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A notifier whose "platform" is a list: renders a short line per notification and records what it sends. */
public final class RecordingNotifier implements Notifier {
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private volatile Function<String, Delivery> outcome = p -> new Delivery.Sent();

    @Override
    public String platform() {
        return "recording";
    }

    @Override
    public List<String> render(Notification n) {
        if (n.isGroup()) {
            return List.of("GROUP " + n.kind() + " "
                    + String.join(
                            ",",
                            n.entries().stream()
                                    .map(e -> e.labels().getOrDefault("id", ""))
                                    .toList()));
        }
        return List.of(n.kind() + " " + n.alertName() + " " + n.labels().getOrDefault("id", "") + " "
                + String.join(" / ", n.notes()));
    }

    @Override
    public Delivery send(String part) {
        Delivery d = outcome.apply(part);
        if (d instanceof Delivery.Sent) {
            sent.add(part);
        }
        return d;
    }

    public void outcome(Function<String, Delivery> outcome) {
        this.outcome = outcome;
    }

    public List<String> sent() {
        return List.copyOf(sent);
    }
}
