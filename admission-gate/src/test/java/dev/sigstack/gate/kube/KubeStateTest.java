package dev.sigstack.gate.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.testing.Cosign;
import dev.sigstack.gate.verify.CompiledPolicy;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Informers against fabric8's mock API server in CRUD mode (no real API server can run here). */
@EnableKubernetesMockClient(crud = true)
class KubeStateTest {
    KubernetesClient client;

    static void await(BooleanSupplier c, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    static GenericKubernetesResource resource(String yaml) {
        return Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    }

    @Test
    void informers_policiesTrustRootsSecretsNamespacesConfig_followTheCluster() throws Exception {
        try (KubeState state = new KubeState(client, "cosign-system", "internal").start()) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("prod")
                    .addToLabels("policy.sigstore.dev/include", "true").endMetadata().build()).create();
            await(() -> "true".equals(state.namespaceLabels("prod").orElse(Map.of()).get("policy.sigstore.dev/include")), "ns labels");

            client.secrets().inNamespace("cosign-system").resource(new SecretBuilder().withNewMetadata()
                    .withName("signing-key").endMetadata().addToData("cosign.pub", Base64.getEncoder()
                            .encodeToString(Cosign.pem(Cosign.ecKey().getPublic()).getBytes())).build()).create();
            await(() -> state.secret("cosign-system", "signing-key").isPresent(), "secret");
            assertTrue(state.secret("other", "signing-key").isEmpty(), "secrets only from the gate's namespace");

            client.genericKubernetesResources(KubeState.CIP).resource(resource("""
                    apiVersion: policy.sigstore.dev/v1beta1
                    kind: ClusterImagePolicy
                    metadata: {name: good}
                    spec:
                      images: [{glob: "registry.local/**"}]
                      authorities: [{static: {action: pass}}]
                    """)).create();
            client.genericKubernetesResources(KubeState.CIP).resource(resource("""
                    apiVersion: policy.sigstore.dev/v1beta1
                    kind: ClusterImagePolicy
                    metadata: {name: broken}
                    spec:
                      images: [{glob: "registry.local/**"}]
                      authorities: []
                    """)).create();
            await(() -> state.get().size() == 2, "two policies");
            CompiledPolicy broken = state.get().stream().filter(p -> p.name().equals("broken")).findFirst()
                    .orElseThrow();
            assertEquals("fail", broken.policy().spec().authorities().get(0).staticRef().action());
            assertTrue(broken.policy().spec().authorities().get(0).staticRef().message().contains(
                    "missing field(s): spec.authorities"));

            // fail-on-empty-authorities: false makes the empty policy loadable.
            client.configMaps().inNamespace("cosign-system").resource(new ConfigMapBuilder().withNewMetadata()
                    .withName("config-policy-controller").endMetadata().addToData("no-match-policy", "warn")
                    .addToData("fail-on-empty-authorities", "false").build()).create();
            await(() -> state.config().noMatchPolicy() == GateConfig.NoMatchPolicy.WARN, "config");
            await(() -> state.get().stream().filter(p -> p.name().equals("broken")).findFirst().orElseThrow()
                    .policy().spec().authorities().isEmpty(), "reloaded policy");

            client.genericKubernetesResources(KubeState.TRUST_ROOT).resource(resource("""
                    apiVersion: policy.sigstore.dev/v1alpha1
                    kind: TrustRoot
                    metadata: {name: internal}
                    spec:
                      sigstoreKeys:
                        tLogs:
                        - baseURL: https://rekor.internal
                          hashAlgorithm: sha-256
                          publicKey: %s
                    """.formatted(Base64.getEncoder().encodeToString(Cosign.pem(Cosign.ecKey().getPublic())
                    .getBytes())))).create();
            await(() -> state.trustRoot(null).isPresent(), "default trust root");
            assertEquals(1, state.trustRoot("internal").orElseThrow().tlogKeys().size());

            client.genericKubernetesResources(KubeState.CIP).withName("good").delete();
            await(() -> state.get().size() == 1, "deleted policy");
        }
    }

    @Test
    void event_recordedOnWorkload() throws Exception {
        try (KubeState state = new KubeState(client, "cosign-system", "internal")) {
            state.event("prod", "Pod", "v1", "web", "", "Warning", "PolicyDenied", "validation failed: x");
            await(() -> !client.v1().events().inNamespace("prod").list().getItems().isEmpty(), "event");
            List<Event> events = client.v1().events().inNamespace("prod").list().getItems();
            Event e = events.get(0);
            assertEquals("PolicyDenied", e.getReason());
            assertEquals("Warning", e.getType());
            assertEquals("web", e.getInvolvedObject().getName());
            assertEquals("Pod", e.getInvolvedObject().getKind());
            assertEquals(Map.of(), Map.of());
        }
    }

    @Test
    void event_apiServerThatNeverAnswers_queueStaysBoundedAndDecisionsAreNotHeld() throws Exception {
        // an "API server" that accepts connections and never answers: every Event the gate sends hangs
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                KubernetesClient slow = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                        new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl("http://127.0.0.1:"
                                + silent.getLocalPort()).withRequestTimeout(60_000).withRequestRetryBackoffLimit(0)
                                .build()).build();
                KubeState state = new KubeState(slow, "cosign-system", "internal")) {
            int n = KubeState.EVENT_QUEUE + 500;
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                state.event("prod", "Pod", "v1", "web-" + i, "", "Warning", "PolicyDenied", "validation failed");
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            // one Event is in flight, EVENT_QUEUE wait; the rest are dropped and counted, and event() never blocks
            assertTrue(state.droppedEvents() >= n - KubeState.EVENT_QUEUE - 1, "dropped " + state.droppedEvents());
            assertTrue(millis < 5_000, "event() took " + millis + " ms for " + n + " Events");
        }
    }
}
