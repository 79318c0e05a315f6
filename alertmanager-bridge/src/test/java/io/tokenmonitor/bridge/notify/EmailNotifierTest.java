package io.tokenmonitor.bridge.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.tokenmonitor.common.config.Secret;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * E-mail against real SMTP servers: GreenMail (Java, in this JVM) for plain SMTP with AUTH, and Debian's aiosmtpd
 * ({@code python3-aiosmtpd}) for STARTTLS and implicit TLS with a self-signed certificate; only the reply-code rules use a scripted
 * server, since no real server can be told to answer 451 or 550 on demand.
 */
class EmailNotifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "s3cret-Passw0rd!";

    @TempDir
    Path dir;

    private GreenMail greenMail;
    private Process aiosmtpd;

    @AfterEach
    void stop() {
        if (greenMail != null) {
            greenMail.stop();
        }
        if (aiosmtpd != null) {
            aiosmtpd.destroy();
        }
    }

    private static TargetConfig.Email target(
            int port, TargetConfig.SmtpSecurity security, Optional<String> user, String password, Optional<Path> ca) {
        return new TargetConfig.Email(
                "mail",
                "127.0.0.1",
                port,
                security,
                user,
                Optional.ofNullable(password).map(Secret::new),
                ca,
                "Token Monitor <alerts@example.com>",
                List.of("ops@example.com", "Oncall <oncall@example.com>"),
                "[TM] ",
                Duration.ofSeconds(10));
    }

    private static EmailNotifier notifier(TargetConfig.Email target) {
        return new EmailNotifier(
                target, target.tlsCaFile().map(ca -> SmtpTrust.load("tls_ca_file", ca)), JSON, Clock.systemUTC());
    }

    private GreenMail startGreenMail() {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("alerts@example.com", "alerts", PASSWORD));
        greenMail.start();
        return greenMail;
    }

    @Test
    void givenPlainSmtpWithAuth_whenSent_thenTheMailArrivesWithTextAndHtmlParts() throws Exception {
        int port = startGreenMail().getSmtp().getPort();
        EmailNotifier n = notifier(
                target(port, TargetConfig.SmtpSecurity.NONE, Optional.of("alerts"), PASSWORD, Optional.empty()));
        List<String> parts = n.render(Notifications.firing("critical", "over by 20%"));
        assertThat(parts).hasSize(1);

        assertThat(n.send(parts.get(0))).isEqualTo(new Delivery.Sent());

        assertThat(greenMail.waitForIncomingEmail(5_000, 2)).isTrue();
        MimeMessage mail = greenMail.getReceivedMessages()[0];
        assertThat(mail.getSubject()).startsWith("[TM] ").contains("BudgetExceeded");
        assertThat(mail.getAllRecipients()).hasSize(2);
        assertThat(mail.getContentType()).startsWith("multipart/alternative");
        Multipart alternative = (Multipart) mail.getContent();
        assertThat(alternative.getCount()).isEqualTo(2);
        assertThat(alternative.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat((String) alternative.getBodyPart(0).getContent())
                .contains("BudgetExceeded")
                .contains("over by 20%")
                .contains("model=gpt-4o<mini>");
        assertThat(alternative.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat((String) alternative.getBodyPart(1).getContent())
                .contains("over by 20%")
                .contains("gpt-4o&lt;mini&gt;")
                .contains("href=\"https://grafana.example/d/x?a=1&amp;b=2\"");
    }

    @Test
    void givenAWrongPassword_whenSent_thenDeadWithAClearReasonAndNoPassword() {
        int port = startGreenMail().getSmtp().getPort();
        String wrong = "wrong-" + PASSWORD;
        EmailNotifier n =
                notifier(target(port, TargetConfig.SmtpSecurity.NONE, Optional.of("alerts"), wrong, Optional.empty()));
        Delivery d = n.send(n.render(Notifications.resolved()).get(0));
        assertThat(d).isInstanceOf(Delivery.Rejected.class);
        String reason = ((Delivery.Rejected) d).reason();
        assertThat(reason).contains("refused the login of alerts").contains("check username and password");
        assertThat(reason).doesNotContain(wrong).doesNotContain(PASSWORD);
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void givenStartTlsWithASelfSignedCertificate_whenTrusted_thenDelivered_andWhenNotTrusted_thenDead()
            throws Exception {
        Path cert = selfSigned();
        int port = freePort();
        // aiosmtpd refuses MAIL before STARTTLS (its default --requiretls), so a delivery proves the upgrade.
        Path maildir = startAiosmtpd(
                port,
                "--tlscert",
                cert.toString(),
                "--tlskey",
                dir.resolve("key.pem").toString());
        assertDeliveredOnlyWhenTrusted(port, TargetConfig.SmtpSecurity.STARTTLS, cert, maildir);
    }

    @Test
    void givenImplicitTlsWithASelfSignedCertificate_whenTrusted_thenDelivered_andWhenNotTrusted_thenDead()
            throws Exception {
        Path cert = selfSigned();
        int port = freePort();
        Path maildir = startAiosmtpd(
                port,
                "--smtpscert",
                cert.toString(),
                "--smtpskey",
                dir.resolve("key.pem").toString());
        assertDeliveredOnlyWhenTrusted(port, TargetConfig.SmtpSecurity.TLS, cert, maildir);
    }

    private void assertDeliveredOnlyWhenTrusted(int port, TargetConfig.SmtpSecurity security, Path cert, Path maildir)
            throws Exception {
        EmailNotifier untrusted = notifier(target(port, security, Optional.empty(), null, Optional.empty()));
        Delivery refused =
                untrusted.send(untrusted.render(Notifications.resolved()).get(0));
        assertThat(refused).isInstanceOf(Delivery.Rejected.class);
        assertThat(((Delivery.Rejected) refused).reason()).contains("tls_ca_file");

        EmailNotifier trusted = notifier(target(port, security, Optional.empty(), null, Optional.of(cert)));
        assertThat(trusted.send(trusted.render(Notifications.firing("critical", "via " + security))
                        .get(0)))
                .isEqualTo(new Delivery.Sent());
        List<Path> mails;
        try (Stream<Path> files = Files.list(maildir.resolve("new"))) {
            mails = files.toList();
        }
        assertThat(mails).hasSize(1);
        MimeMessage mail;
        try (InputStream in = Files.newInputStream(mails.get(0))) {
            mail = new MimeMessage(Session.getInstance(new Properties()), in);
        }
        assertThat(mail.getSubject()).contains("BudgetExceeded");
        Multipart alternative = (Multipart) mail.getContent();
        assertThat((String) alternative.getBodyPart(0).getContent()).contains("via " + security);
    }

    /** A throwaway certificate and key for 127.0.0.1 (cert.pem, key.pem), made by openssl as an operator would. */
    private Path selfSigned() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Process openssl = new ProcessBuilder(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-days",
                        "1",
                        "-subj",
                        "/CN=localhost",
                        "-addext",
                        "subjectAltName=IP:127.0.0.1,DNS:localhost",
                        "-keyout",
                        dir.resolve("key.pem").toString(),
                        "-out",
                        cert.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(openssl.waitFor()).as(output).isZero();
        return cert;
    }

    /** Debian's aiosmtpd, storing what it receives in a maildir. */
    private Path startAiosmtpd(int port, String... tls) throws Exception {
        assertThat(Path.of("/usr/bin/python3"))
                .as("needs Debian's python3 and python3-aiosmtpd")
                .exists();
        Path maildir = dir.resolve("maildir");
        List<String> command = new java.util.ArrayList<>(
                List.of("/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + port));
        command.addAll(List.of(tls));
        command.addAll(List.of("-c", "aiosmtpd.handlers.Mailbox", maildir.toString()));
        Path log = dir.resolve("aiosmtpd.log");
        aiosmtpd = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        awaitListening(port, log);
        return maildir;
    }

    @Test
    void givenAServerWithoutStartTls_whenStartTlsIsConfigured_thenDeadBeforeAnyPasswordIsSent() {
        int port = startGreenMail().getSmtp().getPort();
        EmailNotifier n = notifier(
                target(port, TargetConfig.SmtpSecurity.STARTTLS, Optional.of("alerts"), PASSWORD, Optional.empty()));
        Delivery d = n.send(n.render(Notifications.resolved()).get(0));
        assertThat(d).isInstanceOf(Delivery.Rejected.class);
        assertThat(((Delivery.Rejected) d).reason()).contains("does not offer STARTTLS");
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void givenA4xxReply_whenSent_thenRetried() throws Exception {
        try (ScriptedSmtp server = new ScriptedSmtp("451 4.3.0 try again later")) {
            EmailNotifier n = notifier(
                    target(server.port(), TargetConfig.SmtpSecurity.NONE, Optional.empty(), null, Optional.empty()));
            Delivery d = n.send(n.render(Notifications.resolved()).get(0));
            assertThat(d).isInstanceOf(Delivery.RetryLater.class);
            assertThat(((Delivery.RetryLater) d).reason()).contains("451");
        }
    }

    @Test
    void givenA5xxReply_whenSent_thenDead() throws Exception {
        try (ScriptedSmtp server = new ScriptedSmtp("550 5.1.1 mailbox unavailable")) {
            EmailNotifier n = notifier(
                    target(server.port(), TargetConfig.SmtpSecurity.NONE, Optional.empty(), null, Optional.empty()));
            Delivery d = n.send(n.render(Notifications.resolved()).get(0));
            assertThat(d).isInstanceOf(Delivery.Rejected.class);
            assertThat(((Delivery.Rejected) d).reason()).contains("550");
        }
    }

    @Test
    void givenNoServer_whenSent_thenRetried() throws Exception {
        EmailNotifier n =
                notifier(target(freePort(), TargetConfig.SmtpSecurity.NONE, Optional.empty(), null, Optional.empty()));
        assertThat(n.send(n.render(Notifications.resolved()).get(0))).isInstanceOf(Delivery.RetryLater.class);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void awaitListening(int port, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("aiosmtpd did not listen: " + Files.readString(log));
    }

    /** Answers one SMTP session, with {@code rcptReply} to RCPT TO, as a server with a full or missing mailbox does. */
    private static final class ScriptedSmtp implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0);
        private final Thread thread;

        ScriptedSmtp(String rcptReply) throws Exception {
            thread = new Thread(() -> {
                try (Socket client = socket.accept()) {
                    BufferedReader in = new BufferedReader(
                            new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
                    OutputStream out = client.getOutputStream();
                    reply(out, "220 scripted ESMTP");
                    for (String line; (line = in.readLine()) != null; ) {
                        String command =
                                line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line;
                        switch (command) {
                            case "EHLO", "HELO" -> reply(out, "250 scripted");
                            case "RCPT" -> reply(out, rcptReply);
                            case "QUIT" -> {
                                reply(out, "221 bye");
                                return;
                            }
                            default -> reply(out, "250 OK");
                        }
                    }
                } catch (java.io.IOException e) {
                    // the test is over
                }
            });
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private static void reply(OutputStream out, String line) throws java.io.IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(5_000);
        }
    }
}
