package dev.sigstack.gate.egress;

import dev.sigstack.gate.testing.TestPolicies;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.gate.admission.AdmissionHandler;
import dev.sigstack.gate.admission.AdmissionServer;
import dev.sigstack.gate.admission.Cluster;
import dev.sigstack.gate.admission.GateMetrics;
import dev.sigstack.gate.admission.GateSettings;
import dev.sigstack.gate.oci.TestRegistry;
import dev.sigstack.gate.testing.Cosign;
import dev.sigstack.gate.testing.TestTls;
import dev.sigstack.gate.verify.CompiledPolicy;
import dev.sigstack.gate.verify.PolicyEngine;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Run inside a network namespace with only loopback: lists interfaces, proves there is no route out, then starts a
 * registry, the gate over TLS, and decides a signed and an unsigned pod. Prints one line per fact; exit 0 on success.
 */
public final class ZeroEgressDemo {
    private ZeroEgressDemo() {
    }

    public static void main(String[] args) throws Exception {
        List<String> ifaces = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .map(NetworkInterface::getName).toList();
        System.out.println("INTERFACES " + ifaces);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("192.0.2.1", 443), 2000);
            System.out.println("EGRESS possible");
        } catch (java.io.IOException e) {
            System.out.println("EGRESS refused: " + e.getMessage());
        }
        KeyPair signer = Cosign.ecKey();
        try (TestRegistry reg = TestRegistry.start(null, null, null)) {
            String d = reg.pushImage("app/web", "v1");
            Cosign.push(reg, "app/web", d, ".sig", List.of(Cosign.signatureLayer(reg.host() + "/app/web", d,
                    signer.getPrivate(), Map.of())));
            String unsigned = reg.host() + "/app/tool@" + reg.pushImage("app/tool", "v1");
            String policy = TestPolicies.keyPolicy("site-signed", reg.host() + "/app/**", signer.getPublic());
            List<CompiledPolicy> ps = TestPolicies.compile(policy);
            PolicyEngine engine = TestPolicies.engine(ps);
            Cluster cluster = new Cluster() {
                @Override
                public java.util.Optional<Map<String, String>> namespaceLabels(String namespace) {
                    return java.util.Optional.of(Map.of("policy.sigstore.dev/include", "true"));
                }

                @Override
                public void event(String ns, String kind, String apiVersion, String name, String uid, String type,
                        String reason, String message) {
                    System.out.println("EVENT " + reason);
                }
            };
            TestTls tls = new TestTls();
            GateMetrics metrics = new GateMetrics();
            try (AdmissionServer server = AdmissionServer.start("127.0.0.1", 0, tls.key.getPrivate(),
                    List.of(tls.cert), new AdmissionHandler(engine, cluster, new GateSettings(GateSettings.Mutation.OFF,
                            "policy.sigstore.dev/include", "sigstack.dev/break-glass", null), metrics), metrics)) {
                HttpClient client = HttpClient.newBuilder().sslContext(tls.clientContext()).build();
                for (String image : List.of(reg.host() + "/app/web@" + d, unsigned)) {
                    String review = """
                            {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1",
                             "kind":{"group":"","version":"v1","kind":"Pod"},"namespace":"prod","operation":"CREATE",
                             "object":{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"%s"}]}}}}
                            """.formatted(image);
                    String body = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port()
                            + "/validate")).POST(HttpRequest.BodyPublishers.ofString(review)).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    System.out.println("DECISION " + image + " allowed=" + new ObjectMapper().readTree(body)
                            .path("response").path("allowed").asBoolean());
                }
            }
        }
        System.exit(0);
    }
}
