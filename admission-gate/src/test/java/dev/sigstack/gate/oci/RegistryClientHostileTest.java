package dev.sigstack.gate.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The registry client against registries that attack it: bodies that trickle or never come, bearer realms on other
 * hosts, redirects to plain HTTP or to storage hosts, error pages that would leak through a denial, and signature
 * manifests listing too many or too large layers.
 */
class RegistryClientHostileTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DIGEST = "sha256:" + "a".repeat(64);

    static RegistryClient client(Duration timeout) {
        return new RegistryClient(RegistryClient.Options.defaults().withTimeout(timeout));
    }

    @Test
    void manifest_tricklingBody_refusedAtTheOverallDeadline() throws Exception {
        try (StandIn reg = new StandIn(ex -> StandIn.trickle(ex, Manifest.OCI_MANIFEST, 100_000, 100))) {
            RegistryClient c = client(Duration.ofSeconds(1));
            long t0 = System.nanoTime();
            RegistryException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(
                    RegistryException.class, () -> c.manifest(reg.host(), "app", "v1", RegistryCredentials.anonymous())));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(e.getMessage().contains("1000 ms deadline"), e.getMessage());
            assertTrue(ms >= 900 && ms < 3000, "refused at the deadline, after " + ms + " ms");
        }
    }

    @Test
    void manifest_headersNeverCome_refusedAtTheOverallDeadline() throws Exception {
        try (StandIn reg = new StandIn(ex -> Thread.sleep(30_000))) {
            RegistryClient c = client(Duration.ofMillis(700));
            long t0 = System.nanoTime();
            RegistryException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(
                    RegistryException.class, () -> c.manifest(reg.host(), "app", "v1", RegistryCredentials.anonymous())));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(e.getMessage().contains("deadline"), e.getMessage());
            assertTrue(ms < 3000, "refused after " + ms + " ms");
        }
    }

    /** A registry whose bearer challenge names {@code realm}. */
    static StandIn challenging(String realm) throws Exception {
        return new StandIn(ex -> {
            ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"reg\"");
            StandIn.send(ex, 401, "application/json", "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}");
        });
    }

    @Test
    void manifest_bearerRealmOnAnotherHost_notContactedAndNoCredentialsSent() throws Exception {
        try (StandIn realm = new StandIn(ex -> StandIn.send(ex, 200, "application/json", "{\"token\":\"t\"}"));
                StandIn reg = challenging("http://localhost:" + realm.port() + "/token")) {
            RegistryCredentials creds = RegistryCredentials.of(reg.host(), "ci", "pull-secret-password");
            RegistryException e = assertThrows(RegistryException.class,
                    () -> client(Duration.ofSeconds(5)).manifest(reg.host(), "app", "v1", creds));
            assertEquals(401, e.status());
            assertTrue(e.getMessage().contains("realm host localhost") && e.getMessage().contains("not contacted"),
                    e.getMessage());
            assertEquals(0, realm.hits.get(), "the realm on another host saw no request");
            assertFalse(e.getMessage().contains("pull-secret-password"));
        }
    }

    @Test
    void manifest_bearerRealmOnAConfiguredHost_getsTheToken() throws Exception {
        try (StandIn realm = new StandIn(ex -> StandIn.send(ex, 200, "application/json", "{\"token\":\"t\"}"));
                StandIn reg = challenging("http://localhost:" + realm.port() + "/token")) {
            RegistryCredentials creds = RegistryCredentials.of(reg.host(), "ci", "pw");
            RegistryClient c = new RegistryClient(RegistryClient.Options.defaults().withRealmHosts(Set.of(
                    "localhost:" + realm.port())));
            assertThrows(RegistryException.class, () -> c.manifest(reg.host(), "app", "v1", creds));
            assertEquals(1, realm.hits.get(), "the configured realm was asked for a token");
            assertEquals("Basic " + Base64.getEncoder().encodeToString("ci:pw".getBytes(StandardCharsets.UTF_8)),
                    realm.authorizations.get(0));
        }
    }

    @Test
    void manifest_manyRepositoryNames_tokenCacheStaysBounded() throws Exception {
        try (StandIn reg = new StandIn(ex -> {
            if (ex.getRequestURI().getPath().equals("/token")) {
                StandIn.send(ex, 200, "application/json", "{\"token\":\"t\"}");
            } else if ("Bearer t".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                StandIn.send(ex, 404, "application/json", "{}");
            } else {
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + ex.getLocalAddress()
                        .getHostString() + ":" + ex.getLocalAddress().getPort() + "/token\"");
                StandIn.send(ex, 401, "application/json", "{}");
            }
        })) {
            RegistryClient c = client(Duration.ofSeconds(5));
            for (int i = 0; i < 1100; i++) {
                RegistryException e = assertThrows(RegistryException.class,
                        () -> c.manifest(reg.host(), "pods/choose-" + Math.random(), "v1",
                                RegistryCredentials.anonymous()));
                assertEquals(404, e.status(), e.getMessage());
            }
            assertTrue(c.tokenCount() <= 1024, "tokens cached: " + c.tokenCount());
        }
    }

    @Test
    void manifest_bearerRealmNotHttp_refused() throws Exception {
        try (StandIn reg = challenging("file:///etc/passwd")) {
            RegistryException e = assertThrows(RegistryException.class, () -> client(Duration.ofSeconds(5))
                    .manifest(reg.host(), "app", "v1", RegistryCredentials.of(reg.host(), "ci", "pw")));
            assertTrue(e.getMessage().contains("realm"), e.getMessage());
        }
    }

    @Test
    void redirect_fromHttpsToPlainHttp_refused() throws Exception {
        RegistryClient c = client(Duration.ofSeconds(5));
        URI from = URI.create("https://registry.example.internal/v2/app/blobs/" + DIGEST);
        RegistryException e = assertThrows(RegistryException.class,
                () -> c.redirect(from, "http://storage.example.internal/blob"));
        assertTrue(e.getMessage().contains("never from HTTPS to plain HTTP"), e.getMessage());
        assertThrows(RegistryException.class, () -> c.redirect(from, "http://127.0.0.1:1/blob"));
        assertThrows(RegistryException.class, () -> c.redirect(from, "ftp://storage.example.internal/blob"));
        assertEquals(URI.create("https://storage.example.internal/blob"),
                c.redirect(from, "https://storage.example.internal/blob"));
        URI plain = URI.create("http://127.0.0.1:5000/v2/app/blobs/" + DIGEST);
        assertThrows(RegistryException.class, () -> c.redirect(plain, "http://10.0.0.5:8080/x"),
                "plain HTTP only among loopback and --plain-http hosts");
        assertEquals(URI.create("http://localhost:5001/x"), c.redirect(plain, "http://localhost:5001/x"));
    }

    @Test
    void blob_redirectToStorageHost_followedWithoutCredentials() throws Exception {
        byte[] blob = "signature payload".getBytes(StandardCharsets.UTF_8);
        String digest = Digests.sha256(blob);
        String basic = "Basic " + Base64.getEncoder().encodeToString("ci:pw".getBytes(StandardCharsets.UTF_8));
        try (StandIn storage = new StandIn(ex -> {
            ex.sendResponseHeaders(200, blob.length);
            ex.getResponseBody().write(blob);
        }); StandIn reg = new StandIn(ex -> {
            if (!basic.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"reg\"");
                StandIn.send(ex, 401, "text/plain", "");
                return;
            }
            ex.getResponseHeaders().add("Location", "http://localhost:" + storage.port() + "/bucket/blob");
            ex.sendResponseHeaders(307, -1);
        })) {
            byte[] got = client(Duration.ofSeconds(5)).blob(reg.host(), "app", digest,
                    RegistryCredentials.of(reg.host(), "ci", "pw"));
            assertArrayEquals(blob, got);
            assertEquals(1, storage.hits.get());
            assertEquals(0, storage.authorizations.size(), "the storage host got no credentials");
        }
    }

    @Test
    void manifest_errorAndNonJsonBodies_neverRepeatedInTheMessage() throws Exception {
        String marker = "INTERNAL-ADMIN-PAGE-4711";
        try (StandIn reg = new StandIn(ex -> {
            if (ex.getRequestURI().getPath().endsWith("/v1")) {
                StandIn.send(ex, 500, "text/html", "<html>" + marker + "</html>");
            } else {
                StandIn.send(ex, 200, Manifest.OCI_MANIFEST, marker + " is not json");
            }
        })) {
            RegistryClient c = client(Duration.ofSeconds(5));
            RegistryException e = assertThrows(RegistryException.class,
                    () -> c.manifest(reg.host(), "app", "v1", RegistryCredentials.anonymous()));
            assertTrue(e.getMessage().contains("HTTP 500") && !e.getMessage().contains(marker), e.getMessage());
            e = assertThrows(RegistryException.class,
                    () -> c.manifest(reg.host(), "app", "v2", RegistryCredentials.anonymous()));
            assertTrue(e.getMessage().contains("is not JSON") && !e.getMessage().contains(marker), e.getMessage());
        }
    }

    /** A {@code .sig} manifest with {@code n} layers each declaring {@code size} bytes. */
    static byte[] sigManifest(int n, long size) throws Exception {
        ObjectNode m = TestRegistry.manifest("application/vnd.oci.image.config.v1+json", DIGEST, 2);
        ArrayNode layers = (ArrayNode) m.get("layers");
        for (int i = 0; i < n; i++) {
            layers.add(TestRegistry.descriptor(SignatureLayer.SIMPLE_SIGNING, "sha256:" + String.format("%064x", i),
                    size, Map.of(SignatureLayer.ANN_SIGNATURE, "MEUCIQ==")));
        }
        return JSON.writeValueAsBytes(m);
    }

    @Test
    void signatures_overTheLayerOrByteLimits_refusedAfterOneManifestGet() throws Exception {
        Map<String, byte[]> manifests = new java.util.concurrent.ConcurrentHashMap<>();
        try (StandIn reg = new StandIn(ex -> {
            String path = ex.getRequestURI().getPath();
            byte[] m = manifests.get(path.substring(path.lastIndexOf('/') + 1));
            if (m == null) {
                StandIn.send(ex, 404, "application/json", "{}");
                return;
            }
            ex.getResponseHeaders().add("Content-Type", Manifest.OCI_MANIFEST);
            ex.sendResponseHeaders(200, m.length);
            ex.getResponseBody().write(m);
        })) {
            CosignArtifacts a = new CosignArtifacts(client(Duration.ofSeconds(5)));
            CosignArtifacts.Location at = new CosignArtifacts.Location(reg.host(), "app", "");
            String tag = Digests.cosignTag(DIGEST, ".sig");
            manifests.put(tag, sigManifest(101, 10));
            RegistryException e = assertThrows(RegistryException.class,
                    () -> a.signatures(at, DIGEST, RegistryCredentials.anonymous()));
            assertTrue(e.getMessage().contains("lists 101 layers, more than the limit of 100"), e.getMessage());
            assertEquals(1, reg.hits.getAndSet(0), "no layer was read");

            manifests.put(tag, sigManifest(20, 32L << 20));
            e = assertThrows(RegistryException.class, () -> a.signatures(at, DIGEST, RegistryCredentials.anonymous()));
            assertTrue(e.getMessage().contains("more than " + (64L << 20) + " bytes in all"), e.getMessage());
            assertEquals(1, reg.hits.getAndSet(0), "no layer was read");

            manifests.put(tag, sigManifest(1, (32L << 20) + 1));
            e = assertThrows(RegistryException.class, () -> a.signatures(at, DIGEST, RegistryCredentials.anonymous()));
            assertTrue(e.getMessage().contains("bytes per layer"), e.getMessage());
            assertEquals(1, reg.hits.getAndSet(0), "no layer was read");
        }
    }

    @Test
    void signatures_layerLargerThanItsDeclaredSize_readOnlyUpToIt() throws Exception {
        byte[] big = new byte[4 << 20];
        String bigDigest = Digests.sha256(big);
        ObjectNode m = TestRegistry.manifest("application/vnd.oci.image.config.v1+json", DIGEST, 2);
        ((ArrayNode) m.get("layers")).add(TestRegistry.descriptor(SignatureLayer.SIMPLE_SIGNING, bigDigest, 100,
                Map.of()));
        byte[] manifest = JSON.writeValueAsBytes(m);
        try (StandIn reg = new StandIn(ex -> {
            byte[] body = ex.getRequestURI().getPath().contains("/blobs/") ? big : manifest;
            ex.sendResponseHeaders(200, 0); // chunked: no Content-Length to refuse up front
            ex.getResponseBody().write(body);
        })) {
            CosignArtifacts a = new CosignArtifacts(client(Duration.ofSeconds(5)));
            RegistryException e = assertThrows(RegistryException.class, () -> a.signatures(
                    new CosignArtifacts.Location(reg.host(), "app", ""), DIGEST, RegistryCredentials.anonymous()));
            assertTrue(e.getMessage().contains("response larger than 100 bytes"), e.getMessage());
        }
    }
}
