package dev.sigstack.gate.verify;

import dev.sigstack.gate.testing.TestPolicies;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigstack.gate.admission.AdmissionHandler;
import dev.sigstack.gate.admission.AdmissionServer;
import dev.sigstack.gate.admission.Cluster;
import dev.sigstack.gate.admission.GateMetrics;
import dev.sigstack.gate.admission.GateSettings;
import dev.sigstack.gate.oci.RegistryClient;
import dev.sigstack.gate.oci.TestRegistry;
import dev.sigstack.gate.policy.FieldError;
import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.policy.Policies;
import dev.sigstack.gate.testing.Cosign;
import dev.sigstack.gate.testing.MapEnvironment;
import dev.sigstack.gate.testing.Predicates;
import dev.sigstack.gate.testing.SigstackStack;
import dev.sigstack.gate.testing.StackCosign;
import dev.sigstack.gate.testing.TestTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gate against signatures and attestations made by OUR stack: Rekor v1, the CT log and the CA (with its
 * development issuer and TSA) run in-process; the tests get tokens, certificates, Rekor entries and timestamps over
 * HTTP as cosign does, push cosign's layouts to a real distribution 2.8 registry, and the gate verifies them with a
 * TrustRoot read from the running stack's {@code trusted_root.json}. Attestations carry a real SLSA provenance v1
 * predicate and a real CycloneDX SBOM.
 */
class StackSignedRegistryTest {
    static final String REPO = "team/app";
    /** The seed's enterprise identity: the release workflow, built from main or from a hotfix branch. */
    static final String SUBJECT_REGEXP =
            "^https://git\\.internal/team/app/\\.ci/release\\.yml@refs/heads/(main|hotfix/.+)$";
    static final String SLSA = "https://slsa.dev/provenance/v1";
    static final String CYCLONEDX = "https://cyclonedx.org/bom";
    static final String BUILDER = "https://ci.git.internal/runners/release@v3";
    static final String[][] CLEAN_SBOM = {{"jackson-databind", "2.18.2", "Apache-2.0", "com.fasterxml.jackson.core"},
        {"netty-handler", "4.1.115.Final", "Apache-2.0", "io.netty"}, {"slf4j-api", "2.0.16", "MIT", "org.slf4j"}};

    static TestRegistry reg;
    static SigstackStack stack;
    static StackCosign cosign;
    static TrustedMaterial trustRoot;
    static final KeyPair SITE_KEY = Cosign.ecKey();
    static final KeyPair OTHER_KEY = Cosign.ecKey();
    /** Image references (host/repo@digest) by role. */
    static String web;
    static String hotfix;
    static String feature;
    static String laptop;
    static String unsigned;
    static String noSbom;
    static String legacy;
    static String agpl;
    static String forked;
    static String keySigned;
    static String otherKey;
    static String pause;
    static String bundled;
    static String bundledFeature;
    static int referrersApiStatus;

    @BeforeAll
    static void start() throws Exception {
        reg = TestRegistry.start(null, null, null);
        stack = SigstackStack.start();
        cosign = new StackCosign(stack, reg);
        trustRoot = stack.trustRoot("sigstack");

        StackCosign.Keyless main = new StackCosign.Keyless(cosign.ci(REPO, "refs/heads/main"));
        web = signedAndAttested("apps/web", main, true, CLEAN_SBOM, BUILDER);
        noSbom = signedAndAttested("apps/no-sbom", main, false, null, BUILDER);
        legacy = signedAndAttested("apps/legacy", main, false, new String[][] {
            {"jackson-databind", "2.18.2", "Apache-2.0", "com.fasterxml.jackson.core"},
            {"log4j-core", "2.14.1", "Apache-2.0", "org.apache.logging.log4j"}}, BUILDER);
        agpl = signedAndAttested("apps/report", main, false, new String[][] {
            {"slf4j-api", "2.0.16", "MIT", "org.slf4j"}, {"itext-core", "8.0.5", "AGPL-3.0-only", "com.itextpdf"}},
                BUILDER);
        forked = signedAndAttested("apps/forked", main, false, CLEAN_SBOM, "https://laptop.local/manual-build");

        String d = cosign.pushImage("apps/hotfix");
        cosign.sign("apps/hotfix", d, new StackCosign.Keyless(cosign.ci(REPO, "refs/heads/hotfix/cve-2026-1234")),
                false);
        hotfix = cosign.ref("apps/hotfix", d);
        d = cosign.pushImage("apps/feature");
        cosign.sign("apps/feature", d, new StackCosign.Keyless(cosign.ci(REPO, "refs/heads/feature/new-ui")), false);
        feature = cosign.ref("apps/feature", d);
        d = cosign.pushImage("apps/laptop");
        cosign.sign("apps/laptop", d, new StackCosign.Keyless(cosign.email("dev@example.com")), false);
        laptop = cosign.ref("apps/laptop", d);
        unsigned = cosign.ref("apps/unsigned", cosign.pushImage("apps/unsigned"));

        d = cosign.pushImage("infra/agent");
        cosign.sign("infra/agent", d, new StackCosign.WithKey(SITE_KEY), false);
        keySigned = cosign.ref("infra/agent", d);
        d = cosign.pushImage("infra/rogue");
        cosign.sign("infra/rogue", d, new StackCosign.WithKey(OTHER_KEY), false);
        otherKey = cosign.ref("infra/rogue", d);
        pause = cosign.ref("infra/pause", reg.pushImage("infra/pause", "3.9"));

        d = cosign.pushImage("apps/bundled");
        referrersApiStatus = cosign.signBundle("apps/bundled", d, cosign.ci(REPO, "refs/heads/main"));
        bundled = cosign.ref("apps/bundled", d);
        d = cosign.pushImage("apps/bundled-feature");
        cosign.signBundle("apps/bundled-feature", d, cosign.ci(REPO, "refs/heads/feature/new-ui"));
        bundledFeature = cosign.ref("apps/bundled-feature", d);
    }

    /** Signs {@code repo} and attests SLSA provenance (from {@code builder}) and, unless null, a CycloneDX SBOM. */
    static String signedAndAttested(String repo, StackCosign.SignWith with, boolean timestamp, String[][] sbom,
            String builder) throws Exception {
        String d = cosign.pushImage(repo);
        cosign.sign(repo, d, with, timestamp);
        // The provenance of the same run the CI token describes (SigstackStack.ciToken): workflow, commit, run.
        cosign.attest(repo, d, with, SLSA, Predicates.slsaV1(builder, SigstackStack.FORGE + "/" + REPO,
                "refs/heads/main", ".ci/release.yml", "2f1ad1c3e9a1c0f3d5b4e2a19c7d9e1f0a2b3c4d",
                SigstackStack.FORGE + "/" + REPO + "/runs/1234/attempts/1"));
        if (sbom != null) {
            cosign.attest(repo, d, with, CYCLONEDX, Predicates.cycloneDx(sbom));
        }
        return cosign.ref(repo, d);
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
        if (reg != null) {
            reg.close();
        }
    }

    static PolicyEngine engine(GateConfig config, String... policyYaml) {
        List<CompiledPolicy> ps = new ArrayList<>();
        for (String y : policyYaml) {
            Policies.loadAll(y, config, "cosign-system").forEach(l -> ps.add(CompiledPolicy.compile(l.policy())));
        }
        MapEnvironment env = new MapEnvironment().trustRoot(trustRoot, true);
        return new PolicyEngine(new RegistryClient(RegistryClient.Options.defaults()), () -> config, () -> ps, env,
                Clock.systemUTC(), Duration.ofMinutes(5));
    }

    static String validate(String image, GateConfig config, String... policyYaml) {
        return engine(config, policyYaml).validate(image, ResourceContext.pod("prod")).toString();
    }

    /** The seed's enterprise policy: the CI identity by subjectRegExp, under {@code glob}, with extra spec lines. */
    static String ciPolicy(String name, String glob, String authorityExtra, String specExtra) {
        return """
                apiVersion: policy.sigstore.dev/v1beta1
                kind: ClusterImagePolicy
                metadata: {name: %s}
                spec:
                  images: [{glob: "%s"}]
                  authorities:
                  - name: ci
                    keyless:
                      identities:
                      - issuer: %s
                        subjectRegExp: '%s'
                %s%s""".formatted(name, glob, SigstackStack.CI_ISSUER, SUBJECT_REGEXP, authorityExtra, specExtra);
    }

    static String apps() {
        return reg.host() + "/apps/**";
    }

    static String attestations(String predicateType, String policyType, String data) {
        return """
                    attestations:
                    - name: %s
                      predicateType: %s
                %s""".formatted(predicateType.equals(SLSA) ? "provenance" : "sbom", predicateType,
                policyType == null ? "" : """
                      policy:
                        type: %s
                        data: |
                %s
                """.formatted(policyType, data.indent(10).stripTrailing()));
    }

    // --- the seed's four Verify steps ---------------------------------------------------------------

    @Test
    void validate_unsignedImage_deniedNoSignatures() {
        String msg = validate(unsigned, GateConfig.defaults(), ciPolicy("release-identity", apps(), "", ""));
        assertEquals("failed policy: release-identity: image\n" + unsigned + " signature keyless validation failed "
                + "for authority ci for " + unsigned + ": no signatures found", msg);
    }

    @Test
    void validate_signedByTheCi_admitted() {
        FieldError e = engine(GateConfig.defaults(), ciPolicy("release-identity", apps(), "", ""))
                .validate(web, ResourceContext.pod("prod"));
        assertTrue(e.isEmpty(), e::toString);
    }

    @Test
    void validate_signedByAnotherIdentity_deniedWithTheCertificateSubject() {
        String msg = validate(laptop, GateConfig.defaults(), ciPolicy("release-identity", apps(), "", ""));
        assertTrue(msg.startsWith("failed policy: release-identity: image\n" + laptop + " signature keyless "
                + "validation failed for authority ci for " + laptop + ": no matching signatures:"), msg);
        assertTrue(msg.contains("none of the expected identities matched what was in the certificate, got subjects "
                + "[dev@example.com] with issuer " + stack.devIssuerUrl()), msg);
    }

    @Test
    void validate_requiredPredicateMissing_denied() {
        String policy = ciPolicy("sbom-required", apps(), attestations(CYCLONEDX, null, ""), "");
        String msg = validate(noSbom, GateConfig.defaults(), policy);
        assertEquals("failed policy: sbom-required: image\n" + noSbom + " no matching attestations with type "
                + "https://cyclonedx.org/bom, checked the following predicateTypes: \"https://slsa.dev/provenance/v1\"",
                msg);
        FieldError ok = engine(GateConfig.defaults(), policy).validate(web, ResourceContext.pod("prod"));
        assertTrue(ok.isEmpty(), ok::toString);
    }

    // --- the enterprise identity --------------------------------------------------------------------

    @Test
    void validate_enterpriseSubjectRegExp_hotfixBranchAdmittedFeatureBranchDenied() {
        PolicyEngine e = engine(GateConfig.defaults(), ciPolicy("release-identity", apps(), "", ""));
        FieldError fix = e.validate(hotfix, ResourceContext.pod("prod"));
        assertTrue(fix.isEmpty(), fix::toString);
        String msg = e.validate(feature, ResourceContext.pod("prod")).toString();
        assertTrue(msg.contains("none of the expected identities matched what was in the certificate, got subjects "
                + "[https://git.internal/team/app/.ci/release.yml@refs/heads/feature/new-ui] with issuer "
                + SigstackStack.CI_ISSUER), msg);
    }

    // --- modes and no-match ------------------------------------------------------------------------

    @Test
    void validate_warnMode_failureIsAWarningNotADenial() {
        String policy = ciPolicy("audit-only", apps(), "", "  mode: warn\n");
        FieldError e = engine(GateConfig.defaults(), policy).validate(unsigned, ResourceContext.pod("prod"));
        assertTrue(e.filter(FieldError.Level.ERROR).isEmpty(), e::toString);
        assertEquals("failed policy: audit-only: image\n" + unsigned + " signature keyless validation failed for "
                + "authority ci for " + unsigned + ": no signatures found",
                e.filter(FieldError.Level.WARNING).toString());
    }

    @Test
    void validate_noMatchingPolicy_denyWarnAllowFromConfig() {
        String other = cosign.ref("infra/agent", keySigned.substring(keySigned.indexOf('@') + 1));
        for (GateConfig.NoMatchPolicy nm : GateConfig.NoMatchPolicy.values()) {
            FieldError e = engine(new GateConfig(nm, false, false), ciPolicy("release-identity", apps(), "", ""))
                    .validate(other, ResourceContext.pod("prod"));
            switch (nm) {
                case DENY -> assertEquals("no matching policies: image\n" + other,
                        e.filter(FieldError.Level.ERROR).toString());
                case WARN -> {
                    assertTrue(e.filter(FieldError.Level.ERROR).isEmpty(), e::toString);
                    assertEquals("no matching policies: image\n" + other, e.filter(FieldError.Level.WARNING)
                            .toString());
                }
                case ALLOW -> assertTrue(e.isEmpty(), e::toString);
            }
        }
    }

    @Test
    void validate_staticPassForANarrowGlob_admitsOnlyThatImage() {
        String staticPass = """
                apiVersion: policy.sigstore.dev/v1alpha1
                kind: ClusterImagePolicy
                metadata: {name: allow-pause}
                spec:
                  images: [{glob: "%s/infra/pause*"}]
                  authorities: [{static: {action: pass}}]
                """.formatted(reg.host());
        String infra = ciPolicy("infra-signed", reg.host() + "/infra/**", "", "");
        PolicyEngine e = engine(GateConfig.defaults(), staticPass, ciPolicy("release-identity", apps(), "", ""));
        FieldError p = e.validate(pause, ResourceContext.pod("kube-system"));
        assertTrue(p.isEmpty(), p::toString);
        assertFalse(e.validate(unsigned, ResourceContext.pod("prod")).isEmpty());
        // Policies are ANDed: a static pass does not exempt an image another policy also matches.
        String both = engine(GateConfig.defaults(), staticPass, infra).validate(pause, ResourceContext.pod("p"))
                .toString();
        assertTrue(both.startsWith("failed policy: infra-signed: image\n" + pause) && !both.contains("allow-pause"),
                both);
    }

    // --- key authorities ---------------------------------------------------------------------------

    static String keyPolicy() {
        return """
                apiVersion: policy.sigstore.dev/v1beta1
                kind: ClusterImagePolicy
                metadata: {name: site-key}
                spec:
                  images: [{glob: "%s/infra/**"}]
                  authorities:
                  - name: release-key
                    key:
                      data: |
                %s
                    ctlog: {trustRootRef: sigstack}
                """.formatted(reg.host(), Cosign.pem(SITE_KEY.getPublic()).indent(8).stripTrailing());
    }

    @Test
    void validate_keyAuthority_siteKeyWithRekorEntryAdmittedOtherKeyDenied() {
        PolicyEngine e = engine(GateConfig.defaults(), keyPolicy());
        FieldError ok = e.validate(keySigned, ResourceContext.pod("prod"));
        assertTrue(ok.isEmpty(), ok::toString);
        String msg = e.validate(otherKey, ResourceContext.pod("prod")).toString();
        assertEquals("failed policy: site-key: image\n" + otherKey + " signature key validation failed for authority "
                + "release-key for " + otherKey + ": no matching signatures: invalid signature when validating ASN.1 "
                + "encoded signature", msg);
    }

    // --- predicates: CycloneDX and SLSA ------------------------------------------------------------

    @Test
    void validate_cueForbidsANamedComponent_cleanSbomAdmittedLog4jRefused() {
        String policy = ciPolicy("no-log4j", apps(), attestations(CYCLONEDX, "cue", """
                predicateType: "https://cyclonedx.org/bom"
                predicate: components: [...{name: !="log4j-core"}]
                """), "");
        PolicyEngine e = engine(GateConfig.defaults(), policy);
        FieldError ok = e.validate(web, ResourceContext.pod("prod"));
        assertTrue(ok.isEmpty(), ok::toString);
        String msg = e.validate(legacy, ResourceContext.pod("prod")).toString();
        assertEquals("failed policy: no-log4j: image\n" + legacy + " failed evaluating cue policy for sbom: "
                + "predicate.components.1.name: invalid value \"log4j-core\" (out of bound !=\"log4j-core\")", msg);
    }

    @Test
    void validate_celForbidsALicence_cleanSbomAdmittedAgplRefused() {
        String policy = ciPolicy("no-agpl", apps(), attestations(CYCLONEDX, "cel",
                "!predicate.components.exists(c, c.licenses.exists(l, l.license.id == 'AGPL-3.0-only'))"), "");
        PolicyEngine e = engine(GateConfig.defaults(), policy);
        FieldError ok = e.validate(web, ResourceContext.pod("prod"));
        assertTrue(ok.isEmpty(), ok::toString);
        String msg = e.validate(agpl, ResourceContext.pod("prod")).toString();
        assertEquals("failed policy: no-agpl: image\n" + agpl + " failed evaluating cel policy for sbom: cel "
                + "expression evaluated to false: !predicate.components.exists(c, c.licenses.exists(l, l.license.id == "
                + "'AGPL-3.0-only'))", msg);
    }

    @Test
    void validate_slsaBuilderAndSourceRepo_ciBuildAdmittedManualBuildRefused() {
        String policy = ciPolicy("slsa-builder", apps(), attestations(SLSA, "cue", """
                predicateType: "https://slsa.dev/provenance/v1"
                predicate: runDetails: builder: id: =~"^https://ci\\\\.git\\\\.internal/runners/"
                predicate: buildDefinition: externalParameters: workflow: repository: "https://git.internal/team/app"
                """), "");
        PolicyEngine e = engine(GateConfig.defaults(), policy);
        FieldError ok = e.validate(web, ResourceContext.pod("prod"));
        assertTrue(ok.isEmpty(), ok::toString);
        String msg = e.validate(forked, ResourceContext.pod("prod")).toString();
        assertEquals("failed policy: slsa-builder: image\n" + forked + " failed evaluating cue policy for provenance: "
                + "predicate.runDetails.builder.id: invalid value \"https://laptop.local/manual-build\" (out of bound "
                + "=~\"^https://ci\\\\.git\\\\.internal/runners/\")", msg);
    }

    // --- the CA's timestamp authority --------------------------------------------------------------

    @Test
    void validate_rfc3161TimestampFromTheCaTsa_requiredAndVerified() {
        String policy = ciPolicy("timestamped", apps(), "    rfc3161timestamp: {trustRootRef: sigstack}\n", "");
        PolicyEngine e = engine(GateConfig.defaults(), policy);
        FieldError ok = e.validate(web, ResourceContext.pod("prod"));
        assertTrue(ok.isEmpty(), ok::toString);
        String msg = e.validate(hotfix, ResourceContext.pod("prod")).toString();
        assertTrue(msg.contains("signature has no RFC3161 timestamp (dev.sigstore.cosign/rfc3161timestamp)"), msg);
    }

    // --- the new bundle format: distribution 2.8 has no referrers API --------------------------------

    @Test
    void validate_bundleFormatThroughReferrersTagSchema_ciAdmittedFeatureBranchDenied() {
        assertEquals(404, referrersApiStatus, "distribution 2.8 has no OCI 1.1 referrers API");
        String policy = ciPolicy("bundles", apps(), "", "").replace("  - name: ci\n",
                "  - name: ci\n    signatureFormat: bundle\n");
        PolicyEngine e = engine(GateConfig.defaults(), policy);
        FieldError ok = e.validate(bundled, ResourceContext.pod("prod"));
        assertTrue(ok.isEmpty(), ok::toString);
        String msg = e.validate(bundledFeature, ResourceContext.pod("prod")).toString();
        assertTrue(msg.startsWith("failed policy: bundles: image\n" + bundledFeature + " signature keyless validation "
                + "failed for authority ci for " + bundledFeature + ": no matching signatures: "), msg);
        assertTrue(msg.contains("refs/heads/feature/new-ui"), msg);
        assertEquals("failed policy: bundles: image\n" + web + " signature keyless validation failed for authority ci "
                + "for " + web + ": no signatures found", e.validate(web, ResourceContext.pod("prod")).toString(),
                "a cosign .sig signature is not a bundle");
    }

    // --- the trust root matters ---------------------------------------------------------------------

    @Test
    void validate_trustRootWithoutTheStackLogKeys_denied() {
        String policy = ciPolicy("release-identity", apps(), "", "");
        TrustedMaterial foreignRekor = new TrustedMaterial("sigstack", "2", trustRoot.caCertificates(),
                trustRoot.ctlogKeys(), List.of(Cosign.ecKey().getPublic()), List.of());
        String msg = engineWith(foreignRekor, policy).validate(web, ResourceContext.pod("prod")).toString();
        assertTrue(msg.contains("rekor bundle is from an unknown transparency log"), msg);
        TrustedMaterial foreignCt = new TrustedMaterial("sigstack", "3", trustRoot.caCertificates(),
                List.of(Cosign.ecKey().getPublic()), trustRoot.tlogKeys(), List.of());
        msg = engineWith(foreignCt, policy).validate(web, ResourceContext.pod("prod")).toString();
        assertTrue(msg.contains("unable to verify SCT"), msg);
    }

    static PolicyEngine engineWith(TrustedMaterial tm, String policy) {
        List<CompiledPolicy> ps = TestPolicies.compile(policy);
        return new PolicyEngine(new RegistryClient(RegistryClient.Options.defaults()), GateConfig::defaults,
                () -> ps, new MapEnvironment().trustRoot(tm, true), Clock.systemUTC(), Duration.ofMinutes(5));
    }

    // --- the whole admission path over TLS ----------------------------------------------------------

    @Test
    void admissionReview_overTls_signedAndAttestedAdmittedOthersDenied() throws Exception {
        String policy = ciPolicy("release", apps(), attestations(SLSA, "cue", """
                predicateType: "https://slsa.dev/provenance/v1"
                predicate: runDetails: builder: id: =~"^https://ci\\\\.git\\\\.internal/runners/"
                """) + attestations(CYCLONEDX, "cue", """
                predicateType: "https://cyclonedx.org/bom"
                predicate: components: [...{name: !="log4j-core"}]
                """).replace("    attestations:\n", ""), "");
        PolicyEngine engine = engine(GateConfig.defaults(), policy);
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        Cluster cluster = new Cluster() {
            @Override
            public java.util.Optional<Map<String, String>> namespaceLabels(String namespace) {
                return java.util.Optional.of(Map.of("policy.sigstore.dev/include", "true"));
            }

            @Override
            public void event(String namespace, String kind, String apiVersion, String name, String uid, String type,
                    String reason, String message) {
                events.add(namespace + "/" + kind + "/" + name + " " + type + " " + reason);
            }
        };
        TestTls tls = new TestTls();
        GateMetrics metrics = new GateMetrics();
        GateSettings settings = new GateSettings(GateSettings.Mutation.OFF, "policy.sigstore.dev/include",
                "sigstack.dev/break-glass", null);
        try (AdmissionServer server = AdmissionServer.start("127.0.0.1", 0, tls.key.getPrivate(), List.of(tls.cert),
                new AdmissionHandler(engine, cluster, settings, metrics), metrics)) {
            HttpClient client = HttpClient.newBuilder().sslContext(tls.clientContext()).build();
            JsonNode ok = admit(client, server, "web", web);
            assertTrue(ok.path("allowed").asBoolean(), ok.toString());
            assertTrue(events.contains("prod/Pod/web Normal PolicyAdmitted"), events.toString());

            JsonNode legacyPod = admit(client, server, "legacy", web, legacy);
            assertFalse(legacyPod.path("allowed").asBoolean());
            assertEquals(403, legacyPod.path("status").path("code").asInt());
            assertEquals("validation failed: failed policy: release: spec.containers[1].image\n" + legacy
                    + " failed evaluating cue policy for sbom: predicate.components.1.name: invalid value "
                    + "\"log4j-core\" (out of bound !=\"log4j-core\")", legacyPod.path("status").path("message")
                    .asText());

            JsonNode unsignedPod = admit(client, server, "tool", unsigned);
            assertFalse(unsignedPod.path("allowed").asBoolean());
            assertEquals("validation failed: failed policy: release: spec.containers[0].image\n" + unsigned
                    + " attestation keyless validation failed for authority ci for " + unsigned
                    + ": no matching attestations: no attestations found", unsignedPod.path("status").path("message")
                    .asText(), "an authority with attestations checks attestations, as policy-controller does");
            assertTrue(events.contains("prod/Pod/tool Warning PolicyDenied"), events.toString());
        }
    }

    static JsonNode admit(HttpClient client, AdmissionServer server, String name, String... images) throws Exception {
        StringBuilder containers = new StringBuilder();
        for (int i = 0; i < images.length; i++) {
            containers.append(i == 0 ? "" : ",").append("{\"name\":\"c").append(i).append("\",\"image\":\"")
                    .append(images[i]).append("\"}");
        }
        String review = """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"uid-%1$s",
                 "kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},
                 "requestKind":{"group":"","version":"v1","kind":"Pod"},"name":"%1$s","namespace":"prod",
                 "operation":"CREATE","userInfo":{"username":"system:serviceaccount:ci:deployer"},
                 "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"%1$s","namespace":"prod"},
                   "spec":{"containers":[%2$s]}},"oldObject":null,"dryRun":false}}
                """.formatted(name, containers);
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port()
                + "/validate")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(review)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode response = Cosign.tree(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)).path("response");
        assertEquals("uid-" + name, response.path("uid").asText());
        return response;
    }
}
