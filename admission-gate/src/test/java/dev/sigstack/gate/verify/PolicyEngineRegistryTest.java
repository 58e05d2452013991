package dev.sigstack.gate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.gate.oci.RegistryClient;
import dev.sigstack.gate.oci.TestRegistry;
import dev.sigstack.gate.policy.FieldError;
import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.policy.Policies;
import dev.sigstack.gate.testing.Cosign;
import dev.sigstack.gate.testing.MapEnvironment;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine against a real distribution 2.8 registry, with key signatures made by the test (tag resolution, replayed
 * and forged signatures, Secret keys, caching, config-file policies). The scenarios signed by our real stack are in
 * {@link StackSignedRegistryTest}.
 */
class PolicyEngineRegistryTest {
    static TestRegistry reg;
    static final KeyPair SIGNER = Cosign.ecKey();
    static final KeyPair OTHER = Cosign.ecKey();
    static final KeyPair REKOR = Cosign.ecKey();

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

    record Setup(PolicyEngine engine, List<CompiledPolicy> policies, MapEnvironment env, GateConfig[] config) {
    }

    static Setup engine(GateConfig config, String... policyYaml) {
        List<CompiledPolicy> ps = new CopyOnWriteArrayList<>();
        for (String y : policyYaml) {
            for (Policies.Loaded l : Policies.loadAll(y, config, "cosign-system")) {
                ps.add(CompiledPolicy.compile(l.policy()));
            }
        }
        MapEnvironment env = new MapEnvironment();
        env.trustRoot(new TrustedMaterial("internal", "1", List.of(), List.of(), List.of(REKOR.getPublic()),
                List.of()), true);
        GateConfig[] cfg = {config};
        return new Setup(new PolicyEngine(new RegistryClient(RegistryClient.Options.defaults()), () -> cfg[0],
                () -> ps, env, Clock.systemUTC(), Duration.ofMinutes(5)), ps, env, cfg);
    }

    static String keyPolicy(String name, String glob, String mode, String extraAuthority) {
        return """
                apiVersion: policy.sigstore.dev/v1beta1
                kind: ClusterImagePolicy
                metadata: {name: %s}
                spec:
                  mode: %s
                  images: [{glob: "%s"}]
                  authorities:
                  - name: site-key
                    key:
                      data: |
                %s
                %s
                """.formatted(name, mode, glob, Cosign.pem(SIGNER.getPublic()).indent(8).stripTrailing(),
                extraAuthority);
    }

    String image(String repo, String digest) {
        return reg.host() + "/" + repo + "@" + digest;
    }

    @Test
    void validate_unsignedImage_deniedWithUpstreamWording() throws Exception {
        String d = reg.pushImage("app/unsigned", "v1");
        Setup s = engine(GateConfig.defaults(), keyPolicy("require-site-key", reg.host() + "/app/**", "enforce", ""));
        FieldError e = s.engine().validate(image("app/unsigned", d), ResourceContext.pod("prod"));
        String msg = e.toString();
        assertTrue(msg.startsWith("failed policy: require-site-key: image\n" + image("app/unsigned", d)), msg);
        assertTrue(msg.contains("signature key validation failed for authority site-key for " + image("app/unsigned", d)
                + ": no signatures found"), msg);
        assertFalse(e.filter(FieldError.Level.ERROR).isEmpty());
    }

    @Test
    void validate_signedImage_admittedAndTagResolved() throws Exception {
        String d = reg.pushImage("app/signed", "v1");
        Cosign.push(reg, "app/signed", d, ".sig", List.of(Cosign.signatureLayer(reg.host() + "/app/signed", d,
                SIGNER.getPrivate(), Map.of())));
        Setup s = engine(GateConfig.defaults(), keyPolicy("require-site-key", reg.host() + "/app/**", "enforce", ""));
        assertTrue(s.engine().validate(image("app/signed", d), ResourceContext.pod("prod")).isEmpty());
        assertTrue(s.engine().validate(reg.host() + "/app/signed:v1", ResourceContext.pod("prod")).isEmpty());
        assertEquals(d, s.engine().resolveDigest(reg.host() + "/app/signed:v1", dev.sigstack.gate.oci.RegistryCredentials.anonymous()));
    }

    @Test
    void validate_signatureForAnotherDigest_refused() throws Exception {
        String d = reg.pushImage("app/replay", "v1");
        String other = reg.pushImage("app/replay", "v2");
        Cosign.push(reg, "app/replay", d, ".sig", List.of(Cosign.signatureLayer(reg.host() + "/app/replay", other,
                SIGNER.getPrivate(), Map.of())));
        Setup s = engine(GateConfig.defaults(), keyPolicy("p", reg.host() + "/app/**", "enforce", ""));
        String msg = s.engine().validate(image("app/replay", d), ResourceContext.pod("prod")).toString();
        assertTrue(msg.contains("invalid or missing digest in claim"), msg);
    }

    @Test
    void validate_staticPassNarrowGlob_admitsOnlyThatImage() throws Exception {
        String d = reg.pushImage("infra/pause", "3.9");
        String unsigned = reg.pushImage("app/nosig", "v1");
        String staticPolicy = """
                apiVersion: policy.sigstore.dev/v1alpha1
                kind: ClusterImagePolicy
                metadata: {name: allow-pause}
                spec:
                  images: [{glob: "%s/infra/pause*"}]
                  authorities: [{static: {action: pass}}]
                """.formatted(reg.host());
        Setup s = engine(GateConfig.defaults(), staticPolicy, keyPolicy("p", reg.host() + "/app/**", "enforce", ""));
        assertTrue(s.engine().validate(image("infra/pause", d), ResourceContext.pod("kube-system")).isEmpty());
        assertFalse(s.engine().validate(image("app/nosig", unsigned), ResourceContext.pod("prod")).isEmpty());
        String failPolicy = """
                apiVersion: policy.sigstore.dev/v1alpha1
                kind: ClusterImagePolicy
                metadata: {name: block}
                spec:
                  images: [{glob: "**"}]
                  authorities: [{static: {action: fail, message: "frozen for the audit"}}]
                """;
        Setup f = engine(GateConfig.defaults(), failPolicy);
        assertTrue(f.engine().validate(image("infra/pause", d), ResourceContext.pod("x")).toString()
                .contains("disallowed by static policy: frozen for the audit"));
    }

    @Test
    void validate_policiesAnded_authoritiesOred() throws Exception {
        String d = reg.pushImage("app/and", "v1");
        Cosign.push(reg, "app/and", d, ".sig", List.of(Cosign.signatureLayer(reg.host() + "/app/and", d,
                SIGNER.getPrivate(), Map.of())));
        String orPolicy = keyPolicy("or-policy", reg.host() + "/app/**", "enforce",
                "  - name: never\n    static: {action: fail, message: nope}");
        Setup ok = engine(GateConfig.defaults(), orPolicy);
        assertTrue(ok.engine().validate(image("app/and", d), ResourceContext.pod("p")).isEmpty());
        String failing = """
                apiVersion: policy.sigstore.dev/v1alpha1
                kind: ClusterImagePolicy
                metadata: {name: second}
                spec:
                  images: [{glob: "%s/app/**"}]
                  authorities: [{static: {action: fail, message: second says no}}]
                """.formatted(reg.host());
        Setup and = engine(GateConfig.defaults(), orPolicy, failing);
        String msg = and.engine().validate(image("app/and", d), ResourceContext.pod("p")).toString();
        assertTrue(msg.contains("failed policy: second") && !msg.contains("failed policy: or-policy"), msg);
    }

    @Test
    void validate_keyFromSecretWithTlog_requiresRekorBundle() throws Exception {
        String d = reg.pushImage("app/tlog", "v1");
        String ref = reg.host() + "/app/tlog";
        byte[] payload = Cosign.simpleSigning(ref, d);
        byte[] sig = Cosign.sign(SIGNER.getPrivate(), payload);
        String bundle = Cosign.rekorBundle(REKOR, Cosign.hashedRekord(payload, sig, Cosign.pem(SIGNER.getPublic())),
                1_764_000_000L, 7);
        String policy = """
                apiVersion: policy.sigstore.dev/v1alpha1
                kind: ClusterImagePolicy
                metadata: {name: secret-key}
                spec:
                  images: [{glob: "%s/app/tlog*"}]
                  authorities:
                  - key: {secretRef: {name: signing-key}}
                    ctlog: {trustRootRef: internal}
                """.formatted(reg.host());
        Setup s = engine(GateConfig.defaults(), policy);
        s.env().secret("signing-key", Map.of("cosign.pub", Cosign.pem(SIGNER.getPublic()).getBytes()));
        // Without the bundle: refused, tlog required.
        Cosign.push(reg, "app/tlog", d, ".sig", List.of(new Cosign.Layer(
                dev.sigstack.gate.oci.SignatureLayer.SIMPLE_SIGNING, payload, Map.of(
                        dev.sigstack.gate.oci.SignatureLayer.ANN_SIGNATURE, java.util.Base64.getEncoder()
                                .encodeToString(sig)))));
        String msg = s.engine().validate(image("app/tlog", d), ResourceContext.pod("p")).toString();
        assertTrue(msg.contains("transparency log entry"), msg);
        // With a bundle signed by the site's Rekor key: admitted.
        Cosign.push(reg, "app/tlog", d, ".sig", List.of(new Cosign.Layer(
                dev.sigstack.gate.oci.SignatureLayer.SIMPLE_SIGNING, payload, Map.of(
                        dev.sigstack.gate.oci.SignatureLayer.ANN_SIGNATURE, java.util.Base64.getEncoder()
                                .encodeToString(sig), dev.sigstack.gate.oci.SignatureLayer.ANN_BUNDLE, bundle))));
        s.engine().invalidate();
        assertTrue(s.engine().validate(image("app/tlog", d), ResourceContext.pod("p")).isEmpty());
        // A bundle whose SET is signed by another log: refused.
        String forged = Cosign.rekorBundle(OTHER, Cosign.hashedRekord(payload, sig, Cosign.pem(SIGNER.getPublic())),
                1_764_000_000L, 7);
        Cosign.push(reg, "app/tlog", d, ".sig", List.of(new Cosign.Layer(
                dev.sigstack.gate.oci.SignatureLayer.SIMPLE_SIGNING, payload, Map.of(
                        dev.sigstack.gate.oci.SignatureLayer.ANN_SIGNATURE, java.util.Base64.getEncoder()
                                .encodeToString(sig), dev.sigstack.gate.oci.SignatureLayer.ANN_BUNDLE, forged))));
        s.engine().invalidate();
        msg = s.engine().validate(image("app/tlog", d), ResourceContext.pod("p")).toString();
        assertTrue(msg.contains("unknown transparency log"), msg);
    }

    @Test
    void validate_burstOfPodsSharingImages_oneVerificationPerImage() throws Exception {
        List<String> images = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String d = reg.pushImage("app/burst" + i, "v1");
            Cosign.push(reg, "app/burst" + i, d, ".sig", List.of(Cosign.signatureLayer(reg.host() + "/app/burst" + i,
                    d, SIGNER.getPrivate(), Map.of())));
            images.add(image("app/burst" + i, d));
        }
        Setup s = engine(GateConfig.defaults(), keyPolicy("p", reg.host() + "/app/**", "enforce", ""),
                keyPolicy("p2", reg.host() + "/app/burst*", "enforce", ""));
        List<Thread> threads = new ArrayList<>();
        List<FieldError> results = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 100; i++) {
            String img = images.get(i % 5);
            threads.add(Thread.ofVirtual().start(() -> results.add(s.engine().validate(img, ResourceContext.pod("p")))));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(100, results.size());
        assertTrue(results.stream().allMatch(FieldError::isEmpty));
        assertEquals(10, s.engine().verifications(), "one verification per (image, policy)");
        // Payloads are not cached past a decision: the two policies share look-ups when one review runs both, and
        // each image is looked up at most once per policy.
        assertTrue(s.engine().registryLookups() >= 5 && s.engine().registryLookups() <= 10,
                "look-ups: " + s.engine().registryLookups());
        assertEquals(190, s.engine().cacheHits());
        s.engine().invalidate();
        long before = s.engine().registryLookups();
        assertTrue(s.engine().validate(images.get(0), ResourceContext.pod("p")).isEmpty());
        assertEquals(before + 1, s.engine().registryLookups(), "signature look-ups shared between the two policies");
    }

    @Test
    void validate_specPolicyWithFetchConfigFile_upstreamConfigPolicy() throws Exception {
        java.nio.file.Path dir = dev.sigstack.core.testing.Vectors.dirOrNull("policy-controller");
        org.junit.jupiter.api.Assumptions.assumeTrue(dir != null, "policy-controller vectors absent; skipping");
        String cue = java.nio.file.Files.readString(dir.resolve("test/testdata/policies/cue-policy-config.cue"));
        // Only linux/amd64 is pushed: the policy's linux/arm/v7 constraint applies to an absent field.
        String d = reg.pushImage("app/config", "v1");
        String policy = """
                apiVersion: policy.sigstore.dev/v1beta1
                kind: ClusterImagePolicy
                metadata: {name: non-root}
                spec:
                  images: [{glob: "%s/app/config*"}]
                  authorities: [{static: {action: pass}}]
                  policy:
                    fetchConfigFile: true
                    type: cue
                    data: |
                %s
                """.formatted(reg.host(), cue.indent(6).stripTrailing());
        assertTrue(engine(GateConfig.defaults(), policy).engine().validate(image("app/config", d),
                ResourceContext.pod("p")).isEmpty());
        String root = policy.replace("65530", "0");
        String msg = engine(GateConfig.defaults(), root).engine().validate(image("app/config", d),
                ResourceContext.pod("p")).toString();
        assertTrue(msg.contains("failed evaluating cue policy for ClusterImagePolicy: config.linux/amd64.config.User: "
                + "conflicting values \"0\" and \"65530\""), msg);
    }
}
