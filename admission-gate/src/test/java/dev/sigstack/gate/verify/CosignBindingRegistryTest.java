package dev.sigstack.gate.verify;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.gate.oci.RegistryClient;
import dev.sigstack.gate.oci.SignatureLayer;
import dev.sigstack.gate.oci.TestRegistry;
import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.testing.Cosign;
import dev.sigstack.gate.testing.MapEnvironment;
import dev.sigstack.gate.testing.TestCa;
import dev.sigstack.gate.testing.TestPolicies;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cosign-format path binds as cosign does: the signing certificate must allow code signing and must not be a CA,
 * and a Rekor entry counts only if it logs this signature, by this certificate or key, over this payload. Each case
 * is a crafted signature layer in a real registry; the SET over every crafted entry is valid (signed by the trusted
 * log key), so only the binding can refuse it.
 */
class CosignBindingRegistryTest {
    static TestRegistry reg;
    static final String SAN = KeylessRegistryTest.WORKFLOW + "refs/heads/main";

    @BeforeAll
    static void start() throws Exception {
        reg = TestRegistry.start(null, null, null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (reg != null) {
            reg.close();
        }
    }

    /** Builds the Rekor entry body for the signature being pushed. */
    interface Body {
        byte[] of(byte[] payload, byte[] sig, String signerPem) throws Exception;
    }

    static final Body HONEST = Cosign::hashedRekord;

    /** Pushes a keyless signature by {@code cert} (for {@code eph}) with a Rekor bundle over {@code body}. */
    static String keyless(String repo, KeyPair eph, X509Certificate cert, Instant t, Body body) throws Exception {
        String d = reg.pushImage(repo, "v1");
        byte[] payload = Cosign.simpleSigning(reg.host() + "/" + repo, d);
        byte[] sig = Cosign.sign(eph.getPrivate(), payload);
        String pem = TestCa.pem(cert);
        Map<String, String> ann = new LinkedHashMap<>();
        ann.put(SignatureLayer.ANN_SIGNATURE, Base64.getEncoder().encodeToString(sig));
        ann.put(SignatureLayer.ANN_CERTIFICATE, pem);
        ann.put(SignatureLayer.ANN_CHAIN, TestCa.pem(KeylessRegistryTest.CA.root));
        ann.put(SignatureLayer.ANN_BUNDLE, Cosign.rekorBundle(KeylessRegistryTest.REKOR, body.of(payload, sig, pem),
                t.plusSeconds(30).getEpochSecond(), 42));
        Cosign.push(reg, repo, d, ".sig", List.of(new Cosign.Layer(SignatureLayer.SIMPLE_SIGNING, payload, ann)));
        return reg.host() + "/" + repo + "@" + d;
    }

    /** The gate's errors for the image, "" when admitted. */
    static String verdict(String image) {
        PolicyEngine e = KeylessRegistryTest.engine(KeylessRegistryTest.POLICY.formatted(reg.host(), ""),
                KeylessRegistryTest.internalRoot());
        return e.validate(image, ResourceContext.pod("prod")).toString();
    }

    static void assertDenied(String verdict, String reason) {
        assertTrue(verdict.contains(reason), verdict);
    }

    @Test
    void keyless_honestEntry_admitted() throws Exception {
        Instant t = Instant.now().minus(Duration.ofHours(1));
        KeyPair eph = Cosign.ecKey();
        X509Certificate cert = KeylessRegistryTest.CA.issue(eph.getPublic(), SAN, KeylessRegistryTest.ISSUER, t);
        String v = verdict(keyless("team/bind-ok", eph, cert, t, HONEST));
        assertTrue(v.isEmpty(), v);
    }

    @Test
    void keyless_leafWithoutCodeSigningEku_denied() throws Exception {
        Instant t = Instant.now().minus(Duration.ofHours(1));
        KeyPair eph = Cosign.ecKey();
        X509Certificate cert = KeylessRegistryTest.CA.issue(eph.getPublic(), SAN, KeylessRegistryTest.ISSUER, t,
                false, false);
        assertDenied(verdict(keyless("team/bind-eku", eph, cert, t, HONEST)),
                "extended key usage does not include code signing");
    }

    @Test
    void keyless_caLeaf_denied() throws Exception {
        Instant t = Instant.now().minus(Duration.ofHours(1));
        KeyPair eph = Cosign.ecKey();
        X509Certificate cert = KeylessRegistryTest.CA.issue(eph.getPublic(), SAN, KeylessRegistryTest.ISSUER, t,
                true, true);
        assertDenied(verdict(keyless("team/bind-ca", eph, cert, t, HONEST)), "is a CA certificate");
    }

    /** The entry logs another signature (a second ECDSA signature of the same payload by the same key). */
    @Test
    void keyless_entryForAnotherSignature_denied() throws Exception {
        Instant t = Instant.now().minus(Duration.ofHours(1));
        KeyPair eph = Cosign.ecKey();
        X509Certificate cert = KeylessRegistryTest.CA.issue(eph.getPublic(), SAN, KeylessRegistryTest.ISSUER, t);
        assertDenied(verdict(keyless("team/bind-sig", eph, cert, t, (payload, sig, pem) -> Cosign.hashedRekord(
                payload, Cosign.sign(eph.getPrivate(), payload), pem))), "entry is for another signature");
    }

    /** The entry logs this signature and payload, but under another certificate (same key, another serial). */
    @Test
    void keyless_entryForAnotherCertificate_denied() throws Exception {
        Instant t = Instant.now().minus(Duration.ofHours(1));
        KeyPair eph = Cosign.ecKey();
        X509Certificate cert = KeylessRegistryTest.CA.issue(eph.getPublic(), SAN, KeylessRegistryTest.ISSUER, t);
        X509Certificate other = KeylessRegistryTest.CA.issue(eph.getPublic(), SAN, KeylessRegistryTest.ISSUER, t);
        assertDenied(verdict(keyless("team/bind-cert", eph, cert, t, (payload, sig, pem) -> Cosign.hashedRekord(
                payload, sig, TestCa.pem(other)))), "entry is for another certificate or key");
    }

    /** The entry logs this signature by this certificate, over another payload's hash. */
    @Test
    void keyless_entryForAnotherPayload_denied() throws Exception {
        Instant t = Instant.now().minus(Duration.ofHours(1));
        KeyPair eph = Cosign.ecKey();
        X509Certificate cert = KeylessRegistryTest.CA.issue(eph.getPublic(), SAN, KeylessRegistryTest.ISSUER, t);
        assertDenied(verdict(keyless("team/bind-payload", eph, cert, t, (payload, sig, pem) -> Cosign.hashedRekord(
                "another payload".getBytes(java.nio.charset.StandardCharsets.UTF_8), sig, pem))),
                "entry is for another payload");
    }

    /** A key authority: the entry must name the key that verified the signature, not another one. */
    @Test
    void key_entryForAnotherKey_denied_ownKeyAdmitted() throws Exception {
        KeyPair signer = Cosign.ecKey();
        KeyPair other = Cosign.ecKey();
        String policy = """
                apiVersion: policy.sigstore.dev/v1beta1
                kind: ClusterImagePolicy
                metadata: {name: key-tlog}
                spec:
                  images: [{glob: "%s/keyed/**"}]
                  authorities:
                  - key:
                      data: |
                %s
                    ctlog: {trustRootRef: internal}
                """.formatted(reg.host(), Cosign.pem(signer.getPublic()).indent(10).stripTrailing());
        PolicyEngine e = new PolicyEngine(new RegistryClient(RegistryClient.Options.defaults()), GateConfig::defaults,
                () -> TestPolicies.compile(policy), new MapEnvironment().trustRoot(KeylessRegistryTest.internalRoot(),
                        true), Clock.systemUTC(), Duration.ofMinutes(5));
        for (boolean honest : new boolean[] {true, false}) {
            String repo = "keyed/app-" + honest;
            String d = reg.pushImage(repo, "v1");
            byte[] payload = Cosign.simpleSigning(reg.host() + "/" + repo, d);
            byte[] sig = Cosign.sign(signer.getPrivate(), payload);
            String named = Cosign.pem((honest ? signer : other).getPublic());
            Map<String, String> ann = new LinkedHashMap<>();
            ann.put(SignatureLayer.ANN_SIGNATURE, Base64.getEncoder().encodeToString(sig));
            ann.put(SignatureLayer.ANN_BUNDLE, Cosign.rekorBundle(KeylessRegistryTest.REKOR,
                    Cosign.hashedRekord(payload, sig, named), Instant.now().getEpochSecond(), 9));
            Cosign.push(reg, repo, d, ".sig", List.of(new Cosign.Layer(SignatureLayer.SIMPLE_SIGNING, payload, ann)));
            String v = e.validate(reg.host() + "/" + repo + "@" + d, ResourceContext.pod("p")).toString();
            if (honest) {
                assertTrue(v.isEmpty(), v);
            } else {
                assertDenied(v, "entry is for another certificate or key");
            }
        }
    }
}
