package dev.sigstack.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.gate.admission.ClientCertificateTest;
import dev.sigstack.gate.testing.Cosign;
import dev.sigstack.gate.testing.TestCa;
import dev.sigstack.gate.testing.TestTls;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code admission-gate serve --client-ca}: the option reaches the TLS server (issue 15 item 8). */
@EnableKubernetesMockClient(crud = true)
class GateMainClientCaTest {
    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void serve_clientCa_onlyTheApiServersCertificateIsAnswered(@TempDir Path dir) throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("prod")
                .addToLabels("policy.sigstore.dev/include", "true").endMetadata().build()).create();
        KeyPair caKey = Cosign.ecKey();
        X509Certificate ca = ClientCertificateTest.issue("CN=webhook-client-ca", caKey, "CN=webhook-client-ca", caKey,
                true);
        KeyPair apiKey = Cosign.ecKey();
        X509Certificate api = ClientCertificateTest.issue("CN=kube-apiserver", apiKey, "CN=webhook-client-ca", caKey,
                false);
        TestTls tls = new TestTls();
        Files.writeString(dir.resolve("tls.crt"), TestCa.pem(tls.cert));
        Files.writeString(dir.resolve("tls.key"), "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder()
                .encodeToString(tls.key.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        Files.writeString(dir.resolve("client-ca.pem"), TestCa.pem(ca));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        System.setProperty("kubernetes.master", client.getMasterUrl().toString());
        System.setProperty("kubernetes.trust.certificates", "true");
        System.setProperty("kubernetes.auth.tryKubeConfig", "false");
        System.setProperty("kubernetes.auth.tryServiceAccount", "false");
        int p = port;
        AtomicInteger exit = new AtomicInteger(-1);
        Thread gate = Thread.ofPlatform().daemon().start(() -> exit.set(new CommandLine(new GateMain()).execute("serve",
                "--host", "127.0.0.1", "--port", Integer.toString(p), "--tls-cert", dir.resolve("tls.crt").toString(),
                "--tls-key", dir.resolve("tls.key").toString(), "--default-trust-root", "internal",
                "--mutation", "off", "--client-ca", dir.resolve("client-ca.pem").toString())));
        try {
            long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            HttpResponse<String> r = null;
            while (r == null && System.nanoTime() < end) {
                assertTrue(gate.isAlive(), "admission-gate serve stopped with exit code " + exit.get());
                try {
                    r = ClientCertificateTest.post(ClientCertificateTest.client(tls, apiKey, List.of(api, ca)), port);
                } catch (IOException e) {
                    Thread.sleep(100); // not listening yet
                }
            }
            assertTrue(r != null, "the gate never answered the API server's certificate");
            assertEquals(200, r.statusCode(), r.body());
            assertThrows(IOException.class, () -> ClientCertificateTest.post(ClientCertificateTest.client(tls, null,
                    null), p), "no client certificate: refused at TLS");
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
