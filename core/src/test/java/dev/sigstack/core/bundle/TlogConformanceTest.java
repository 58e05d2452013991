package dev.sigstack.core.bundle;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.rekor.PublicKeyMaterial;
import dev.sigstack.core.testing.Vectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The transparency-log checks ({@link TlogVerifier}) over sigstore-conformance's {@code bundle-verify} cases, read in
 * place from {@code sigstack.vectors}. Every case that does not end in {@code _fail} must pass. A {@code _fail} case
 * either fails here with the exception type in {@link #TLOG_FAILURES}, or is listed in {@link #OUT_OF_SCOPE} with
 * the non-tlog reason it fails for; those must pass these tlog checks (the full verifier of a later issue rejects
 * them). A new {@code _fail} case that is in neither table fails this test until someone classifies it.
 */
final class TlogConformanceTest {

    /** {@code _fail} cases rejected by the tlog checks, and how. */
    static final Map<String, Class<? extends TlogVerificationException>> TLOG_FAILURES = Map.ofEntries(
            // protobuf JSON refuses the bundle: truncated JSON, a signature that is not base64, an unknown media type
            Map.entry("bundle-malformed-json_fail", TlogVerificationException.MalformedBundle.class),
            Map.entry("bundle-invalid-base64-signature_fail", TlogVerificationException.MalformedBundle.class),
            Map.entry("bundle-unknown-version_fail", TlogVerificationException.MalformedBundle.class),
            Map.entry("bundle-negative-log-index_fail", TlogVerificationException.MalformedBundle.class),
            // the SET covers the body, and these bodies or indices were altered
            Map.entry("bundle-empty-certificate-chain_fail", TlogVerificationException.InvalidSignedEntryTimestamp.class),
            Map.entry("incorrect-public-key_fail", TlogVerificationException.InvalidSignedEntryTimestamp.class),
            Map.entry("checkpoint-wrong-roothash_fail", TlogVerificationException.InvalidCheckpoint.class),
            Map.entry("invalid-checkpoint-signature_fail", TlogVerificationException.InvalidCheckpoint.class),
            Map.entry("rekor2-checkpoint-missing-log-signature_fail", TlogVerificationException.InvalidCheckpoint.class),
            Map.entry("rekor2-checkpoint-missing-origin_fail", TlogVerificationException.InvalidCheckpoint.class),
            Map.entry("rekor2-checkpoint-missing-root-hash_fail", TlogVerificationException.InvalidCheckpoint.class),
            Map.entry("rekor2-checkpoint-missing-size_fail", TlogVerificationException.InvalidCheckpoint.class),
            Map.entry("rekor2-checkpoint-no-matching-signature_fail", TlogVerificationException.InvalidCheckpoint.class),
            Map.entry("invalid-inclusion-proof_fail", TlogVerificationException.InvalidInclusionProof.class),
            Map.entry("intoto-missing-inclusion-proof_fail", TlogVerificationException.MissingProof.class),
            Map.entry("rekor2-no-inclusion-proof_fail", TlogVerificationException.MissingProof.class),
            Map.entry("trust-root-tlog-missing-validity-start_fail", TlogVerificationException.InvalidTrustRoot.class),
            // the logged body describes another signature, envelope or key than the bundle's
            Map.entry("dsse-invalid-sig_fail", TlogVerificationException.EntryMismatch.class),
            Map.entry("dsse-mismatch-envelope_fail", TlogVerificationException.EntryMismatch.class),
            Map.entry("intoto-log-entry-mismatch_fail", TlogVerificationException.EntryMismatch.class),
            Map.entry("rekor2-dsse-invalid-sig_fail", TlogVerificationException.EntryMismatch.class),
            Map.entry("rekor2-dsse-mismatch-envelope_fail", TlogVerificationException.EntryMismatch.class),
            Map.entry("rekor2-dsse-mismatch-sig_fail", TlogVerificationException.EntryMismatch.class),
            Map.entry("wrong-hashedrekord-artifact_fail", TlogVerificationException.EntryMismatch.class),
            Map.entry("wrong-hashedrekord-cert-and-sig_fail", TlogVerificationException.EntryMismatch.class),
            Map.entry("managed-key-wrong-key_fail", TlogVerificationException.EntryMismatch.class),
            // The RFC 3161 timestamp's base64 has line breaks, which Go's decoder skips and protobuf-java's refuses;
            // the case's own reason (timestamp outside the certificate's life) is a timestamp check.
            Map.entry("rekor2-timestamp-with-incorrect-time_fail", TlogVerificationException.MalformedBundle.class));

    /** {@code _fail} cases whose reason is not a tlog check: their tlog parts verify. */
    static final Map<String, String> OUT_OF_SCOPE = Map.of(
            "intoto-expired-certificate_fail", "certificate validity against the trusted root",
            "intoto-tsa-timestamp-outside-cert-validity_fail", "RFC 3161 timestamp against the certificate's life",
            "managed-key-no-key_fail", "verification policy: a key-signed bundle needs a key",
            "rekor2-no-timestamp_fail", "Rekor v2 entries need an RFC 3161 timestamp (no integrated time)",
            "rekor2-timestamp-outside-trust-root-tsa-validity_fail", "TSA validity in the trusted root",
            "rekor2-timestamp-outside-tsa-cert-validity_fail", "TSA certificate validity",
            "rekor2-timestamp-payload-mismatch_fail", "RFC 3161 message imprint against the signature",
            "rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail", "TSA trust",
            "wrong-material_fail", "artifact digest against the signed digest");

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
    void verify_conformanceCase_matchesExpectation(String name) throws Exception {
        Path dir = Vectors.dir("sigstore-conformance/bundle-verify").resolve(name);
        if (name.endsWith("_fail") && TLOG_FAILURES.containsKey(name)) {
            TlogVerificationException e = assertThrows(TlogVerificationException.class, () -> run(dir));
            assertTrue(TLOG_FAILURES.get(name).isInstance(e),
                    name + " failed as " + e.getClass().getSimpleName() + " (" + e.getMessage() + "), expected "
                            + TLOG_FAILURES.get(name).getSimpleName());
        } else {
            assertFalse(name.endsWith("_fail") && !OUT_OF_SCOPE.containsKey(name),
                    name + " is a _fail case that is not classified as tlog or out of scope");
            assertDoesNotThrow(() -> run(dir), name + " must pass the tlog checks");
        }
    }

    @Test
    void tables_nameOnlyExistingFailCases() throws IOException {
        Path dir = Vectors.dir("sigstore-conformance/bundle-verify");
        for (String name : TLOG_FAILURES.keySet()) {
            assertTrue(Files.isDirectory(dir.resolve(name)), "no case " + name);
        }
        for (String name : OUT_OF_SCOPE.keySet()) {
            assertTrue(Files.isDirectory(dir.resolve(name)), "no case " + name);
        }
    }

    private static void run(Path dir) throws Exception {
        Path trusted = Files.exists(dir.resolve("trusted_root.json")) ? dir.resolve("trusted_root.json")
                : dir.getParent().getParent().resolve("production-trusted_root.json");
        PublicKey managedKey = Files.exists(dir.resolve("key.pub"))
                ? PublicKeyMaterial.parsePem(Files.readAllBytes(dir.resolve("key.pub"))).publicKey() : null;
        TlogVerifier verifier = new TlogVerifier(TlogVerifier.parseTrustedRoot(Files.readAllBytes(trusted)));
        verifier.verify(SigstoreBundle.parse(Files.readAllBytes(dir.resolve("bundle.sigstore.json"))), managedKey);
    }
}
