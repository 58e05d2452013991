package dev.sigstack.gate.admission;

import dev.sigstack.gate.testing.TestPolicies;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.core.testing.Hostile;
import dev.sigstack.gate.testing.Cosign;
import dev.sigstack.gate.testing.TestTls;
import dev.sigstack.gate.verify.CompiledPolicy;
import dev.sigstack.gate.verify.PolicyEngine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated hostile AdmissionReviews over real HTTPS to the gate's /validate and /mutate: every answer is a 200 with
 * an AdmissionReview response carrying the request's uid (allowed or denied), or a 400 with a JSON error; never a
 * 5xx. Images under the policy's glob point at a closed loopback port (the registry is unreachable, which must fail
 * closed, and {@link #mustDeny} asserts it does: such a review is never allowed on /validate); others match no
 * policy, so no try leaves the machine.
 */
class AdmissionReviewPropertiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REG = "127.0.0.1:1";
    private static final String DIGEST = "sha256:" + "ab".repeat(32);
    private static AdmissionServer server;
    private static HttpClient client;
    private static TestTls tls;

    /** Every namespace is in scope. */
    static final class AllIncluded implements Cluster {
        @Override
        public java.util.Optional<Map<String, String>> namespaceLabels(String namespace) {
            return java.util.Optional.of(Map.of("policy.sigstore.dev/include", "true"));
        }

        @Override
        public void event(String namespace, String kind, String apiVersion, String name, String uid, String type,
                String reason, String message) {
        }
    }

    @BeforeContainer
    static void start() throws Exception {
        String policy = TestPolicies.keyPolicy("site-signed", REG + "/**", Cosign.ecKey().getPublic());
        List<CompiledPolicy> ps = TestPolicies.compile(policy);
        PolicyEngine engine = TestPolicies.engine(ps);
        tls = new TestTls();
        GateMetrics metrics = new GateMetrics();
        GateSettings settings = new GateSettings(GateSettings.Mutation.OFF, "policy.sigstore.dev/include",
                "sigstack.dev/break-glass", null);
        server = AdmissionServer.start("127.0.0.1", 0, tls.key.getPrivate(), List.of(tls.cert),
                new AdmissionHandler(engine, new AllIncluded(), settings, metrics), metrics);
        client = HttpClient.newBuilder().sslContext(tls.clientContext()).connectTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterContainer
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static List<byte[]> samples() {
        String pod = AdmissionServerTest.pod("web", REG + "/app@" + DIGEST, "docker.io/library/nginx@" + DIGEST);
        String debug = pod.replace("\"containers\":[", "\"ephemeralContainers\":[{\"name\":\"dbg\",\"image\":\""
                + REG + "/debug@" + DIGEST + "\"}],\"containers\":[");
        String deployment = """
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":{"a":"b"}},"spec":{
                 "template":{"metadata":{"labels":{"a":"b"}},"spec":{"imagePullSecrets":[{"name":"s"}],
                 "initContainers":[{"name":"i","image":"%s/app@%s"}],"containers":[{"name":"c","image":"other/x@%s"}],
                 "ephemeralContainers":[{"name":"e","image":"e/x@%s"}]}}}}""".formatted(REG, DIGEST, DIGEST, DIGEST);
        String cron = """
                {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"generateName":"cj-"},"spec":{
                 "jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"other/y@%s"}]}}}}}}"""
                .formatted(DIGEST);
        return List.of(
                AdmissionServerTest.review("CREATE", "Pod", "", "prod", pod, null, null).getBytes(StandardCharsets.UTF_8),
                AdmissionServerTest.review("UPDATE", "Deployment", "apps", "prod", deployment,
                        deployment.replace("\"d\"", "\"d2\""), null).getBytes(StandardCharsets.UTF_8),
                AdmissionServerTest.review("CREATE", "CronJob", "batch", "prod", cron, null, null)
                        .getBytes(StandardCharsets.UTF_8),
                AdmissionServerTest.review("UPDATE", "Pod", "", "prod", pod, pod, "ephemeralcontainers")
                        .getBytes(StandardCharsets.UTF_8),
                AdmissionServerTest.review("UPDATE", "Pod", "", "prod", debug, pod, "ephemeralcontainers")
                        .getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<byte[]> hostileReviews() {
        List<byte[]> s = samples();
        return Arbitraries.oneOf(Hostile.jsonMutations(s), Hostile.jsonMutations(s), Hostile.mutations(s));
    }

    private static JsonNode post(String path, byte[] body) {
        Object answer = Hostile.refusesCleanly(() -> client.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + server.port() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString()));
        HttpResponse<?> r = (HttpResponse<?>) answer;
        String text = (String) r.body();
        JsonNode json;
        try {
            json = JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("status " + r.statusCode() + " with a body that is not JSON: " + text, e);
        }
        Statistics.label(path).collect(r.statusCode() + (r.statusCode() != 200 ? ""
                : json.path("response").path("allowed").asBoolean() ? " allowed" : " denied"));
        if (r.statusCode() == 400) {
            assertTrue(json.path("error").isTextual() && !json.path("error").asText().isBlank(), text);
            return null;
        }
        assertEquals(200, r.statusCode(), text);
        assertEquals("AdmissionReview", json.path("kind").asText(), text);
        assertFalse(json.path("response").path("uid").asText().isEmpty(), text);
        return json;
    }

    /** Pod spec paths per request kind, as the gate (and policy-controller) reads them. */
    private static final Map<String, List<String>> POD_SPEC = Map.of("Pod", List.of("spec"),
            "ReplicaSet", List.of("spec", "template", "spec"), "Deployment", List.of("spec", "template", "spec"),
            "StatefulSet", List.of("spec", "template", "spec"), "DaemonSet", List.of("spec", "template", "spec"),
            "Job", List.of("spec", "template", "spec"),
            "CronJob", List.of("spec", "jobTemplate", "spec", "template", "spec"));

    /**
     * Whether the policy must refuse this review: it is a CREATE or UPDATE of a workload kind, with no sub-resource
     * or the ephemeralcontainers one (then only ephemeral containers count), not an UPDATE that leaves the pod spec
     * as it was, and one of its container images lies under the unreachable registry the policy's glob covers (such
     * an image either does not parse, or matches the policy and cannot be verified: denied either way). Every
     * namespace is in scope here.
     */
    static boolean mustDeny(byte[] body) {
        JsonNode request;
        try {
            request = JSON.readTree(body).path("request");
        } catch (java.io.IOException e) {
            return false;
        }
        String op = request.path("operation").asText("");
        List<String> path = POD_SPEC.get(request.path("kind").path("kind").asText(""));
        String sub = request.path("subResource").asText("");
        if (!(op.equals("CREATE") || op.equals("UPDATE")) || path == null
                || !sub.isEmpty() && !sub.equals("ephemeralcontainers")) {
            return false;
        }
        JsonNode spec = at(request.path("object"), path);
        if (op.equals("UPDATE") && sub.isEmpty()) {
            JsonNode old = at(request.path("oldObject"), path);
            if (old != null && old.equals(spec)) {
                return false;
            }
        }
        for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
            JsonNode cs = spec == null ? null : spec.get(list);
            if (cs == null || !cs.isArray() || !sub.isEmpty() && !list.equals("ephemeralContainers")) {
                continue;
            }
            for (JsonNode c : cs) {
                if (c.path("image").asText("").startsWith(REG + "/")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static JsonNode at(JsonNode n, List<String> path) {
        for (String p : path) {
            n = n == null ? null : n.get(p);
        }
        return n;
    }

    /**
     * Found by validate_arbitraryBytes_400Json: a request without an entity (an HTTP/2 POST with an empty body, where
     * no Content-Length is sent, or an HTTP/1.1 POST with neither Content-Length nor chunked encoding) reached
     * Helidon's empty entity, whose read throws IllegalStateException("No entity"): a plain-text 500.
     */
    @Example
    void validateAndMutate_postWithoutEntity_400Json() throws Exception {
        for (String path : List.of("/validate", "/mutate")) {
            javax.net.ssl.SSLSocketFactory f = tls.clientContext().getSocketFactory();
            try (java.net.Socket s = f.createSocket("127.0.0.1", server.port())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/json\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                String answer = readAnswer(s.getInputStream());
                assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
                assertTrue(answer.endsWith("{\"error\":\"malformed AdmissionReview: not an AdmissionReview request"
                        + " (no request.uid)\"}"), answer);
            }
        }
        post("/validate", new byte[0]); // Content-Length: 0 over HTTP/1.1, no Content-Length over HTTP/2
        post("/mutate", new byte[0]);
    }

    /** One HTTP/1.1 answer: head and a Content-Length body (the server may keep the connection open). */
    private static String readAnswer(java.io.InputStream in) throws java.io.IOException {
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(h);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Property(tries = 300)
    void validateAndMutate_mutatedReview_200ReviewOr400Json(@ForAll("hostileReviews") byte[] body) {
        JsonNode validated = post("/validate", body);
        if (validated != null && mustDeny(body)) {
            Statistics.label("must deny").collect(validated.path("response").path("allowed").asBoolean());
            assertFalse(validated.path("response").path("allowed").asBoolean(true),
                    "an image under the unreachable registry was admitted (fail open): " + validated);
        }
        post("/mutate", body);
    }

    /**
     * Found by validateAndMutate_mutatedReview_200ReviewOr400Json (seed -230494295718898960, 12 shrink steps): an
     * UPDATE whose pod spec changed only in imagePullSecrets (null, was [s]) with the image under the unreachable
     * registry unchanged.
     */
    @Example
    void validate_updateChangingOnlyPullSecrets_imageUnderUnreachableRegistry_denied() {
        byte[] body = ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"705ab4f5-6393-11e8-b7cc-42010a800002\",\"kind\":{\"group\":null,\"version\":\"v1\",\"kind\":\"Deployment\"},\"resource\":{\"group\":\"apps\",\"version\":\"v1\",\"resource\":\"deployments\"},\"requestKind\":{\"group\":\"apps\",\"version\":\"v1\",\"kind\":\"Deployment\"},\"name\":\"x\",\"namespace\":\"prod\",\"operation\":\"UPDATE\",\"userInfo\":{\"username\":\"alice@example.com\",\"groups\":[\"system:authenticated\"]},\"object\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\",\"labels\":{\"a\":\"b\"}},\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"}},\"spec\":{\"imagePullSecrets\":null,\"initContainers\":[{\"name\":\"i\",\"image\":\"127.0.0.1:1/app@sha256:abababababababababababababababababababababababababababababababab\"}],\"containers\":[{\"name\":\"c\",\"image\":\"other/x@sha256:abababababababababababababababababababababababababababababababab\"}],\"ephemeralContainers\":[{\"name\":\"e\",\"image\":\"e/x@sha256:abababababababababababababababababababababababababababababababab\"}]}}}},\"oldObject\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d2\",\"labels\":{\"a\":\"b\"}},\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"}},\"spec\":{\"imagePullSecrets\":[{\"name\":\"s\"}],\"initContainers\":[{\"name\":\"i\",\"image\":\"127.0.0.1:1/app@sha256:abababababababababababababababababababababababababababababababab\"}],\"containers\":[{\"name\":\"c\",\"image\":\"other/x@sha256:abababababababababababababababababababababababababababababababab\"}],\"ephemeralContainers\":[{\"name\":\"e\",\"image\":\"e/x@sha256:abababababababababababababababababababababababababababababababab\"}]}}}},\"dryRun\":false,\"options\":{\"apiVersion\":\"meta.k8s.io/v1\",\"kind\":\"CreateOptions\"}}}").getBytes(StandardCharsets.UTF_8);
        assertTrue(mustDeny(body), "the oracle's premise");
        JsonNode validated = post("/validate", body);
        assertFalse(validated.path("response").path("allowed").asBoolean(true), validated.toString());
    }

    /** The oracle's premise: the unmutated samples that carry an image under the registry are denied. */
    @Example
    void validate_samplesUnderUnreachableRegistry_denied() {
        int checked = 0;
        for (byte[] body : samples()) {
            if (mustDeny(body)) {
                checked++;
                assertFalse(post("/validate", body).path("response").path("allowed").asBoolean(true));
            }
        }
        assertTrue(checked >= 2, "the samples hold too few images under the registry: " + checked);
    }

    @Property(tries = 100)
    void validate_arbitraryBytes_400Json(@ForAll byte[] body) {
        post("/validate", body);
    }
}
