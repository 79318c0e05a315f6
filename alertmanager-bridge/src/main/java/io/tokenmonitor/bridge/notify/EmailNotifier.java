package io.tokenmonitor.bridge.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * E-mail through an SMTP server (Angus Mail): one message per notification, subject from the alert, with a text
 * and an HTML part (multipart/alternative). SMTP's reply class decides: 4xx is retried, 5xx and a refused login
 * are final. The password goes only to the server's AUTH exchange; protocol debugging stays off.
 */
public final class EmailNotifier implements Notifier {
    private final TargetConfig.Email target;
    private final Optional<SSLSocketFactory> trust;
    private final ObjectMapper mapper;
    private final Clock clock;

    /**
     * @param trust the socket factory trusting {@code tls_ca_file}, or empty for the Java runtime's trusted roots
     */
    public EmailNotifier(
            TargetConfig.Email target, Optional<SSLSocketFactory> trust, ObjectMapper mapper, Clock clock) {
        this.target = target;
        this.trust = trust;
        this.mapper = mapper;
        this.clock = clock;
    }

    @Override
    public String platform() {
        return "email";
    }

    /** True when {@code address} is one RFC 822 address, for example {@code Ops <ops@example.com>}. */
    public static boolean isAddress(String address) {
        try {
            InternetAddress[] parsed = InternetAddress.parse(address, true);
            if (parsed.length != 1) {
                return false;
            }
            parsed[0].validate();
            return true;
        } catch (AddressException e) {
            return false;
        }
    }

    @Override
    public List<String> render(Notification notification) {
        MessageLayout layout = MessageLayout.of(notification);
        Language language = notification.language();
        List<String> text = new ArrayList<>();
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
        html.append("<h2 style=\"color:")
                .append(colour(layout))
                .append("\">")
                .append(escape(layout.title()))
                .append("</h2><table cellpadding=\"4\" style=\"border-collapse:collapse\">");
        text.add(layout.title());
        text.add("");
        for (MessageLayout.Field f : layout.fields()) {
            text.add(f.label().isEmpty() ? "  " + f.value() : f.label() + ": " + f.value());
            html.append("<tr><th align=\"left\" valign=\"top\">")
                    .append(escape(f.label()))
                    .append("</th><td>")
                    .append(escape(f.value()))
                    .append("</td></tr>");
        }
        html.append("</table>");
        if (!layout.links().isEmpty()) {
            text.add("");
            html.append("<p>");
        }
        for (Notification.Link link : layout.links()) {
            String caption = MessageLayout.caption(link.kind(), language);
            text.add(caption + ": " + link.url());
            html.append("<a href=\"")
                    .append(escape(link.url()))
                    .append("\">")
                    .append(escape(caption))
                    .append("</a> ");
        }
        if (!layout.links().isEmpty()) {
            html.append("</p>");
        }
        html.append("</body></html>");
        ObjectNode part = mapper.createObjectNode();
        part.put("subject", subject(target.subjectPrefix() + layout.title()));
        part.put("text", String.join("\n", text) + "\n");
        part.put("html", html.toString());
        // One part: e-mail has no size limit that an alert's layout (values capped at 6,000 characters) reaches.
        return List.of(part.toString());
    }

    private static String colour(MessageLayout layout) {
        if (layout.resolvedOrTest()) {
            return "#2e7d32";
        }
        return switch (layout.severity()) {
            case "critical" -> "#c62828";
            case "info" -> "#1565c0";
            default -> "#ef6c00";
        };
    }

    /** A subject is one line: a label value with a newline must not start a header of its own. */
    private static String subject(String text) {
        String line = text.replaceAll("[\\r\\n\\t]+", " ").strip();
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '\n' -> out.append("<br>");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public Delivery send(String part) {
        JsonNode stored;
        try {
            stored = mapper.readTree(part);
        } catch (IOException e) {
            return new Delivery.Rejected("email: stored message is not JSON");
        }
        Session session = Session.getInstance(properties());
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(target.from(), true));
            message.setRecipients(Message.RecipientType.TO, recipients());
            message.setSubject(stored.path("subject").asText(), "UTF-8");
            message.setSentDate(Date.from(clock.instant()));
            MimeBodyPart plain = new MimeBodyPart();
            plain.setText(stored.path("text").asText(), "UTF-8");
            MimeBodyPart html = new MimeBodyPart();
            html.setText(stored.path("html").asText(), "UTF-8", "html");
            // Plain first: clients show the last alternative they can render.
            MimeMultipart alternative = new MimeMultipart("alternative", plain, html);
            message.setContent(alternative);
            if (target.username().isPresent()) {
                Transport.send(
                        message,
                        target.username().get(),
                        target.password().map(p -> p.value()).orElse(""));
            } else {
                Transport.send(message);
            }
            return new Delivery.Sent();
        } catch (MessagingException e) {
            return classify(e);
        }
    }

    private InternetAddress[] recipients() throws AddressException {
        InternetAddress[] out = new InternetAddress[target.to().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new InternetAddress(target.to().get(i), true);
        }
        return out;
    }

    private Properties properties() {
        Properties p = new Properties();
        String millis = Long.toString(target.timeout().toMillis());
        p.put("mail.smtp.host", target.host());
        p.put("mail.smtp.port", Integer.toString(target.port()));
        p.put("mail.smtp.connectiontimeout", millis);
        p.put("mail.smtp.timeout", millis);
        p.put("mail.smtp.writetimeout", millis);
        p.put("mail.smtp.auth", Boolean.toString(target.username().isPresent()));
        switch (target.security()) {
            case STARTTLS -> {
                p.put("mail.smtp.starttls.enable", "true");
                // Without "required" a server (or a man in the middle) that omits STARTTLS gets the password in clear.
                p.put("mail.smtp.starttls.required", "true");
            }
            case TLS -> p.put("mail.smtp.ssl.enable", "true");
            case NONE -> {}
        }
        if (target.security() != TargetConfig.SmtpSecurity.NONE) {
            p.put("mail.smtp.ssl.checkserveridentity", "true");
            trust.ifPresent(factory -> p.put("mail.smtp.ssl.socketFactory", factory));
        }
        return p;
    }

    private Delivery classify(MessagingException e) {
        String server = target.host() + ":" + target.port();
        if (e instanceof AuthenticationFailedException) {
            return new Delivery.Rejected("email: " + server + " refused the login of "
                    + target.username().orElse("(no user)") + " (" + firstLine(e) + "); check username and password");
        }
        for (Exception link = e; link != null; link = next(link)) {
            int code = link instanceof SMTPSendFailedException s
                    ? s.getReturnCode()
                    : link instanceof SMTPAddressFailedException a ? a.getReturnCode() : -1;
            if (code / 100 == 4) {
                return new Delivery.RetryLater(Duration.ZERO, "email: " + server + " answered " + firstLine(link));
            }
            if (code / 100 == 5) {
                return new Delivery.Rejected("email: " + server + " refused the message: " + firstLine(link));
            }
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof javax.net.ssl.SSLHandshakeException) {
                return new Delivery.Rejected("email: TLS with " + server + " failed (" + firstLine(cause)
                        + "); if the server's certificate is from a private CA, set tls_ca_file");
            }
        }
        if (e.getMessage() != null && e.getMessage().contains("STARTTLS is required")) {
            return new Delivery.Rejected("email: " + server + " does not offer STARTTLS; use security: tls (port 465)"
                    + " or, only on a trusted network, security: none");
        }
        return new Delivery.RetryLater(Duration.ZERO, "email: " + server + ": " + firstLine(e));
    }

    private static Exception next(Exception e) {
        return e instanceof MessagingException m ? m.getNextException() : null;
    }

    private String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String line = message.strip().lines().findFirst().orElse("");
        // Angus never puts the password in a message; a server echoing the AUTH line could.
        return target.password().map(p -> line.replace(p.value(), "<masked>")).orElse(line);
    }
}
