package dev.sigstack.gate.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.gate.oci.Digests;
import dev.sigstack.gate.oci.Manifest;
import dev.sigstack.gate.oci.RegistryClient;
import dev.sigstack.gate.oci.RegistryCredentials;
import dev.sigstack.gate.oci.SignatureLayer;
import dev.sigstack.gate.oci.StandIn;
import dev.sigstack.gate.oci.TestRegistry;
import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.testing.Cosign;
import dev.sigstack.gate.testing.MapEnvironment;
import dev.sigstack.gate.testing.TestPolicies;
import dev.sigstack.gate.testing.TestTls;
import dev.sigstack.gate.verify.CompiledPolicy;
import dev.sigstack.gate.verify.PolicyEngine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gate over HTTPS while registries attack it (issue 15, items 5-7): a registry that trickles its body, a pod naming
 * an address no policy covers, a bearer realm on another host, a signature manifest over the limits. Each attack is
 * refused in time, the gate sends nothing where it must not, and reviews of a good image keep being answered.
 */
class HostileRegistryAdmissionTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final KeyPair SIGNER = Cosign.ecKey();
    static final Duration REVIEW_TIMEOUT = Duration.ofSeconds(2);
    static final String MARKER = "REGISTRY-BODY-MARKER-0451";
    static TestRegistry reg;
    static StandIn trickler;
    static StandIn challenger;
    static StandIn realm;
    static StandIn forged;
    static AdmissionServer server;
    static HttpClient client;
    static String signed;

    @BeforeAll
    static void start() throws Exception {
        reg = TestRegistry.start(null, null, null);
        String d = reg.pushImage("app/web", "v1");
        Cosign.push(reg, "app/web", d, ".sig", List.of(Cosign.signatureLayer(reg.host() + "/app/web", d,
                SIGNER.getPrivate(), Map.of())));
        signed = reg.host() + "/app/web@" + d;
        trickler = new StandIn(ex -> StandIn.trickle(ex, Manifest.OCI_MANIFEST, 100_000, 100));
        realm = new StandIn(ex -> StandIn.send(ex, 200, "application/json", "{\"token\":\"t\"}"));
        challenger = new StandIn(ex -> {
            ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://localhost:" + realm.port()
                    + "/token\",service=\"reg\"");
            StandIn.send(ex, 401, "application/json", "{\"errors\":[{\"message\":\"" + MARKER + "\"}]}");
        });
        forged = new StandIn(ex -> StandIn.send(ex, 200, "text/plain", MARKER));
        String policies = TestPolicies.keyPolicy("site", reg.host() + "/app/**", SIGNER.getPublic()) + "---\n"
                + TestPolicies.keyPolicy("slow", trickler.host() + "/slow/**", SIGNER.getPublic()) + "---\n"
                + TestPolicies.keyPolicy("tokens", challenger.host() + "/realm/**", SIGNER.getPublic());
        List<CompiledPolicy> ps = TestPolicies.compile(policies);
        // Registry requests may take 5 s; the review still answers at 2 s.
        PolicyEngine engine = new PolicyEngine(new RegistryClient(RegistryClient.Options.defaults().withTimeout(
                Duration.ofSeconds(5))), GateConfig::defaults, () -> ps, new MapEnvironment(), Clock.systemUTC(),
                Duration.ofMinutes(5));
        Cluster cluster = new Cluster() {
            @Override
            public java.util.Optional<Map<String, String>> namespaceLabels(String namespace) {
                return java.util.Optional.of(Map.of("policy.sigstore.dev/include", "true"));
            }

            @Override
            public RegistryCredentials pullSecrets(String namespace, List<String> names) {
                return RegistryCredentials.of(challenger.host(), "ci", "pull-secret-password");
            }

            @Override
            public void event(String ns, String kind, String apiVersion, String name, String uid, String type,
                    String reason, String message) {
            }
        };
        GateSettings settings = new GateSettings(GateSettings.Mutation.PODS, "policy.sigstore.dev/include",
                "sigstack.dev/break-glass", null, REVIEW_TIMEOUT);
        TestTls tls = new TestTls();
        server = AdmissionServer.start("127.0.0.1", 0, tls.key.getPrivate(), List.of(tls.cert),
                new AdmissionHandler(engine, cluster, settings, new GateMetrics()), new GateMetrics());
        client = HttpClient.newBuilder().sslContext(tls.clientContext()).build();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {server, trickler, challenger, realm, forged, reg}) {
            if (c != null) {
                c.close();
            }
        }
    }

    static String pod(String image) {
        return """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1",
                 "kind":{"group":"","version":"v1","kind":"Pod"},"namespace":"prod","operation":"CREATE",
                 "userInfo":{"username":"dev"},
                 "object":{"metadata":{"name":"p"},"spec":{"imagePullSecrets":[{"name":"regcred"}],
                 "containers":[{"name":"c","image":"%s"}]}}}}""".formatted(image);
    }

    /** The review's response, and how long the answer took. */
    record Answer(JsonNode response, long millis) {
        boolean allowed() {
            return response.path("allowed").asBoolean();
        }

        String message() {
            return response.path("status").path("message").asText();
        }
    }

    static Answer post(String path, String image) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port()
                + path)).header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(pod(image))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new Answer(JSON.readTree(r.body()).path("response"), (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void validate_tricklingRegistry_deniedWithinTheReviewDeadlineWhileOthersAreAnswered() throws Exception {
        String slow = trickler.host() + "/slow/app@sha256:" + "5".repeat(64);
        List<CompletableFuture<Answer>> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) { // the same key: four of them wait on the first one's verification
            waiting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return post("/validate", slow);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        Thread.sleep(300);
        Answer good = post("/validate", signed);
        assertTrue(good.allowed(), good.response().toString());
        assertTrue(good.millis() < REVIEW_TIMEOUT.toMillis(), "a good image is answered meanwhile, in "
                + good.millis() + " ms");
        for (CompletableFuture<Answer> f : waiting) {
            Answer a = f.get();
            assertFalse(a.allowed());
            assertTrue(a.message().contains("did not finish within 2000 ms"), a.message());
            assertTrue(a.millis() < REVIEW_TIMEOUT.toMillis() + 1500, "answered in " + a.millis() + " ms, "
                    + "under the webhook's timeout");
        }
        Answer tag = post("/mutate", trickler.host() + "/slow/app:v1");
        assertFalse(tag.allowed());
        assertTrue(tag.millis() < REVIEW_TIMEOUT.toMillis() + 1500, "mutation answered in " + tag.millis() + " ms");
    }

    @Test
    void mutateAndValidate_imageNoPolicyCovers_gateSendsItNothing() throws Exception {
        String image = forged.host() + "/x:y";
        Answer m = post("/mutate", image);
        assertTrue(m.allowed(), m.response().toString());
        assertTrue(m.response().path("patch").isMissingNode(), "nothing to pin: " + m.response());
        Answer v = post("/validate", image);
        assertFalse(v.allowed(), "no-match-policy deny");
        assertTrue(v.message().contains("no matching policies"), v.message());
        assertFalse(v.message().contains(MARKER));
        assertEquals(0, forged.hits.get(), "the address a pod names was never contacted");
    }

    @Test
    void mutateAndValidate_bearerRealmOnAnotherHost_noRequestNoCredentialsNoBody() throws Exception {
        Answer m = post("/mutate", challenger.host() + "/realm/app:v1");
        assertFalse(m.allowed());
        assertTrue(m.message().contains("realm host localhost"), m.message());
        Answer v = post("/validate", challenger.host() + "/realm/app@sha256:" + "6".repeat(64));
        assertFalse(v.allowed());
        assertTrue(v.message().contains("not contacted, no credentials sent"), v.message());
        for (Answer a : List.of(m, v)) {
            assertFalse(a.message().contains(MARKER), "the registry's body is not repeated: " + a.message());
            assertFalse(a.message().contains("pull-secret-password"));
        }
        assertEquals(0, realm.hits.get(), "the realm on another host saw no request");
    }

    @Test
    void validate_signatureManifestOverTheLayerLimit_refusedWhileOthersAreAnswered() throws Exception {
        String d = reg.pushImage("app/many", "v1");
        byte[] tiny = "x".getBytes(StandardCharsets.UTF_8);
        String blob = reg.pushBlob("app/many", tiny);
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        ObjectNode m = TestRegistry.manifest("application/vnd.oci.image.config.v1+json", reg.pushBlob("app/many",
                config), config.length);
        for (int i = 0; i < 101; i++) {
            ((ArrayNode) m.get("layers")).add(TestRegistry.descriptor(SignatureLayer.SIMPLE_SIGNING, blob,
                    tiny.length, Map.of(SignatureLayer.ANN_SIGNATURE, "MEUCIQ==")));
        }
        reg.pushManifest("app/many", Digests.cosignTag(d, ".sig"), JSON.writeValueAsBytes(m), Manifest.OCI_MANIFEST);
        Answer a = post("/validate", reg.host() + "/app/many@" + d);
        assertFalse(a.allowed());
        assertTrue(a.message().contains("lists 101 layers, more than the limit of 100"), a.message());
        assertTrue(post("/validate", signed).allowed());
    }
}
