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
 * Keyless verification against a real registry with material our stack would never issue: certificates from a test
 * CA (and a rogue one) with an embedded SCT from a test CT log, Rekor bundles with SETs from a test log key at chosen
 * times. The scenarios signed by our real stack are in {@link StackSignedRegistryTest}.
 */
class KeylessRegistryTest {
    static TestRegistry reg;
    static final TestCa CA = new TestCa("internal-ca");
    static final TestCa ROGUE = new TestCa("rogue-ca");
    static final KeyPair REKOR = Cosign.ecKey();
    static final String ISSUER = "https://oidc.internal";
    static final String WORKFLOW = "https://git.internal/team/app/.ci/release.yml@";

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

    static PolicyEngine engine(String policyYaml, TrustedMaterial tm) {
        List<CompiledPolicy> ps = TestPolicies.compile(policyYaml);
        MapEnvironment env = new MapEnvironment().trustRoot(tm, true);
        return new PolicyEngine(new RegistryClient(RegistryClient.Options.defaults()), GateConfig::defaults, () -> ps,
                env, Clock.systemUTC(), Duration.ofMinutes(5));
    }

    static TrustedMaterial internalRoot() {
        return new TrustedMaterial("internal", "1", List.of(CA.root), List.of(CA.ctKey.getPublic()),
                List.of(REKOR.getPublic()), List.of());
    }

    static final String POLICY = """
            apiVersion: policy.sigstore.dev/v1beta1
            kind: ClusterImagePolicy
            metadata: {name: release-identity}
            spec:
              images: [{glob: "%s/team/**"}]
              authorities:
              - name: ci
                keyless:
                  identities:
                  - issuer: https://oidc.internal
                    subjectRegExp: '^https://git\\.internal/team/app/\\.ci/release\\.yml@refs/heads/(main|hotfix/.+)$'
            %s""";

    /** Signs the image keylessly as {@code subject}, logging the signature at {@code loggedAt}. */
    static Map<String, String> keyless(TestCa ca, KeyPair ephemeral, String subject, Instant certAt, Instant loggedAt,
            byte[] payload, byte[] sig) {
        X509Certificate cert = ca.issue(ephemeral.getPublic(), subject, ISSUER, certAt);
        String pem = TestCa.pem(cert);
        Map<String, String> ann = new LinkedHashMap<>();
        ann.put(SignatureLayer.ANN_SIGNATURE, Base64.getEncoder().encodeToString(sig));
        ann.put(SignatureLayer.ANN_CERTIFICATE, pem);
        ann.put(SignatureLayer.ANN_CHAIN, TestCa.pem(ca.root));
        ann.put(SignatureLayer.ANN_BUNDLE, Cosign.rekorBundle(REKOR, Cosign.hashedRekord(payload, sig, pem),
                loggedAt.getEpochSecond(), 42));
        return ann;
    }

    String signedImage(String repo, TestCa ca, String subject, Instant certAt, Instant loggedAt) throws Exception {
        String d = reg.pushImage(repo, "v1");
        KeyPair eph = Cosign.ecKey();
        byte[] payload = Cosign.simpleSigning(reg.host() + "/" + repo, d);
        byte[] sig = Cosign.sign(eph.getPrivate(), payload);
        Map<String, String> ann = keyless(ca, eph, subject, certAt, loggedAt, payload, sig);
        ann.remove(SignatureLayer.ANN_SIGNATURE);
        Map<String, String> all = new LinkedHashMap<>();
        all.put(SignatureLayer.ANN_SIGNATURE, Base64.getEncoder().encodeToString(sig));
        all.putAll(ann);
        Cosign.push(reg, repo, d, ".sig", List.of(new Cosign.Layer(SignatureLayer.SIMPLE_SIGNING, payload, all)));
        return reg.host() + "/" + repo + "@" + d;
    }

    @Test
    void validate_rogueCaOrLateSignature_denied() throws Exception {
        Instant t = Instant.now().minus(Duration.ofHours(1));
        PolicyEngine e = engine(POLICY.formatted(reg.host(), ""), internalRoot());
        String rogue = signedImage("team/app-rogue", ROGUE, WORKFLOW + "refs/heads/main", t, t.plusSeconds(30));
        assertTrue(e.validate(rogue, ResourceContext.pod("prod")).toString().contains("does not chain to a trusted CA"));
        String late = signedImage("team/app-late", CA, WORKFLOW + "refs/heads/main", t, t.plus(Duration.ofMinutes(20)));
        String msg = e.validate(late, ResourceContext.pod("prod")).toString();
        assertTrue(msg.contains("(signing time)"), msg);
    }

    @Test
    void validate_sctFromUnknownLog_deniedUnlessIgnored() throws Exception {
        Instant t = Instant.now().minus(Duration.ofHours(1));
        TrustedMaterial otherCt = new TrustedMaterial("internal", "2", List.of(CA.root), List.of(ROGUE.ctKey
                .getPublic()), List.of(REKOR.getPublic()), List.of());
        String img = signedImage("team/app-sct", CA, WORKFLOW + "refs/heads/main", t, t.plusSeconds(30));
        String msg = engine(POLICY.formatted(reg.host(), ""), otherCt).validate(img, ResourceContext.pod("p"))
                .toString();
        assertTrue(msg.contains("unable to verify SCT"), msg);
        String ignoring = POLICY.formatted(reg.host(), "").replace("keyless:\n", "keyless:\n      "
                + "insecureIgnoreSCT: true\n");
        assertTrue(engine(ignoring, otherCt).validate(img, ResourceContext.pod("p")).isEmpty());
    }

    @Test
    void validate_specPolicyOnGithubExtensions_onlyMainBranchPushes() throws Exception {
        Instant t = Instant.now().minus(Duration.ofHours(1));
        String onlyMain = POLICY.formatted(reg.host(), """
                  policy:
                    type: cue
                    data: |
                      authorityMatches: ci: signatures: [...{githubWorkflowTrigger: "push", githubWorkflowRef: "refs/heads/main"}]
                """);
        PolicyEngine e = engine(onlyMain, internalRoot());
        String main = signedImage("team/ext-main", CA, WORKFLOW + "refs/heads/main", t, t.plusSeconds(30));
        String hotfix = signedImage("team/ext-hotfix", CA, WORKFLOW + "refs/heads/hotfix/x", t, t.plusSeconds(30));
        assertTrue(e.validate(main, ResourceContext.pod("p")).isEmpty(), () -> e.validate(main,
                ResourceContext.pod("p")).toString());
        String msg = e.validate(hotfix, ResourceContext.pod("p")).toString();
        assertTrue(msg.contains("failed evaluating cue policy for ClusterImagePolicy: authorityMatches.ci.signatures.0"
                + ".githubWorkflowRef: conflicting values \"refs/heads/main\" and \"refs/heads/hotfix/x\""), msg);
    }
}
