package dev.sigstack.gate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.gate.kube.KubeState;
import dev.sigstack.gate.testing.TestCa;
import dev.sigstack.gate.testing.TestTls;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code admission-gate serve} end to end: informers on the mock API server, webhook over TLS. */
@EnableKubernetesMockClient(crud = true)
class GateMainServeTest {
    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void serve_policyFromApiServer_enforcedOverTls(@TempDir Path dir) throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("prod")
                .addToLabels("policy.sigstore.dev/include", "true").endMetadata().build()).create();
        client.genericKubernetesResources(KubeState.CIP).resource(Serialization.unmarshal("""
                apiVersion: policy.sigstore.dev/v1beta1
                kind: ClusterImagePolicy
                metadata: {name: freeze}
                spec:
                  images: [{glob: "**"}]
                  authorities: [{static: {action: fail, message: change freeze}}]
                """, GenericKubernetesResource.class)).create();
        TestTls tls = new TestTls();
        Files.writeString(dir.resolve("tls.crt"), TestCa.pem(tls.cert));
        Files.writeString(dir.resolve("tls.key"), "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder()
                .encodeToString(tls.key.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        System.setProperty("kubernetes.master", client.getMasterUrl().toString());
        System.setProperty("kubernetes.trust.certificates", "true");
        System.setProperty("kubernetes.auth.tryKubeConfig", "false");
        System.setProperty("kubernetes.auth.tryServiceAccount", "false");
        int p = port;
        java.util.concurrent.atomic.AtomicInteger exit = new java.util.concurrent.atomic.AtomicInteger(-1);
        Thread gate = Thread.ofPlatform().daemon().start(() -> exit.set(new CommandLine(new GateMain()).execute("serve",
                "--host", "127.0.0.1", "--port", Integer.toString(p), "--tls-cert", dir.resolve("tls.crt").toString(),
                "--tls-key", dir.resolve("tls.key").toString(), "--default-trust-root", "internal",
                "--mutation", "off")));
        try {
            HttpClient http = HttpClient.newBuilder().sslContext(tls.clientContext()).build();
            String review = """
                    {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1",
                     "kind":{"group":"","version":"v1","kind":"Pod"},"namespace":"prod","operation":"CREATE",
                     "object":{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c",
                     "image":"registry.internal/app@sha256:%s"}]}}}}""".formatted("e".repeat(64));
            // generous: on a loaded 2-CPU machine the informers' first sync can take long; a gate that stopped
            // (e.g. its port taken between choosing and binding it) fails at once with its exit code
            long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            JsonNode r = null;
            while (System.nanoTime() < end) {
                assertTrue(gate.isAlive(), "admission-gate serve stopped with exit code " + exit.get());
                try {
                    String body = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                            + "/validate")).POST(HttpRequest.BodyPublishers.ofString(review)).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    r = new ObjectMapper().readTree(body).path("response");
                    if (!r.path("allowed").asBoolean(true)) {
                        break;
                    }
                } catch (java.io.IOException e) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
            assertTrue(r != null, "the gate never answered");
            assertFalse(r.path("allowed").asBoolean(), r.toString());
            assertTrue(r.path("status").path("message").asText().contains("disallowed by static policy: change freeze"),
                    r.toString());
        } finally {
            gate.interrupt();
            gate.join(10_000);
            for (String k : new String[] {"kubernetes.master", "kubernetes.trust.certificates",
                "kubernetes.auth.tryKubeConfig", "kubernetes.auth.tryServiceAccount"}) {
                System.clearProperty(k);
            }
        }
    }
}
