package dev.sigstack.gate.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.gate.admission.AdmissionHandler;
import dev.sigstack.gate.admission.GateMetrics;
import dev.sigstack.gate.admission.GateSettings;
import dev.sigstack.gate.testing.TestPolicies;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The live namespace read behind a cache miss (issue 15 item 1) against fabric8's mock API server in expectation
 * mode: an answer is used, an error or an API server that does not answer within the deadline gives nothing, and the
 * review is then refused within the webhook's timeout.
 */
@EnableKubernetesMockClient
class KubeStateLiveReadTest {
    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void readNamespaceLabels_answerErrorOrHang_labelsOrNothingInTime() {
        server.expect().get().withPath("/api/v1/namespaces/prod").andReturn(200, new NamespaceBuilder()
                .withNewMetadata().withName("prod").addToLabels("policy.sigstore.dev/include", "true").endMetadata()
                .build()).always();
        server.expect().get().withPath("/api/v1/namespaces/broken").andReturn(500, "{}").always();
        server.expect().get().delay(30, TimeUnit.SECONDS).withPath("/api/v1/namespaces/slow").andReturn(200,
                new NamespaceBuilder().withNewMetadata().withName("slow").endMetadata().build()).always();
        // In the gate the client is warm (its informers run); a cold client's first call can take seconds on a
        // loaded machine, which this test is not about.
        client.namespaces().withName("prod").get();
        try (KubeState state = new KubeState(client, "cosign-system", "internal")) {
            assertEquals(Optional.of(Map.of("policy.sigstore.dev/include", "true")),
                    state.readNamespaceLabels("prod"));
            assertEquals(Optional.empty(), state.readNamespaceLabels("broken"));
            long start = System.nanoTime();
            assertEquals(Optional.empty(), state.readNamespaceLabels("slow"));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms < KubeState.LIVE_READ_DEADLINE.toMillis() + 2_000, "gave up after " + ms + " ms");
        }
    }

    @Test
    void validate_namespaceApiServerHangsOn_refusedWithinWebhookTimeout() throws Exception {
        server.expect().get().delay(30, TimeUnit.SECONDS).withPath("/api/v1/namespaces/slow").andReturn(200,
                new NamespaceBuilder().withNewMetadata().withName("slow").addToLabels("policy.sigstore.dev/include",
                        "true").endMetadata().build()).always();
        try (KubeState state = new KubeState(client, "cosign-system", "internal")) {
            AdmissionHandler h = new AdmissionHandler(TestPolicies.engine(List.of()), state, GateSettings.defaults(),
                    new GateMetrics());
            String review = """
                    {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u",
                     "kind":{"group":"","version":"v1","kind":"Pod"},"namespace":"slow","operation":"CREATE",
                     "object":{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"x.io/a:b"}]}},
                     "dryRun":true}}
                    """;
            long start = System.nanoTime();
            JsonNode r = new ObjectMapper().readTree(h.validate(review.getBytes(StandardCharsets.UTF_8)))
                    .path("response");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertFalse(r.path("allowed").asBoolean(), r.toString());
            assertTrue(r.path("status").path("message").asText().contains("namespace \"slow\" is not known"),
                    r.toString());
            assertTrue(ms < 10_000, "answered after " + ms + " ms (webhook timeout 10 s)");
        }
    }
}
