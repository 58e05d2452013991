package dev.sigstack.gate.verify;

import dev.sigstack.gate.testing.TestPolicies;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.rekor.CanonicalEntry;
import dev.sigstack.core.rekor.ProposedEntries;
import dev.sigstack.core.rekor.SignedEntryTimestamp;
import dev.sigstack.gate.oci.CosignArtifacts;
import dev.sigstack.gate.oci.Digests;
import dev.sigstack.gate.oci.Manifest;
import dev.sigstack.gate.oci.RegistryClient;
import dev.sigstack.gate.oci.TestRegistry;
import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.testing.Cosign;
import dev.sigstack.gate.testing.MapEnvironment;
import dev.sigstack.gate.testing.TestCa;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code signatureFormat: bundle}: a Sigstore bundle (DSSE, cosign's sign predicate) attached as an OCI 1.1 referrer;
 * distribution 2.8 has no referrers API, so it is found through the referrers tag schema, and verified by core's
 * BundleVerifier against the TrustRoot.
 */
class BundleFormatRegistryTest {
    static TestRegistry reg;
    static final TestCa CA = new TestCa("bundle-ca");
    static final KeyPair REKOR = Cosign.ecKey();
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

    /** A v0.1 bundle over a DSSE statement about {@code digest}, logged with a SET. */
    static byte[] bundle(String name, String digest, String subject) throws Exception {
        Instant t = Instant.now().minus(Duration.ofMinutes(30));
        KeyPair eph = Cosign.ecKey();
        X509Certificate cert = CA.issue(eph.getPublic(), subject, "https://oidc.internal", t);
        byte[] statement = Cosign.statement(name, digest, PolicyEngine.COSIGN_SIGN_PREDICATE,
                Cosign.JSON.createObjectNode());
        Cosign.Layer layer = Cosign.attestationLayer(statement, eph.getPrivate(), java.util.Map.of());
        String envelope = new String(layer.blob(), StandardCharsets.UTF_8);
        ObjectNode proposed = Cosign.JSON.createObjectNode();
        proposed.put("apiVersion", "0.0.1");
        proposed.put("kind", "dsse");
        ObjectNode content = proposed.putObject("spec").putObject("proposedContent");
        content.put("envelope", envelope);
        content.putArray("verifiers").add(Base64.getEncoder().encodeToString(TestCa.pem(cert).getBytes()));
        CanonicalEntry entry = ProposedEntries.canonicalize(Cosign.bytes(proposed));
        long time = t.getEpochSecond() + 10;
        byte[] logId = SignedEntryTimestamp.logId(REKOR.getPublic());
        byte[] set = SignedEntryTimestamp.sign(REKOR.getPrivate(), entry.body(), time, logId, 5);
        ObjectNode b = Cosign.JSON.createObjectNode();
        b.put("mediaType", "application/vnd.dev.sigstore.bundle+json;version=0.1");
        ObjectNode vm = b.putObject("verificationMaterial");
        vm.putObject("x509CertificateChain").putArray("certificates").addObject()
                .put("rawBytes", Base64.getEncoder().encodeToString(cert.getEncoded()));
        ObjectNode e = vm.putArray("tlogEntries").addObject();
        e.put("logIndex", "5");
        e.putObject("logId").put("keyId", Base64.getEncoder().encodeToString(logId));
        e.putObject("kindVersion").put("kind", "dsse").put("version", "0.0.1");
        e.put("integratedTime", Long.toString(time));
        e.putObject("inclusionPromise").put("signedEntryTimestamp", Base64.getEncoder().encodeToString(set));
        e.put("canonicalizedBody", Base64.getEncoder().encodeToString(entry.body()));
        b.set("dsseEnvelope", Cosign.tree(layer.blob()));
        return Cosign.bytes(b);
    }

    /** Attaches the bundle as a referrer and maintains the referrers tag-schema index, as cosign does. */
    static void attach(String repo, String digest, byte[] bundle) throws Exception {
        byte[] empty = "{}".getBytes();
        ObjectNode m = TestRegistry.manifest("application/vnd.oci.empty.v1+json", reg.pushBlob(repo, empty),
                empty.length);
        m.put("artifactType", CosignArtifacts.BUNDLE_ARTIFACT_TYPE);
        m.withArray("layers").add(TestRegistry.descriptor(CosignArtifacts.BUNDLE_ARTIFACT_TYPE,
                reg.pushBlob(repo, bundle), bundle.length, java.util.Map.of()));
        m.set("subject", TestRegistry.descriptor(Manifest.OCI_MANIFEST, digest, 0, java.util.Map.of()));
        byte[] mb = Cosign.bytes(m);
        String md = reg.pushManifest(repo, Digests.sha256(mb), mb, Manifest.OCI_MANIFEST);
        ObjectNode index = Cosign.JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", Manifest.OCI_INDEX);
        ObjectNode d = TestRegistry.descriptor(Manifest.OCI_MANIFEST, md, mb.length, java.util.Map.of());
        d.put("artifactType", CosignArtifacts.BUNDLE_ARTIFACT_TYPE);
        index.putArray("manifests").add(d);
        reg.pushManifest(repo, Digests.cosignTag(digest, ""), Cosign.bytes(index), Manifest.OCI_INDEX);
    }

    static PolicyEngine engine() {
        String policy = """
                apiVersion: policy.sigstore.dev/v1beta1
                kind: ClusterImagePolicy
                metadata: {name: bundles}
                spec:
                  images: [{glob: "%s/**"}]
                  authorities:
                  - name: ci
                    signatureFormat: bundle
                    keyless:
                      identities: [{issuer: https://oidc.internal, subjectRegExp: '@refs/heads/(main|hotfix/.+)$'}]
                """.formatted(reg.host());
        List<CompiledPolicy> ps = TestPolicies.compile(policy);
        MapEnvironment env = new MapEnvironment().trustRoot(new TrustedMaterial("internal", "1", List.of(CA.root),
                List.of(CA.ctKey.getPublic()), List.of(REKOR.getPublic()), List.of()), true);
        return new PolicyEngine(new RegistryClient(RegistryClient.Options.defaults()), GateConfig::defaults,
                () -> ps, env, Clock.systemUTC(), Duration.ofMinutes(5));
    }

    @Test
    void validate_bundleReferrerViaTagFallback_admitted() throws Exception {
        String d = reg.pushImage("team/bundled", "v1");
        attach("team/bundled", d, bundle(reg.host() + "/team/bundled", d, SUBJECT));
        var r = engine().validate(reg.host() + "/team/bundled@" + d, ResourceContext.pod("prod"));
        assertTrue(r.isEmpty(), r::toString);
    }

    @Test
    void validate_bundleWrongIdentityOrMissing_denied() throws Exception {
        String d = reg.pushImage("team/feature", "v1");
        attach("team/feature", d, bundle(reg.host() + "/team/feature", d,
                "https://git.internal/team/app/.ci/release.yml@refs/heads/feature/x"));
        String msg = engine().validate(reg.host() + "/team/feature@" + d, ResourceContext.pod("prod")).toString();
        assertTrue(msg.contains("signature keyless validation failed for authority ci") && msg.contains(
                "no matching signatures"), msg);
        String none = reg.pushImage("team/none", "v1");
        msg = engine().validate(reg.host() + "/team/none@" + none, ResourceContext.pod("prod")).toString();
        assertTrue(msg.contains("no signatures found"), msg);
    }
}
