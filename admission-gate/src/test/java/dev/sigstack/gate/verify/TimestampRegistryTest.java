package dev.sigstack.gate.verify;

import dev.sigstack.gate.testing.TestPolicies;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.gate.oci.RegistryClient;
import dev.sigstack.gate.oci.SignatureLayer;
import dev.sigstack.gate.oci.TestRegistry;
import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.testing.Cosign;
import dev.sigstack.gate.testing.MapEnvironment;
import dev.sigstack.gate.testing.TestCa;
import dev.sigstack.gate.testing.TestTsa;
import java.security.KeyPair;
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

/** {@code rfc3161timestamp}: a TSA timestamp instead of the log gives the signing time (policy-controller's TSA mode). */
class TimestampRegistryTest {
    static TestRegistry reg;
    static final TestCa CA = new TestCa("tsa-case-ca");
    static final TestTsa TSA = new TestTsa();
    static final String SUBJECT = "https://git.internal/team/app/.ci/release.yml@refs/heads/main";

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

    static PolicyEngine engine() {
        String policy = """
                apiVersion: policy.sigstore.dev/v1beta1
                kind: ClusterImagePolicy
                metadata: {name: tsa}
                spec:
                  images: [{glob: "%s/**"}]
                  authorities:
                  - keyless:
                      identities: [{issuer: https://oidc.internal, subject: "%s"}]
                    rfc3161timestamp: {trustRootRef: internal}
                """.formatted(reg.host(), SUBJECT);
        List<CompiledPolicy> ps = TestPolicies.compile(policy);
        MapEnvironment env = new MapEnvironment().trustRoot(new TrustedMaterial("internal", "1", List.of(CA.root),
                List.of(CA.ctKey.getPublic()), List.of(), List.of(TSA.leaf, TSA.root)), true);
        return new PolicyEngine(new RegistryClient(RegistryClient.Options.defaults()), GateConfig::defaults, () -> ps,
                env, Clock.systemUTC(), Duration.ofMinutes(5));
    }

    String image(String repo, Instant stampedAt, boolean stampOtherSignature, boolean stamp) throws Exception {
        Instant certAt = Instant.now().minus(Duration.ofHours(2));
        String d = reg.pushImage(repo, "v1");
        KeyPair eph = Cosign.ecKey();
        String pem = TestCa.pem(CA.issue(eph.getPublic(), SUBJECT, "https://oidc.internal", certAt));
        byte[] payload = Cosign.simpleSigning(reg.host() + "/" + repo, d);
        byte[] sig = Cosign.sign(eph.getPrivate(), payload);
        Map<String, String> ann = new LinkedHashMap<>();
        ann.put(SignatureLayer.ANN_SIGNATURE, Base64.getEncoder().encodeToString(sig));
        ann.put(SignatureLayer.ANN_CERTIFICATE, pem);
        if (stamp) {
            ann.put(SignatureLayer.ANN_TIMESTAMP, TSA.annotation(stampOtherSignature ? new byte[] {1, 2, 3} : sig,
                    stampedAt));
        }
        Cosign.push(reg, repo, d, ".sig", List.of(new Cosign.Layer(SignatureLayer.SIMPLE_SIGNING, payload, ann)));
        return reg.host() + "/" + repo + "@" + d;
    }

    @Test
    void validate_tsaTimestampWithinCertificateValidity_admittedWithoutLog() throws Exception {
        Instant at = Instant.now().minus(Duration.ofHours(2)).plusSeconds(60);
        String img = image("tsa/ok", at, false, true);
        var r = engine().validate(img, ResourceContext.pod("p"));
        assertTrue(r.isEmpty(), r::toString);
    }

    @Test
    void validate_tsaMissingForeignOrLate_denied() throws Exception {
        Instant early = Instant.now().minus(Duration.ofHours(2)).plusSeconds(60);
        String none = engine().validate(image("tsa/none", early, false, false), ResourceContext.pod("p")).toString();
        assertTrue(none.contains("signature has no RFC3161 timestamp"), none);
        String foreign = engine().validate(image("tsa/foreign", early, true, true), ResourceContext.pod("p"))
                .toString();
        assertTrue(foreign.contains("RFC3161 timestamp is for another signature"), foreign);
        String late = engine().validate(image("tsa/late", Instant.now(), false, true), ResourceContext.pod("p"))
                .toString();
        assertTrue(late.contains("does not chain to a trusted CA") && late.contains("(signing time)"), late);
    }
}
