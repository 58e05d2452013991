package dev.sigstack.core.bundle;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.sigstack.core.testing.Vectors;
import dev.sigstore.proto.bundle.v1.Bundle;
import dev.sigstore.proto.rekor.v1.TransparencyLogEntry;
import dev.sigstore.proto.trustroot.v1.TrustedRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** One precise exception per failure, from single changes to a production Rekor v1 bundle that verifies. */
final class TlogVerifierTest {

    private static SigstoreBundle happy() throws Exception {
        Path f = Vectors.dir("sigstore-conformance/bundle-verify").resolve("happy-path-v0.3/bundle.sigstore.json");
        return SigstoreBundle.parse(Files.readAllBytes(f));
    }

    private static TrustedRoot production() throws Exception {
        return TlogVerifier.parseTrustedRoot(Files.readAllBytes(
                Vectors.dir("sigstore-conformance").resolve("production-trusted_root.json")));
    }

    private static SigstoreBundle withEntry(SigstoreBundle b, UnaryOperator<TransparencyLogEntry.Builder> change) {
        Bundle.Builder bb = b.bundle().toBuilder();
        TransparencyLogEntry.Builder e = bb.getVerificationMaterialBuilder().getTlogEntriesBuilder(0);
        bb.getVerificationMaterialBuilder().setTlogEntries(0, change.apply(e.clone()));
        return new SigstoreBundle(bb.build(), b.minorVersion(), b.raw());
    }

    private static <T extends TlogVerificationException> T fails(Class<T> type, SigstoreBundle b, TrustedRoot root) {
        return assertThrows(type, () -> new TlogVerifier(root).verify(b));
    }

    @Test
    void verify_unchanged_passes() throws Exception {
        assertDoesNotThrow(() -> new TlogVerifier(production()).verify(happy()));
    }

    @Test
    void verify_otherIntegratedTime_failsSignedEntryTimestamp() throws Exception {
        var e = fails(TlogVerificationException.InvalidSignedEntryTimestamp.class,
                withEntry(happy(), t -> t.setIntegratedTime(t.getIntegratedTime() + 1)), production());
        assertTrue(e.getMessage().contains("SignedEntryTimestamp"), e.getMessage());
    }

    @Test
    void verify_alteredProofHash_failsInclusionProof() throws Exception {
        fails(TlogVerificationException.InvalidInclusionProof.class, withEntry(happy(), t -> {
            byte[] h = t.getInclusionProof().getHashes(0).toByteArray();
            h[0] ^= 1;
            t.getInclusionProofBuilder().setHashes(0, ByteString.copyFrom(h));
            return t;
        }), production());
    }

    @Test
    void verify_noCheckpointInV03_failsMissingProof() throws Exception {
        fails(TlogVerificationException.MissingProof.class,
                withEntry(happy(), t -> {
                    t.getInclusionProofBuilder().clearCheckpoint();
                    return t;
                }), production());
    }

    @Test
    void verify_checkpointOfOtherSize_failsCheckpoint() throws Exception {
        fails(TlogVerificationException.InvalidCheckpoint.class, withEntry(happy(), t -> {
            String env = t.getInclusionProof().getCheckpoint().getEnvelope();
            String[] lines = env.split("\n", 3);
            t.getInclusionProofBuilder().getCheckpointBuilder()
                    .setEnvelope(lines[0] + "\n" + (Long.parseLong(lines[1]) + 1) + "\n" + lines[2]);
            return t;
        }), production());
    }

    @Test
    void verify_unknownLogId_failsUntrustedLog() throws Exception {
        fails(TlogVerificationException.UntrustedLog.class, withEntry(happy(), t -> {
            t.getLogIdBuilder().setKeyId(ByteString.copyFrom(new byte[32]));
            return t;
        }), production());
    }

    /** The bundle with a second entry: a copy of its entry, changed. */
    private static SigstoreBundle withExtraEntry(SigstoreBundle b, UnaryOperator<TransparencyLogEntry.Builder> change) {
        Bundle.Builder bb = b.bundle().toBuilder();
        TransparencyLogEntry.Builder copy = bb.getVerificationMaterialBuilder().getTlogEntriesBuilder(0).clone();
        bb.getVerificationMaterialBuilder().addTlogEntries(change.apply(copy));
        return new SigstoreBundle(bb.build(), b.minorVersion(), b.raw());
    }

    @Test
    void verify_extraEntryFromAnUnknownLog_isSkippedAndVouchesForNothing() throws Exception {
        // as sigstore-go: an entry the trust root cannot verify is skipped, even with a made-up time
        SigstoreBundle b = withExtraEntry(happy(), t -> {
            t.getLogIdBuilder().setKeyId(ByteString.copyFrom(new byte[32]));
            return t.setIntegratedTime(4_000_000_000L);
        });
        List<TransparencyLogEntry> verified = new TlogVerifier(production()).verify(b);
        assertEquals(1, verified.size());
        assertEquals(happy().bundle().getVerificationMaterial().getTlogEntries(0), verified.get(0));
    }

    @Test
    void verify_extraEntryFromATrustedLogThatFails_stillFails() throws Exception {
        fails(TlogVerificationException.InvalidSignedEntryTimestamp.class,
                withExtraEntry(happy(), t -> t.setIntegratedTime(t.getIntegratedTime() + 1)), production());
    }

    @Test
    void verify_logKeyNotYetValid_failsUntrustedLog() throws Exception {
        TrustedRoot.Builder root = production().toBuilder();
        for (var t : root.getTlogsBuilderList()) {
            t.getPublicKeyBuilder().getValidForBuilder().setStart(Timestamp.newBuilder().setSeconds(4_000_000_000L));
        }
        fails(TlogVerificationException.UntrustedLog.class, happy(), root.build());
    }

    @Test
    void verify_bodyOfAnotherSignature_failsEntryMismatch() throws Exception {
        SigstoreBundle b = happy();
        Bundle.Builder bb = b.bundle().toBuilder();
        byte[] sig = bb.getMessageSignature().getSignature().toByteArray();
        sig[sig.length - 1] ^= 1;
        bb.getMessageSignatureBuilder().setSignature(ByteString.copyFrom(sig));
        fails(TlogVerificationException.EntryMismatch.class, new SigstoreBundle(bb.build(), 3, b.raw()), production());
    }

    @Test
    void verify_noEntries_failsMissingProof() throws Exception {
        SigstoreBundle b = happy();
        Bundle.Builder bb = b.bundle().toBuilder();
        bb.getVerificationMaterialBuilder().clearTlogEntries();
        fails(TlogVerificationException.MissingProof.class, new SigstoreBundle(bb.build(), 3, b.raw()), production());
    }
}
