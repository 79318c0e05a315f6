package io.tokenmonitor.bridge.notify;

import java.util.List;

/** One notification target: renders a notification into platform message parts and delivers one part. */
public interface Notifier {
    /** The platform's name, for logs and metrics ({@code telegram}, {@code feishu}, {@code wecom}). */
    String platform();

    /** Renders the notification into parts that each fit the platform's size limit, in sending order. */
    List<String> render(Notification notification);

    /** Sends one rendered part; never throws because of the platform's answer. */
    Delivery send(String part);
}
