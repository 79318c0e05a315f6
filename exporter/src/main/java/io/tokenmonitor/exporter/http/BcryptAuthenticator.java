package io.tokenmonitor.exporter.http;

import com.sun.net.httpserver.BasicAuthenticator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.mindrot.jbcrypt.BCrypt;

/**
 * Basic auth against the bcrypt hashes of a web config's {@code basic_auth_users}. A password that
 * matched once is remembered by its SHA-256, as the exporter-toolkit does, so a scrape every few
 * seconds does not pay bcrypt's deliberate cost each time.
 */
final class BcryptAuthenticator extends BasicAuthenticator {

    private final Map<String, String> users;
    private final Set<String> verified = ConcurrentHashMap.newKeySet();

    BcryptAuthenticator(Map<String, String> users) {
        super("token-monitor-exporter", StandardCharsets.UTF_8);
        this.users = Map.copyOf(users);
    }

    @Override
    public boolean checkCredentials(String user, String password) {
        String hash = users.get(user);
        if (hash == null) {
            return false;
        }
        String key = user + ":" + sha256(password) + ":" + hash;
        if (verified.contains(key)) {
            return true;
        }
        // jBCrypt reads only the $2a$ prefix; $2b$ and $2y$ (htpasswd, Go) hash the same way.
        boolean ok = BCrypt.checkpw(password, hash.replaceFirst("^\\$2[bxy]\\$", "\\$2a\\$"));
        if (ok) {
            verified.add(key);
        }
        return ok;
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
