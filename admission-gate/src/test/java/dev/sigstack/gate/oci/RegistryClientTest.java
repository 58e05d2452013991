package dev.sigstack.gate.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sigstack.gate.policy.ImageReference;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;

/**
 * The registry client: the OCI 1.1 referrers API and Docker token auth against a small in-test server, the referrers
 * tag-schema fallback and basic auth (htpasswd) against a real distribution 2.8, and hostile answers.
 */
class RegistryClientTest {
    static final RegistryClient CLIENT = new RegistryClient(RegistryClient.Options.defaults());

    /** An OCI 1.1 registry fragment: token auth, the referrers API, manifests by digest. */
    static final class Oci11Server implements AutoCloseable {
        final HttpServer server;
        final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
        final AtomicInteger tokenRequests = new AtomicInteger();
        volatile String lastScope;
        final String subject = "sha256:" + "1".repeat(64);

        Oci11Server() throws Exception {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/token", ex -> {
                tokenRequests.incrementAndGet();
                lastScope = ex.getRequestURI().getRawQuery();
                String auth = ex.getRequestHeaders().getFirst("Authorization");
                boolean ok = ("Basic " + Base64.getEncoder().encodeToString("ci:s3cret".getBytes())).equals(auth);
                send(ex, ok ? 200 : 401, ok ? "{\"token\":\"tok-123\"}" : "{}", "application/json");
            });
            server.createContext("/v2/", ex -> {
                if (!"Bearer tok-123".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                    ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://127.0.0.1:"
                            + server.getAddress().getPort() + "/token\",service=\"registry.test\","
                            + "scope=\"repository:team/app:pull\"");
                    send(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}", "application/json");
                    return;
                }
                String path = ex.getRequestURI().getPath();
                if (path.equals("/v2/team/app/referrers/" + subject)) {
                    String q = ex.getRequestURI().getQuery();
                    String index = """
                            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
                             {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":10,
                              "artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json"},
                             {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":10,
                              "artifactType":"application/spdx+json"}]}""".formatted("2".repeat(64), "3".repeat(64));
                    assertTrue(q == null || q.startsWith("artifactType="));
                    send(ex, 200, index, "application/vnd.oci.image.index.v1+json");
                    return;
                }
                String ref = path.substring(path.lastIndexOf('/') + 1);
                byte[] m = manifests.get(ref);
                if (m == null) {
                    send(ex, 404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}", "application/json");
                } else {
                    ex.getResponseHeaders().add("Content-Type", "application/vnd.oci.image.manifest.v1+json");
                    ex.sendResponseHeaders(200, m.length);
                    ex.getResponseBody().write(m);
                    ex.close();
                }
            });
            server.start();
        }

        String host() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }

        static void send(HttpExchange ex, int code, String body, String type) throws java.io.IOException {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", type);
            ex.sendResponseHeaders(code, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void referrers_oci11Api_filteredByArtifactTypeWithTokenAuth() throws Exception {
        try (Oci11Server s = new Oci11Server()) {
            RegistryCredentials creds = RegistryCredentials.fromDockerConfig(("{\"auths\":{\"" + s.host()
                    + "\":{\"auth\":\"" + Base64.getEncoder().encodeToString("ci:s3cret".getBytes()) + "\"}}}")
                    .getBytes());
            List<Descriptor> found = CLIENT.referrers(s.host(), "team/app", s.subject,
                    CosignArtifacts.BUNDLE_ARTIFACT_TYPE, creds);
            assertEquals(1, found.size());
            assertEquals("sha256:" + "2".repeat(64), found.get(0).digest());
            assertEquals(1, s.tokenRequests.get());
            assertTrue(s.lastScope.contains("service=registry.test") && s.lastScope.contains(
                    "scope=repository%3Ateam%2Fapp%3Apull"), s.lastScope);
            CLIENT.referrers(s.host(), "team/app", s.subject, null, creds);
            assertEquals(1, s.tokenRequests.get(), "the token is reused");
            RegistryException e = assertThrows(RegistryException.class, () -> new RegistryClient(
                    RegistryClient.Options.defaults()).referrers(s.host(), "team/app", s.subject, null,
                    RegistryCredentials.of(s.host(), "ci", "wrong")));
            assertEquals(401, e.status());
        }
    }

    @Test
    void manifest_unreachableRegistry_messageNamesAddressAndReason() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        String registry = "127.0.0.1:" + port;
        RegistryException e = assertThrows(RegistryException.class,
                () -> CLIENT.manifest(registry, "team/app", "v1", RegistryCredentials.of(registry, "ci", "x")));
        assertTrue(e.getMessage().contains("http://" + registry + "/v2/team/app/manifests/v1"), e.getMessage());
        assertTrue(e.getMessage().contains("ConnectException: cannot connect (connection refused"), e.getMessage());
    }

    @Test
    void manifest_contentNotMatchingDigest_refused() throws Exception {
        try (Oci11Server s = new Oci11Server()) {
            String claimed = "sha256:" + "4".repeat(64);
            s.manifests.put(claimed, "{\"schemaVersion\":2,\"layers\":[]}".getBytes());
            RegistryCredentials creds = RegistryCredentials.of(s.host(), "ci", "s3cret");
            RegistryException e = assertThrows(RegistryException.class,
                    () -> CLIENT.manifest(s.host(), "team/app", claimed, creds));
            assertTrue(e.getMessage().contains("does not match"), e.getMessage());
            s.manifests.put("big", new byte[5 << 20]);
            e = assertThrows(RegistryException.class, () -> CLIENT.manifest(s.host(), "team/app", "big", creds));
            assertTrue(e.getMessage().contains("larger than"), e.getMessage());
            s.manifests.put("notjson", "<html>".getBytes());
            assertThrows(RegistryException.class, () -> CLIENT.manifest(s.host(), "team/app", "notjson", creds));
        }
    }

    @Test
    void referrers_distribution28_fallsBackToTagSchema() throws Exception {
        try (TestRegistry reg = TestRegistry.start(null, null, null)) {
            String d = reg.pushImage("team/app", "v1");
            byte[] config = "{}".getBytes();
            String cfg = reg.pushBlob("team/app", config);
            String index = """
                    {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
                     {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%d,
                      "artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json"}]}""".formatted(cfg, config.length);
            reg.pushManifest("team/app", Digests.cosignTag(d, ""), index.getBytes(), Manifest.OCI_INDEX);
            List<Descriptor> found = CLIENT.referrers(reg.host(), "team/app", d, CosignArtifacts.BUNDLE_ARTIFACT_TYPE,
                    RegistryCredentials.anonymous());
            assertEquals(1, found.size());
            String other = reg.pushImage("team/app", "v2");
            assertEquals(List.of(), CLIENT.referrers(reg.host(), "team/app", other, null,
                    RegistryCredentials.anonymous()));
        }
    }

    @Test
    void manifest_basicAuthRegistry_needsPullSecret() throws Exception {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        String hash = OpenBSDBCrypt.generate("2y", "pull-pass".toCharArray(), salt, 10);
        try (TestRegistry reg = TestRegistry.start("puller:" + hash, "puller", "pull-pass")) {
            String d = reg.pushImage("private/app", "v1");
            ImageReference ref = ImageReference.parse(reg.host() + "/private/app:v1");
            RegistryException e = assertThrows(RegistryException.class,
                    () -> CLIENT.manifest(ref, RegistryCredentials.anonymous()));
            assertEquals(401, e.status());
            RegistryCredentials secret = RegistryCredentials.fromDockerConfig(("{\"auths\":{\"" + reg.host()
                    + "\":{\"username\":\"puller\",\"password\":\"pull-pass\"}}}").getBytes());
            assertEquals(d, CLIENT.resolve(ref, secret));
            Manifest m = CLIENT.manifest(ref, secret);
            byte[] layer = CLIENT.blob(reg.host(), "private/app", m.layers().get(0).digest(), secret);
            assertArrayEquals(layer, CLIENT.blob(reg.host(), "private/app", m.layers().get(0).digest(), secret));
            assertTrue(!secret.toString().contains("pull-pass"), "credentials never printed");
        }
    }
}
