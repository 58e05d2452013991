package dev.sigstack.gate.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.gate.testing.TestPolicies;
import dev.sigstack.gate.testing.TestTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 15 items 2-4 as an attacker tries them: AdmissionReviews POSTed to the gate over HTTPS (the server the chart
 * runs), not to the matcher or the cache alone. A pod that spells a refused image another way is still refused; two
 * pods whose hash codes collide each get their own verdict; every workload kind with the refused image is refused.
 */
class GateTricksOverHttpsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DIGEST = "sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd";
    static final String POLICIES = """
            apiVersion: policy.sigstore.dev/v1beta1
            kind: ClusterImagePolicy
            metadata: {name: refuse-internal}
            spec:
              images: [{glob: "registry.internal/team/**"}]
              authorities: [{static: {action: fail, message: unsigned}}]
            ---
            apiVersion: policy.sigstore.dev/v1beta1
            kind: ClusterImagePolicy
            metadata: {name: refuse-hub-nginx}
            spec:
              images: [{glob: "index.docker.io/library/nginx*"}]
              authorities: [{static: {action: fail, message: unsigned}}]
            ---
            apiVersion: policy.sigstore.dev/v1beta1
            kind: ClusterImagePolicy
            metadata: {name: spec-x}
            spec:
              images: [{glob: "spec.internal/**"}]
              authorities: [{static: {action: pass}}]
              policy:
                includeSpec: true
                type: cue
                data: |
                  spec: x: "Aa"
            """;

    static AdmissionServer server;
    static HttpClient client;

    static final class Included implements Cluster {
        @Override
        public Optional<Map<String, String>> namespaceLabels(String namespace) {
            return Optional.of(Map.of("policy.sigstore.dev/include", "true"));
        }

        @Override
        public void event(String namespace, String kind, String apiVersion, String name, String uid, String type,
                String reason, String message) {
        }
    }

    @BeforeAll
    static void start() throws Exception {
        TestTls tls = new TestTls();
        GateMetrics metrics = new GateMetrics();
        AdmissionHandler handler = new AdmissionHandler(TestPolicies.engine(TestPolicies.compile(POLICIES)),
                new Included(), new GateSettings(GateSettings.Mutation.OFF, "policy.sigstore.dev/include",
                        "sigstack.dev/break-glass", null), metrics);
        server = AdmissionServer.start("127.0.0.1", 0, tls.key.getPrivate(), List.of(tls.cert), handler, metrics);
        client = HttpClient.newBuilder().sslContext(tls.clientContext()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static JsonNode validate(String review) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port()
                + "/validate")).header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(review)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).path("response");
    }

    static String podReview(String image) {
        return AdmissionServerTest.review("CREATE", "Pod", "", "prod", AdmissionServerTest.pod("p", image), null, null);
    }

    /** Item 3: however the pod spells the image, the policy that names it applies. */
    @ParameterizedTest
    @ValueSource(strings = {
        "REGISTRY.INTERNAL/team/app@" + DIGEST,
        "registry.internal:443/team/app@" + DIGEST,
        "registry.internal./team/app@" + DIGEST,
        "Registry.Internal:443/team/app:v1@" + DIGEST,
        "nginx@" + DIGEST,
        "docker.io/nginx@" + DIGEST,
        "docker.io/library/nginx:1.27@" + DIGEST,
        "index.docker.io/library/nginx@" + DIGEST,
        "registry-1.docker.io/library/nginx@" + DIGEST,
        "INDEX.DOCKER.IO:443/library/nginx@" + DIGEST})
    void validate_refusedImageSpelledAnotherWay_refused(String image) throws Exception {
        JsonNode r = validate(podReview(image));
        assertFalse(r.path("allowed").asBoolean(true), image + ": " + r);
        assertTrue(r.path("status").path("message").asText().contains("failed policy: refuse-"), r.toString());
    }

    /**
     * The control: other repositories, and look-alike hosts, are not caught by those policies (they get the default
     * no-match answer, a refusal that names no policy).
     */
    @ParameterizedTest
    @ValueSource(strings = {"registry.internal/other/app@" + DIGEST, "docker.io/library/redis@" + DIGEST,
        "registry.internal.evil/team/app@" + DIGEST, "evil.io/registry.internal/team/app@" + DIGEST})
    void validate_otherRepository_notCaughtByThosePolicies(String image) throws Exception {
        JsonNode r = validate(podReview(image));
        String message = r.path("status").path("message").asText();
        assertTrue(message.contains("no matching policies") && !message.contains("failed policy"), image + ": " + r);
    }

    /** Item 4: two pods whose hash codes collide ("Aa" and "BB") each get their own verdict, in either order. */
    @Test
    void validate_collidingHashCodes_ownVerdictEach() throws Exception {
        String image = "spec.internal/app@" + DIGEST;
        String good = AdmissionServerTest.pod("p", image).replace("\"spec\":{", "\"spec\":{\"x\":\"Aa\",");
        String bad = AdmissionServerTest.pod("p", image).replace("\"spec\":{", "\"spec\":{\"x\":\"BB\",");
        assertEquals("Aa".hashCode(), "BB".hashCode(), "the premise");
        for (int round = 0; round < 2; round++) {
            JsonNode g = validate(AdmissionServerTest.review("CREATE", "Pod", "", "prod", good, null, null));
            assertTrue(g.path("allowed").asBoolean(false), g.toString());
            JsonNode b = validate(AdmissionServerTest.review("CREATE", "Pod", "", "prod", bad, null, null));
            assertFalse(b.path("allowed").asBoolean(true), b.toString());
            assertTrue(b.path("status").path("message").asText().contains("spec-x"), b.toString());
        }
    }

    /** Item 2: every workload kind naming the refused image, and an image volume, is refused over HTTPS. */
    @Test
    void validate_everyWorkloadKindAndImageVolume_refused() throws Exception {
        String bad = "registry.internal/team/app@" + DIGEST;
        String good = "elsewhere.internal/app@" + DIGEST;
        for (Workloads.Kind k : Workloads.KINDS) {
            JsonNode c = validate(WorkloadCoverageTest.review(k, "CREATE", null,
                    WorkloadCoverageTest.object(k, WorkloadCoverageTest.podSpec(bad, null)), null));
            assertFalse(c.path("allowed").asBoolean(true), k.kind() + ": " + c);
            JsonNode v = validate(WorkloadCoverageTest.review(k, "CREATE", null,
                    WorkloadCoverageTest.object(k, WorkloadCoverageTest.podSpec(good, bad)), null));
            assertFalse(v.path("allowed").asBoolean(true), k.kind() + " image volume: " + v);
        }
    }
}
