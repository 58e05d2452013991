package dev.sigstack.gate.verify;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.gate.oci.SignatureLayer;
import dev.sigstack.gate.oci.TestRegistry;
import dev.sigstack.gate.testing.Cosign;
import dev.sigstack.gate.testing.TestCa;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
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
 * Attestations (.att, DSSE) in the cosign format: the Rekor entry counts only if it names this attestation's payload
 * and, among its envelope signatures, this signature by this certificate (intoto v0.0.2 and dsse v0.0.1 bodies as
 * Rekor stores them). Every crafted entry carries a valid SET, so only the binding can refuse it.
 */
class CosignAttestationBindingRegistryTest {
    static TestRegistry reg;
    static final String PREDICATE = "https://cosign.sigstore.dev/attestation/v1";

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

    /** The Rekor entry body for the attestation being pushed. */
    interface Body {
        byte[] of(byte[] statement, byte[] sig, String certPem, String otherCertPem) throws Exception;
    }

    /** A dsse v0.0.1 body as Rekor stores it: payload hash, and each signature with its verifier's PEM (base64). */
    static byte[] dsseEntry(byte[] statement, byte[] sig, String signerPem) {
        ObjectNode e = Cosign.JSON.createObjectNode();
        e.put("apiVersion", "0.0.1");
        e.put("kind", "dsse");
        ObjectNode spec = e.putObject("spec");
        spec.putObject("payloadHash").put("algorithm", "sha256").put("value",
                dev.sigstack.gate.oci.Digests.sha256(statement).substring(7));
        spec.putArray("signatures").addObject().put("signature", Base64.getEncoder().encodeToString(sig))
                .put("verifier", Base64.getEncoder().encodeToString(signerPem.getBytes(StandardCharsets.UTF_8)));
        return Cosign.bytes(e);
    }

    static String verdict(String repo, Body body) throws Exception {
        Instant t = Instant.now().minus(Duration.ofHours(1));
        String d = reg.pushImage(repo, "v1");
        KeyPair eph = Cosign.ecKey();
        X509Certificate cert = KeylessRegistryTest.CA.issue(eph.getPublic(), CosignBindingRegistryTest.SAN,
                KeylessRegistryTest.ISSUER, t);
        X509Certificate other = KeylessRegistryTest.CA.issue(eph.getPublic(), CosignBindingRegistryTest.SAN,
                KeylessRegistryTest.ISSUER, t);
        byte[] st = Cosign.statement(reg.host() + "/" + repo, d, PREDICATE,
                Cosign.JSON.readTree("{\"Data\":\"hello\"}"));
        Cosign.Layer att = Cosign.attestationLayer(st, eph.getPrivate(), Map.of());
        Map<String, String> ann = new LinkedHashMap<>(att.annotations());
        ann.put(SignatureLayer.ANN_CERTIFICATE, TestCa.pem(cert));
        ann.put(SignatureLayer.ANN_CHAIN, TestCa.pem(KeylessRegistryTest.CA.root));
        ann.put(SignatureLayer.ANN_BUNDLE, Cosign.rekorBundle(KeylessRegistryTest.REKOR, body.of(st,
                Cosign.envelopeSignature(att), TestCa.pem(cert), TestCa.pem(other)), t.plusSeconds(30).getEpochSecond(),
                43));
        Cosign.push(reg, repo, d, ".att", List.of(new Cosign.Layer(att.mediaType(), att.blob(), ann)));
        String policy = KeylessRegistryTest.POLICY.formatted(reg.host(), "")
                + "    attestations:\n    - name: custom\n      predicateType: " + PREDICATE + "\n";
        PolicyEngine e = KeylessRegistryTest.engine(policy, KeylessRegistryTest.internalRoot());
        return e.validate(reg.host() + "/" + repo + "@" + d, ResourceContext.pod("prod")).toString();
    }

    @Test
    void intoto_honestEntry_admitted() throws Exception {
        String v = verdict("team/att-ok", (st, sig, cert, other) -> Cosign.intotoEntry(st, sig, cert));
        assertTrue(v.isEmpty(), v);
    }

    @Test
    void dsse_honestEntry_admitted() throws Exception {
        String v = verdict("team/att-dsse-ok", (st, sig, cert, other) -> dsseEntry(st, sig, cert));
        assertTrue(v.isEmpty(), v);
    }

    @Test
    void intoto_entryForAnotherCertificate_denied() throws Exception {
        String v = verdict("team/att-cert", (st, sig, cert, other) -> Cosign.intotoEntry(st, sig, other));
        assertTrue(v.contains("entry is for another signature, certificate or key"), v);
    }

    @Test
    void dsse_entryForAnotherSignature_denied() throws Exception {
        String v = verdict("team/att-sig", (st, sig, cert, other) -> dsseEntry(st, new byte[] {1, 2, 3}, cert));
        assertTrue(v.contains("entry is for another signature, certificate or key"), v);
    }

    @Test
    void intoto_entryForAnotherAttestation_denied() throws Exception {
        String v = verdict("team/att-payload", (st, sig, cert, other) -> Cosign.intotoEntry(
                "{}".getBytes(StandardCharsets.UTF_8), sig, cert));
        assertTrue(v.contains("entry is for another attestation"), v);
    }
}
