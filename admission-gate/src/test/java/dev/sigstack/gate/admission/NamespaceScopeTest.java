package dev.sigstack.gate.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.gate.kube.KubeState;
import dev.sigstack.gate.testing.TestPolicies;
import dev.sigstack.gate.testing.TestTls;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 item 1 against fabric8's mock API server (CRUD mode) with the chart's own webhook configuration: the
 * chart decides which requests the API server sends (its rules and namespaceSelector), the gate gets the selector the
 * chart gives it, and it reads namespaces through the informer and, on a miss, live. The gate is served over HTTPS.
 * The mock server does not call webhooks itself, so {@link RenderedChart#dispatch} stands in for kube-apiserver's
 * webhook matching.
 */
@EnableKubernetesMockClient(crud = true)
class NamespaceScopeTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BAD = WorkloadCoverageTest.BAD;
    static final String GOOD = WorkloadCoverageTest.GOOD;
    static final String INCLUDE = "policy.sigstore.dev/include";
    static final TestTls TLS = new TestTls();
    static final HttpClient HTTP = HttpClient.newBuilder().sslContext(TLS.clientContext())
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path work;
    static RenderedChart optIn;
    static RenderedChart optOut;

    KubernetesClient client;
    KubeState state;
    AdmissionServer server;

    @BeforeAll
    static void render() throws Exception {
        assumeTrue(RenderedChart.chartDir() != null, "no helm/admission-gate in this checkout");
        optIn = RenderedChart.render(work, "");
        optOut = RenderedChart.render(work, """
                webhook:
                  namespaceSelector:
                    matchExpressions:
                      - {key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}
                """);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (state != null) {
            state.close();
        }
    }

    /** The gate as the chart configures it, on this mock API server; informers started or not. */
    void gate(RenderedChart chart, boolean informers) {
        state = new KubeState(client, "cosign-system", "internal");
        if (informers) {
            state.start();
        }
        GateSettings settings = new GateSettings(GateSettings.Mutation.OFF, INCLUDE, "sigstack.dev/break-glass", null,
                chart.gateSelector());
        GateMetrics metrics = new GateMetrics();
        server = AdmissionServer.start("127.0.0.1", 0, TLS.key.getPrivate(), List.of(TLS.cert),
                new AdmissionHandler(TestPolicies.engine(WorkloadCoverageTest.POLICIES), state, settings, metrics),
                metrics);
    }

    void namespace(String name, Map<String, String> labels) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).addToLabels(labels)
                .endMetadata().build()).create();
    }

    static String podJson(String name, String namespace, String image) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\""
                + namespace + "\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"" + image + "\"}]}}";
    }

    static String review(String op, String subResource, String namespace, String object, String oldObject) {
        return """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
                 "uid":"u-1","kind":{"group":"","version":"v1","kind":"Pod"},
                 "resource":{"group":"","version":"v1","resource":"pods"},%s
                 "name":"p","namespace":"%s","operation":"%s","userInfo":{"username":"alice"},
                 "object":%s,"oldObject":%s,"dryRun":true}}
                """.formatted(subResource == null ? "" : "\"subResource\":\"" + subResource + "\",", namespace, op,
                object, oldObject == null ? "null" : oldObject);
    }

    /**
     * What the API server does with a pod request: sends it to every webhook the chart registered for it (mutating,
     * then validating) and admits it when all allow. Returns the validating answer, or null when no webhook applies.
     */
    JsonNode apiServer(RenderedChart chart, String resource, String op, String subResource, String namespace,
            String object, String oldObject) throws Exception {
        Map<String, String> labels = client.namespaces().withName(namespace).get() == null ? Map.of()
                : client.namespaces().withName(namespace).get().getMetadata().getLabels();
        List<String> paths = chart.dispatch("", "v1", resource, op, namespace, labels == null ? Map.of() : labels);
        JsonNode last = null;
        for (String path : paths) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port()
                    + path)).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(review(op, subResource, namespace, object, oldObject)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            last = JSON.readTree(r.body()).path("response");
            if (!last.path("allowed").asBoolean()) {
                return last;
            }
        }
        return last;
    }

    static void await(BooleanSupplier c, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void validate_newLabelledNamespaceAndPod_informerHasNotSeenIt_verifiedNotAdmitted() throws Exception {
        gate(optIn, false); // no informer: every namespace is a cache miss, as right after a one-shot apply
        namespace("prod-new", Map.of(INCLUDE, "true"));
        assertTrue(state.namespaceLabels("prod-new").isEmpty(), "premise: the gate has not seen the namespace");
        JsonNode r = apiServer(optIn, "pods", "CREATE", null, "prod-new", podJson("p", "prod-new", BAD), null);
        assertFalse(r.path("allowed").asBoolean(), r.toString());
        assertTrue(r.path("status").path("message").asText().contains("failed policy: refuse-internal"),
                r.toString());
        JsonNode ok = apiServer(optIn, "pods", "CREATE", null, "prod-new", podJson("p", "prod-new", GOOD), null);
        assertTrue(ok.path("allowed").asBoolean(), ok.toString());

        // A namespace read live and found out of scope is skipped, not refused.
        namespace("dev-new", Map.of());
        JsonNode out = JSON.readTree(new AdmissionHandler(TestPolicies.engine(WorkloadCoverageTest.POLICIES), state,
                new GateSettings(GateSettings.Mutation.OFF, INCLUDE, "sigstack.dev/break-glass", null,
                        optIn.gateSelector()), new GateMetrics()).validate(review("CREATE", null, "dev-new",
                podJson("p", "dev-new", BAD), null).getBytes())).path("response");
        assertTrue(out.path("allowed").asBoolean(), out.toString());
    }

    @Test
    void validate_namespaceAndPodInOneApply_withInformers_neverAdmittedUnverified() throws Exception {
        gate(optIn, true);
        for (int i = 0; i < 10; i++) {
            String ns = "burst-" + i;
            namespace(ns, Map.of(INCLUDE, "true"));
            JsonNode r = apiServer(optIn, "pods", "CREATE", null, ns, podJson("p", ns, BAD), null);
            assertFalse(r.path("allowed").asBoolean(), ns + ": " + r);
        }
    }

    @Test
    void validate_namespaceNeitherSeenNorReadable_refused() throws Exception {
        gate(optIn, false);
        JsonNode r = JSON.readTree(server == null ? null : new AdmissionHandler(TestPolicies.engine(
                WorkloadCoverageTest.POLICIES), state, new GateSettings(GateSettings.Mutation.OFF, INCLUDE,
                "sigstack.dev/break-glass", null, optIn.gateSelector()), new GateMetrics()).validate(review("CREATE",
                null, "ghost", podJson("p", "ghost", GOOD), null).getBytes())).path("response");
        assertFalse(r.path("allowed").asBoolean(), r.toString());
        assertTrue(r.path("status").path("message").asText().contains("namespace \"ghost\" is not known"),
                r.toString());
    }

    @Test
    void validate_optOutSelector_unlabelledNamespaceEnforced() throws Exception {
        gate(optOut, true);
        namespace("team-a", Map.of());
        namespace("kube-system", Map.of());
        await(() -> state.namespaceLabels("team-a").isPresent() && state.namespaceLabels("kube-system").isPresent(),
                "the informer sees both namespaces");
        JsonNode r = apiServer(optOut, "pods", "CREATE", null, "team-a", podJson("p", "team-a", BAD), null);
        assertFalse(r.path("allowed").asBoolean(), "opt-out selector enforces: " + r);
        assertEquals(List.of(), optOut.dispatch("", "v1", "pods", "CREATE", "kube-system", Map.of()),
                "kube-system is excluded by the chart");
        // Break-glass is never enforced, even where the selector would select it (audit webhook only).
        namespace("sigstack-break-glass", Map.of("sigstack.dev/break-glass", "true", INCLUDE, "false"));
        JsonNode bg = apiServer(optOut, "pods", "CREATE", null, "sigstack-break-glass",
                podJson("fix", "sigstack-break-glass", BAD), null);
        assertTrue(bg.path("allowed").asBoolean(), bg.toString());
        assertEquals(List.of("/validate"), optOut.dispatch("", "v1", "pods", "CREATE", "sigstack-break-glass",
                Map.of("sigstack.dev/break-glass", "true", INCLUDE, "false")), "the audit webhook only");
    }

    @Test
    void validate_kubectlDebug_ephemeralContainersThroughChartRules_refused() throws Exception {
        gate(optIn, true);
        namespace("prod", Map.of(INCLUDE, "true"));
        Pod created = client.pods().inNamespace("prod").resource(Serialization.unmarshal(podJson("web", "prod", GOOD),
                Pod.class)).create();
        String before = Serialization.asJson(created);
        // kubectl debug -it web --image=<BAD> --target=c: an UPDATE of pods/ephemeralcontainers.
        ObjectNode after = (ObjectNode) JSON.readTree(before);
        ((ObjectNode) after.get("spec")).putArray("ephemeralContainers").addObject().put("name", "debugger")
                .put("image", BAD).put("targetContainerName", "c").put("stdin", true).put("tty", true);
        assertEquals(List.of("/mutate", "/validate"), optIn.dispatch("", "v1", "pods/ephemeralcontainers", "UPDATE",
                "prod", Map.of(INCLUDE, "true")), "the chart sends kubectl debug to the gate");
        JsonNode r = apiServer(optIn, "pods/ephemeralcontainers", "UPDATE", Workloads.EPHEMERAL, "prod",
                after.toString(), before);
        assertFalse(r.path("allowed").asBoolean(), r.toString());
        assertTrue(r.path("status").path("message").asText().contains("spec.ephemeralContainers[0].image"),
                r.toString());
        ((ObjectNode) after.get("spec").get("ephemeralContainers").get(0)).put("image", GOOD);
        JsonNode ok = apiServer(optIn, "pods/ephemeralcontainers", "UPDATE", Workloads.EPHEMERAL, "prod",
                after.toString(), before);
        assertTrue(ok.path("allowed").asBoolean(), ok.toString());
    }
}
