package dev.sigstack.core.verify;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.bundle.TlogVerificationException;
import dev.sigstack.core.rekor.PublicKeyMaterial;
import dev.sigstack.core.testing.Vectors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link BundleVerifier} over every case of sigstore-conformance's {@code bundle-verify}, read in place. The
 * expected verdict comes from the name ({@code _fail} must fail, every other case must pass) and the folder
 * README's defaults (artifact {@code ../a.txt}, the beacon workflow identity and GitHub's issuer, the production
 * trusted root, {@code key.pub} for managed keys). Each {@code _fail} case must also fail for its stated reason:
 * {@link #EXPECTED_FAILURES} names the exception (and for tlog failures the tlog exception). A new case that is
 * not in the table fails {@link #table_coversEveryFailCaseAndNothingElse} until someone classifies it.
 *
 * <p>Known deviations (our verdict equals upstream's on every case; these are the cases whose reason differs):
 * <ul>
 *   <li>{@code rekor2-timestamp-with-incorrect-time_fail}: its RFC 3161 timestamp's base64 has line breaks, which
 *       protobuf-java's JSON parser refuses (as sigstore-java does), while Go and Node skip them. It therefore
 *       fails as a malformed bundle; {@link #incorrectTimeCase_withoutLineBreaks_failsForItsOwnReason} removes the
 *       line breaks and shows it then fails for its stated reason (timestamp outside the certificate's life).</li>
 *   <li>{@code intoto-expired-certificate_fail} says the certificate was issued outside the CA's validity in the
 *       trusted root; the certificate is also not valid at the log's integrated time, which is checked first.</li>
 * </ul>
 */
final class BundleVerifierConformanceTest {
    static final String DEFAULT_IDENTITY = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon"
            + "/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    static final String DEFAULT_ISSUER = "https://token.actions.githubusercontent.com";

    private record Expected(Class<? extends BundleVerificationException> type,
            Class<? extends TlogVerificationException> tlog) {
    }

    private static Expected fails(Class<? extends BundleVerificationException> type) {
        return new Expected(type, null);
    }

    private static Expected tlog(Class<? extends TlogVerificationException> tlog) {
        return new Expected(BundleVerificationException.TransparencyLogFailure.class, tlog);
    }

    /** Every {@code _fail} case and how it must fail. */
    static final Map<String, Expected> EXPECTED_FAILURES = Map.ofEntries(
            Map.entry("bundle-empty-certificate-chain_fail", fails(BundleVerificationException.MalformedBundle.class)),
            Map.entry("bundle-invalid-base64-signature_fail", fails(BundleVerificationException.MalformedBundle.class)),
            Map.entry("bundle-malformed-json_fail", fails(BundleVerificationException.MalformedBundle.class)),
            Map.entry("bundle-unknown-version_fail", fails(BundleVerificationException.MalformedBundle.class)),
            Map.entry("bundle-negative-log-index_fail", tlog(TlogVerificationException.MalformedBundle.class)),
            Map.entry("checkpoint-wrong-roothash_fail", tlog(TlogVerificationException.InvalidCheckpoint.class)),
            Map.entry("dsse-invalid-sig_fail", tlog(TlogVerificationException.EntryMismatch.class)),
            Map.entry("dsse-mismatch-envelope_fail", tlog(TlogVerificationException.EntryMismatch.class)),
            Map.entry("incorrect-public-key_fail", tlog(TlogVerificationException.InvalidSignedEntryTimestamp.class)),
            Map.entry("intoto-expired-certificate_fail",
                    fails(BundleVerificationException.CertificateNotValidAtSigningTime.class)),
            Map.entry("intoto-log-entry-mismatch_fail", tlog(TlogVerificationException.EntryMismatch.class)),
            Map.entry("intoto-missing-inclusion-proof_fail", tlog(TlogVerificationException.MissingProof.class)),
            Map.entry("intoto-tsa-timestamp-outside-cert-validity_fail",
                    fails(BundleVerificationException.CertificateNotValidAtSigningTime.class)),
            Map.entry("invalid-checkpoint-signature_fail", tlog(TlogVerificationException.InvalidCheckpoint.class)),
            Map.entry("invalid-inclusion-proof_fail", tlog(TlogVerificationException.InvalidInclusionProof.class)),
            Map.entry("managed-key-no-key_fail", fails(BundleVerificationException.WrongVerificationMaterial.class)),
            Map.entry("managed-key-wrong-key_fail", tlog(TlogVerificationException.EntryMismatch.class)),
            Map.entry("rekor2-checkpoint-missing-log-signature_fail", tlog(TlogVerificationException.InvalidCheckpoint.class)),
            Map.entry("rekor2-checkpoint-missing-origin_fail", tlog(TlogVerificationException.InvalidCheckpoint.class)),
            Map.entry("rekor2-checkpoint-missing-root-hash_fail", tlog(TlogVerificationException.InvalidCheckpoint.class)),
            Map.entry("rekor2-checkpoint-missing-size_fail", tlog(TlogVerificationException.InvalidCheckpoint.class)),
            Map.entry("rekor2-checkpoint-no-matching-signature_fail", tlog(TlogVerificationException.InvalidCheckpoint.class)),
            Map.entry("rekor2-dsse-invalid-sig_fail", tlog(TlogVerificationException.EntryMismatch.class)),
            Map.entry("rekor2-dsse-mismatch-envelope_fail", tlog(TlogVerificationException.EntryMismatch.class)),
            Map.entry("rekor2-dsse-mismatch-sig_fail", tlog(TlogVerificationException.EntryMismatch.class)),
            Map.entry("rekor2-no-inclusion-proof_fail", tlog(TlogVerificationException.MissingProof.class)),
            Map.entry("rekor2-no-timestamp_fail", fails(BundleVerificationException.MissingTimestamp.class)),
            Map.entry("rekor2-timestamp-outside-trust-root-tsa-validity_fail",
                    fails(BundleVerificationException.InvalidTimestamp.class)),
            Map.entry("rekor2-timestamp-outside-tsa-cert-validity_fail", fails(BundleVerificationException.InvalidTimestamp.class)),
            Map.entry("rekor2-timestamp-payload-mismatch_fail", fails(BundleVerificationException.InvalidTimestamp.class)),
            Map.entry("rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail",
                    fails(BundleVerificationException.InvalidTimestamp.class)),
            // see the class comment: line-broken base64
            Map.entry("rekor2-timestamp-with-incorrect-time_fail", fails(BundleVerificationException.MalformedBundle.class)),
            Map.entry("trust-root-tlog-missing-validity-start_fail", tlog(TlogVerificationException.InvalidTrustRoot.class)),
            Map.entry("wrong-hashedrekord-artifact_fail", tlog(TlogVerificationException.EntryMismatch.class)),
            Map.entry("wrong-hashedrekord-cert-and-sig_fail", tlog(TlogVerificationException.EntryMismatch.class)),
            Map.entry("wrong-material_fail", fails(BundleVerificationException.ArtifactMismatch.class)));

    static Stream<Arguments> cases() throws IOException {
        Path dir = Vectors.dirOrNull("sigstore-conformance/bundle-verify");
        if (dir == null) {
            return Stream.of(Arguments.of("(vectors absent)"));
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted()
                    .map(Arguments::of).toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void verify_conformanceCase_givesExpectedVerdict(String name) throws Exception {
        Path dir = Vectors.dir("sigstore-conformance/bundle-verify").resolve(name);
        if (!name.endsWith("_fail")) {
            assertDoesNotThrow(() -> run(dir, Files.readAllBytes(dir.resolve("bundle.sigstore.json"))),
                    name + " must verify");
            return;
        }
        Expected expected = EXPECTED_FAILURES.get(name);
        assertTrue(expected != null, name + " is a _fail case missing from EXPECTED_FAILURES");
        BundleVerificationException e = assertThrows(BundleVerificationException.class,
                () -> run(dir, Files.readAllBytes(dir.resolve("bundle.sigstore.json"))));
        assertEquals(expected.type(), e.getClass(), name + ": " + e.getMessage());
        if (expected.tlog() != null) {
            assertEquals(expected.tlog(), ((BundleVerificationException.TransparencyLogFailure) e).tlogFailure().getClass(),
                    name + ": " + e.getMessage());
        }
    }

    @Test
    void table_coversEveryFailCaseAndNothingElse() throws IOException {
        Path dir = Vectors.dir("sigstore-conformance/bundle-verify");
        try (Stream<Path> s = Files.list(dir)) {
            for (String name : s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList()) {
                assertEquals(name.endsWith("_fail"), EXPECTED_FAILURES.containsKey(name), name);
            }
        }
        for (String name : EXPECTED_FAILURES.keySet()) {
            assertTrue(Files.isDirectory(dir.resolve(name)), "no case " + name);
        }
    }

    @Test
    void incorrectTimeCase_withoutLineBreaks_failsForItsOwnReason() throws Exception {
        Path dir = Vectors.dir("sigstore-conformance/bundle-verify").resolve("rekor2-timestamp-with-incorrect-time_fail");
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Files.readAllBytes(dir.resolve("bundle.sigstore.json")));
        var stamp = (com.fasterxml.jackson.databind.node.ObjectNode) root.path("verificationMaterial")
                .path("timestampVerificationData").path("rfc3161Timestamps").path(0);
        String base64 = stamp.path("signedTimestamp").asText();
        assertTrue(base64.contains("\n"), "the case's base64 no longer has line breaks; drop the deviation");
        stamp.put("signedTimestamp", base64.replace("\n", ""));
        byte[] fixed = root.toString().getBytes(StandardCharsets.UTF_8);
        BundleVerificationException.CertificateNotValidAtSigningTime e = assertThrows(
                BundleVerificationException.CertificateNotValidAtSigningTime.class, () -> run(dir, fixed));
        assertTrue(e.signingTime().isAfter(e.notAfter()), e.getMessage());
    }

    @Test
    void happyPath_result_reportsIdentityAndTimes() throws Exception {
        Path dir = Vectors.dir("sigstore-conformance/bundle-verify").resolve("happy-path-v0.3");
        VerificationResult r = run(dir, Files.readAllBytes(dir.resolve("bundle.sigstore.json")));
        assertEquals(DEFAULT_IDENTITY, r.identity().san().value());
        assertEquals(DEFAULT_ISSUER, r.identity().issuer());
        assertFalse(r.signingTimes().isEmpty());
        assertEquals(1, r.tlogEntries());
    }

    static VerificationResult run(Path dir, byte[] bundle) throws Exception {
        Path art = Files.exists(dir.resolve("artifact")) ? dir.resolve("artifact") : dir.getParent().resolve("a.txt");
        return verifier(dir).verify(bundle, Artifact.read(art), policy(dir));
    }

    static BundleVerifier verifier(Path dir) throws Exception {
        Path trusted = Files.exists(dir.resolve("trusted_root.json")) ? dir.resolve("trusted_root.json")
                : dir.getParent().getParent().resolve("production-trusted_root.json");
        return BundleVerifier.of(BundleVerifier.parseTrustedRoot(Files.readAllBytes(trusted)));
    }

    static VerificationPolicy policy(Path dir) throws Exception {
        if (Files.exists(dir.resolve("key.pub"))) {
            return VerificationPolicy.key(PublicKeyMaterial.parsePem(Files.readAllBytes(dir.resolve("key.pub"))).publicKey());
        }
        String id = Files.exists(dir.resolve("identity")) ? Files.readString(dir.resolve("identity")).strip() : DEFAULT_IDENTITY;
        String iss = Files.exists(dir.resolve("issuer")) ? Files.readString(dir.resolve("issuer")).strip() : DEFAULT_ISSUER;
        return VerificationPolicy.identity(id, iss);
    }
}
