package dev.sigstack.gate.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Registry credentials by host, read from a Docker config JSON ({@code .dockerconfigjson} of a
 * {@code kubernetes.io/dockerconfigjson} pull secret, or {@code .dockercfg}). Never printed.
 */
public final class RegistryCredentials {
    /** A user name and password (or identity token as password). */
    public record Login(String username, String password) {
        @Override
        public String toString() {
            return "Login[username=" + username + ", password=<redacted>]";
        }

        String basic() {
            return "Basic " + Base64.getEncoder().encodeToString(
                    (username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, Login> byHost;

    private RegistryCredentials(Map<String, Login> byHost) {
        this.byHost = Map.copyOf(byHost);
    }

    /** No credentials: anonymous pulls. */
    public static RegistryCredentials anonymous() {
        return new RegistryCredentials(Map.of());
    }

    /** One login for one host. */
    public static RegistryCredentials of(String host, String username, String password) {
        return new RegistryCredentials(Map.of(host, new Login(username, password)));
    }

    /** Parses {@code {"auths":{host:{"auth":base64(user:pass)}|{"username","password"}}}} or the legacy form. */
    public static RegistryCredentials fromDockerConfig(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("pull secret is not a Docker config JSON");
        }
        JsonNode auths = root.has("auths") ? root.get("auths") : root;
        Map<String, Login> out = new LinkedHashMap<>();
        if (auths != null && auths.isObject()) {
            for (var e : auths.properties()) {
                JsonNode a = e.getValue();
                String user = a.path("username").asText("");
                String pass = a.path("password").asText("");
                if (a.hasNonNull("auth")) {
                    String decoded = new String(Base64.getDecoder().decode(a.get("auth").asText()),
                            StandardCharsets.UTF_8);
                    int colon = decoded.indexOf(':');
                    if (colon < 0) {
                        throw new IllegalArgumentException("pull secret entry for " + e.getKey()
                                + " has an auth field without ':'");
                    }
                    user = decoded.substring(0, colon);
                    pass = decoded.substring(colon + 1);
                }
                out.put(normalize(e.getKey()), new Login(user, pass));
            }
        }
        return new RegistryCredentials(out);
    }

    /** Both sets; entries of {@code other} win. */
    public RegistryCredentials merge(RegistryCredentials other) {
        Map<String, Login> m = new LinkedHashMap<>(byHost);
        m.putAll(other.byHost);
        return new RegistryCredentials(m);
    }

    /** The login for a registry host, if any. */
    public Optional<Login> forHost(String host) {
        return Optional.ofNullable(byHost.get(normalize(host)));
    }

    private static String normalize(String key) {
        String k = key.replaceFirst("^https?://", "");
        int slash = k.indexOf('/');
        if (slash >= 0) {
            k = k.substring(0, slash);
        }
        return k.equals("docker.io") ? "index.docker.io" : k;
    }

    /** A digest of the logins (never the secrets themselves), for cache keys. */
    public String fingerprint() {
        if (byHost.isEmpty()) {
            return "anonymous";
        }
        StringBuilder sb = new StringBuilder();
        new java.util.TreeMap<>(byHost).forEach((h, l) -> sb.append(h).append('\0').append(l.username()).append('\0')
                .append(l.password()).append('\n'));
        return Digests.sha256(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "RegistryCredentials" + byHost.keySet();
    }
}
