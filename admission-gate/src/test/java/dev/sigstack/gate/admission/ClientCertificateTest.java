package dev.sigstack.gate.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.gate.oci.RegistryCredentials;
import dev.sigstack.gate.testing.Cosign;
import dev.sigstack.gate.testing.TestPolicies;
import dev.sigstack.gate.testing.TestTls;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 item 8: with {@code --client-ca}, only a client presenting a certificate from that CA (the API server, through
 * its AdmissionConfiguration kubeconfig) gets a review answered; anyone else fails at the TLS handshake, before the
 * handler sees a byte.
 */
public class ClientCertificateTest {
    static final ObjectMapper JSON = new ObjectMapper();

    public static X509Certificate issue(String subject, KeyPair key, String issuer, KeyPair issuerKey, boolean ca)
            throws Exception {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(
                System.nanoTime()), Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))),
                new X500Name(subject), SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded()));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(issuerKey.getPrivate())));
    }

    /** A client trusting the gate's certificate and presenting {@code cert}, or no certificate when null. */
    public static HttpClient client(TestTls gate, KeyPair key, List<X509Certificate> chain) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("gate", gate.cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (key != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", key.getPrivate(), "pw".toCharArray(), chain.toArray(X509Certificate[]::new));
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "pw".toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
    }

    public static HttpResponse<String> post(HttpClient c, int port) throws Exception {
        String review = """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1",
                 "kind":{"group":"","version":"v1","kind":"Pod"},"namespace":"prod","operation":"CREATE",
                 "userInfo":{"username":"system:forged"},
                 "object":{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"x/y@sha256:%s"}]}}}}"""
                .formatted("7".repeat(64));
        return c.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/validate"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(review)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void validate_clientCaRequired_onlyTheApiServersCertificateIsAnswered() throws Exception {
        KeyPair caKey = Cosign.ecKey();
        X509Certificate ca = issue("CN=webhook-client-ca", caKey, "CN=webhook-client-ca", caKey, true);
        KeyPair apiKey = Cosign.ecKey();
        X509Certificate api = issue("CN=kube-apiserver-webhook-client", apiKey, "CN=webhook-client-ca", caKey, false);
        KeyPair strangerKey = Cosign.ecKey();
        X509Certificate stranger = issue("CN=kube-apiserver-webhook-client", strangerKey, "CN=webhook-client-ca",
                strangerKey, false); // same names, not issued by the CA
        AtomicInteger reviews = new AtomicInteger();
        Cluster cluster = new Cluster() {
            @Override
            public java.util.Optional<Map<String, String>> namespaceLabels(String namespace) {
                reviews.incrementAndGet();
                return java.util.Optional.of(Map.of("policy.sigstore.dev/include", "true"));
            }

            @Override
            public RegistryCredentials pullSecrets(String namespace, List<String> names) {
                return RegistryCredentials.anonymous();
            }

            @Override
            public void event(String ns, String kind, String apiVersion, String name, String uid, String type,
                    String reason, String message) {
            }
        };
        TestTls tls = new TestTls();
        try (AdmissionServer server = AdmissionServer.start("127.0.0.1", 0, tls.key.getPrivate(), List.of(tls.cert),
                List.of(ca), new AdmissionHandler(TestPolicies.engine(List.of()), cluster, GateSettings.defaults(),
                        new GateMetrics()), null, new GateMetrics())) {
            assertThrows(IOException.class, () -> post(client(tls, null, null), server.port()),
                    "no client certificate: refused at TLS");
            assertThrows(IOException.class, () -> post(client(tls, strangerKey, List.of(stranger)), server.port()),
                    "a certificate from another issuer: refused at TLS");
            assertEquals(0, reviews.get(), "the handler saw no forged review");
            HttpResponse<String> r = post(client(tls, apiKey, List.of(api, ca)), server.port());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(JSON.readTree(r.body()).path("response").has("allowed"), r.body());
            assertEquals(1, reviews.get());
        }
    }

    @Test
    void validate_noClientCaConfigured_anyClientIsAnswered() throws Exception {
        TestTls tls = new TestTls();
        try (AdmissionServer server = AdmissionServer.start("127.0.0.1", 0, tls.key.getPrivate(), List.of(tls.cert),
                new AdmissionHandler(TestPolicies.engine(List.of()), new AdmissionServerTest.FakeCluster(),
                        GateSettings.defaults(), new GateMetrics()), new GateMetrics())) {
            assertEquals(200, post(client(tls, null, null), server.port()).statusCode(),
                    "the trade-off without --client-ca: whoever reaches the port is answered");
        }
    }
}
