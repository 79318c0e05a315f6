package io.tokenmonitor.exporter.http;

import com.sun.net.httpserver.BasicAuthenticator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;
import org.mindrot.jbcrypt.BCrypt;

/**
 * Basic auth against the bcrypt hashes of a web config's {@code basic_auth_users}. A password that
 * matched once is remembered by its SHA-256, as the exporter-toolkit does, so a scrape every few
 * seconds does not pay bcrypt's deliberate cost each time. An unknown user is checked against a
 * dummy hash of the configured cost, so that the time of a wrong answer does not tell which user
 * names exist.
 */
final class BcryptAuthenticator extends BasicAuthenticator {

    /** The realm of /metrics and the console alike, so a browser logged in to one is to the other. */
    static final String REALM = "token-monitor-exporter";

    private final Map<String, String> users;
    private final BiPredicate<String, String> checkpw;
    /** Compared with for an unknown user: a hash of a random password, as dear as the dearest user's. */
    private final String dummy;

    private final Set<String> verified = ConcurrentHashMap.newKeySet();

    BcryptAuthenticator(Map<String, String> users) {
        this(users, BCrypt::checkpw);
    }

    /** @param checkpw bcrypt's check of a password against a {@code $2a$} hash (a test counts the calls) */
    BcryptAuthenticator(Map<String, String> users, BiPredicate<String, String> checkpw) {
        super(REALM, StandardCharsets.UTF_8);
        this.users = users.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> jbcrypt(e.getValue())));
        this.checkpw = checkpw;
        int cost = this.users.values().stream()
                .mapToInt(hash -> Integer.parseInt(hash.split("\\$")[2])) // $2a$10$…
                .max()
                .orElse(10);
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        this.dummy = BCrypt.hashpw(HexFormat.of().formatHex(random), BCrypt.gensalt(Math.max(4, Math.min(cost, 31))));
    }

    @Override
    public boolean checkCredentials(String user, String password) {
        String hash = users.get(user);
        if (hash == null) {
            checkpw.test(password, dummy);
            return false;
        }
        String key = user + ":" + sha256(password) + ":" + hash;
        if (verified.contains(key)) {
            return true;
        }
        boolean ok = checkpw.test(password, hash);
        if (ok) {
            verified.add(key);
        }
        return ok;
    }

    /** jBCrypt reads only the $2a$ prefix; $2b$ and $2y$ (htpasswd, Go) hash the same way. */
    private static String jbcrypt(String hash) {
        return hash.replaceFirst("^\\$2[bxy]\\$", "\\$2a\\$");
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
