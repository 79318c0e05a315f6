package io.tokenmonitor.exporter.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tokenmonitor.common.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * TLS and basic auth for the exporter's endpoints, in the Prometheus exporter-toolkit
 * {@code web-config.yml} format, so a file used for other exporters works here unchanged.
 * Supported: {@code tls_server_config} (cert_file, key_file, client_auth_type, client_ca_file,
 * min_version, max_version, cipher_suites), {@code basic_auth_users} (bcrypt hashes) and
 * {@code http_server_config.headers}.
 *
 * @param tls null for plain HTTP
 */
public record WebConfig(Tls tls, Map<String, String> basicAuthUsers, Map<String, String> headers) {

    private static final Set<String> TOP_KEYS = Set.of("tls_server_config", "basic_auth_users", "http_server_config");
    private static final Set<String> TLS_KEYS = Set.of(
            "cert_file",
            "key_file",
            "client_auth_type",
            "client_ca_file",
            "min_version",
            "max_version",
            "cipher_suites");
    private static final Set<String> CLIENT_AUTH = Set.of(
            "NoClientCert",
            "RequestClientCert",
            "RequireAnyClientCert",
            "VerifyClientCertIfGiven",
            "RequireAndVerifyClientCert");
    private static final Map<String, String> VERSIONS =
            Map.of("TLS10", "TLSv1", "TLS11", "TLSv1.1", "TLS12", "TLSv1.2", "TLS13", "TLSv1.3");

    /** The JSSE protocol names, oldest first. */
    static final List<String> PROTOCOLS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    public static final WebConfig NONE = new WebConfig(null, Map.of(), Map.of());

    public WebConfig {
        basicAuthUsers = Map.copyOf(basicAuthUsers);
        headers = Map.copyOf(headers);
    }

    /**
     * TLS settings; paths are resolved against the config file's directory, as the toolkit does.
     *
     * @param minVersion a JSSE protocol name such as {@code TLSv1.2}
     * @param cipherSuites the suites up to TLS 1.2, by their IANA names (Go's and Java's alike); empty
     *     for Java's defaults. TLS 1.3's suites are always on, as in Go.
     */
    public record Tls(
            Path certFile,
            Path keyFile,
            String clientAuthType,
            Path clientCaFile,
            String minVersion,
            String maxVersion,
            List<String> cipherSuites) {

        public Tls {
            cipherSuites = List.copyOf(cipherSuites);
        }

        public Tls(
                Path certFile,
                Path keyFile,
                String clientAuthType,
                Path clientCaFile,
                String minVersion,
                String maxVersion) {
            this(certFile, keyFile, clientAuthType, clientCaFile, minVersion, maxVersion, List.of());
        }
    }

    public static WebConfig read(Path file) {
        String where = "web config " + file;
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(where + ": cannot read: " + e.getMessage());
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return NONE;
        }
        unknown(
                root,
                TOP_KEYS,
                where + ": unknown key \"%s\"; known keys: tls_server_config, basic_auth_users, http_server_config");
        Path dir = file.toAbsolutePath().getParent();
        Tls tls = null;
        JsonNode t = root.get("tls_server_config");
        if (t != null && !t.isNull()) {
            unknown(
                    t,
                    TLS_KEYS,
                    where + ": tls_server_config: unknown key \"%s\"; supported: "
                            + String.join(", ", new java.util.TreeSet<>(TLS_KEYS)));
            String cert = text(t, "cert_file");
            String key = text(t, "key_file");
            if (cert == null || key == null) {
                throw new ConfigException(where + ": tls_server_config needs cert_file and key_file");
            }
            String clientAuth = text(t, "client_auth_type") == null ? "NoClientCert" : text(t, "client_auth_type");
            if (!CLIENT_AUTH.contains(clientAuth)) {
                throw new ConfigException(where + ": tls_server_config.client_auth_type: \"" + clientAuth
                        + "\" is not one of " + new java.util.TreeSet<>(CLIENT_AUTH));
            }
            String ca = text(t, "client_ca_file");
            if (clientAuth.contains("Verify") && ca == null) {
                throw new ConfigException(
                        where + ": tls_server_config.client_auth_type " + clientAuth + " needs client_ca_file");
            }
            String min = version(t, "min_version", "TLS12", where);
            String max = version(t, "max_version", "TLS13", where);
            if (PROTOCOLS.indexOf(min) > PROTOCOLS.indexOf(max)) {
                throw new ConfigException(where + ": tls_server_config.min_version " + toolkitName(min)
                        + " is above max_version " + toolkitName(max) + ": no TLS version is left to speak");
            }
            tls = new Tls(
                    dir.resolve(cert),
                    dir.resolve(key),
                    clientAuth,
                    ca == null ? null : dir.resolve(ca),
                    min,
                    max,
                    cipherSuites(t, where));
        }
        Map<String, String> users = new LinkedHashMap<>();
        JsonNode u = root.get("basic_auth_users");
        if (u != null && !u.isNull()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = u.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> user = it.next();
                String hash = user.getValue().asText();
                if (!hash.matches("^\\$2[abxy]?\\$\\d{2}\\$[./A-Za-z0-9]{53}$")) {
                    throw new ConfigException(where + ": basic_auth_users." + user.getKey()
                            + ": not a bcrypt hash; create one with htpasswd -nBC 10 \"\" | tr -d ':\\n'");
                }
                users.put(user.getKey(), hash);
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode h = root.get("http_server_config");
        if (h != null && !h.isNull()) {
            unknown(
                    h,
                    Set.of("headers", "http2"),
                    where
                            + ": http_server_config: unknown key \"%s\"; supported: headers (http2 is accepted and ignored)");
            JsonNode hs = h.get("headers");
            if (hs != null) {
                hs.fields()
                        .forEachRemaining(
                                e -> headers.put(e.getKey(), e.getValue().asText()));
            }
        }
        return new WebConfig(tls, users, headers);
    }

    private static String version(JsonNode node, String key, String fallback, String where) {
        String value = text(node, key) == null ? fallback : text(node, key);
        String protocol = VERSIONS.get(value);
        if (protocol == null) {
            throw new ConfigException(where + ": tls_server_config." + key + ": \"" + value + "\" is not one of "
                    + List.of("TLS10", "TLS11", "TLS12", "TLS13"));
        }
        return protocol;
    }

    /** The toolkit's {@code cipher_suites}, each one Java can speak (an unknown name would fail every handshake). */
    private static List<String> cipherSuites(JsonNode tls, String where) {
        JsonNode list = tls.get("cipher_suites");
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new ConfigException(where + ": tls_server_config.cipher_suites: a list of cipher suite names, "
                    + "such as [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]");
        }
        Set<String> supported;
        try {
            supported =
                    Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no TLS", e);
        }
        List<String> suites = new java.util.ArrayList<>();
        for (JsonNode suite : list) {
            if (!supported.contains(suite.asText())) {
                throw new ConfigException(where + ": tls_server_config.cipher_suites: \"" + suite.asText()
                        + "\" is not a cipher suite this Java supports; supported: "
                        + new java.util.TreeSet<>(supported));
            }
            suites.add(suite.asText());
        }
        return suites;
    }

    private static String toolkitName(String protocol) {
        return VERSIONS.entrySet().stream()
                .filter(e -> e.getValue().equals(protocol))
                .findFirst()
                .orElseThrow()
                .getKey();
    }

    private static String text(JsonNode node, String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static void unknown(JsonNode node, Set<String> known, String format) {
        node.fieldNames().forEachRemaining(k -> {
            if (!known.contains(k)) {
                throw new ConfigException(String.format(format, k));
            }
        });
    }
}
