package dev.sigstack.core.bundle;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.sigstack.core.merkle.MerkleProofException;
import dev.sigstack.core.merkle.Proofs;
import dev.sigstack.core.merkle.Rfc6962;
import dev.sigstack.core.note.Checkpoint;
import dev.sigstack.core.note.NoteFormatException;
import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.core.note.NoteSignature;
import dev.sigstack.core.note.SignedNote;
import dev.sigstack.core.rekor.PublicKeyMaterial;
import dev.sigstack.core.rekor.SignedEntryTimestamp;
import dev.sigstore.proto.common.v1.TimeRange;
import dev.sigstore.proto.rekor.v1.InclusionProof;
import dev.sigstore.proto.rekor.v1.TransparencyLogEntry;
import dev.sigstore.proto.trustroot.v1.TransparencyLogInstance;
import dev.sigstore.proto.trustroot.v1.TrustedRoot;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Verifies the transparency log parts of a bundle against a trusted root, as sigstore clients do: the log is one
 * the root trusts at the entry's time, the SignedEntryTimestamp verifies, the RFC 6962 inclusion proof leads from
 * the body's leaf hash to the proof's root, the checkpoint commits to that root and size and carries the log's
 * signature (as sigstore-go reads it: a Rekor v1 checkpoint, origin {@code "<host> - <tree ID>"}, must carry only
 * signatures with the log ID's first four bytes as key hint; any other checkpoint needs a signature whose name is
 * the log URL's host, without port, and whose key hint is the log ID's first four bytes), and the body
 * describes this bundle's signature and key. It does not check certificates, identities, timestamps or the
 * artifact.
 */
public final class TlogVerifier {
    /** sigstore-go's test for a Rekor v1 checkpoint: the origin ends in " - " and a numeric tree ID. */
    static final java.util.regex.Pattern REKOR_V1_ORIGIN = java.util.regex.Pattern.compile(".* - [0-9]+");
    private final TrustedRoot trustedRoot;

    public TlogVerifier(TrustedRoot trustedRoot) {
        this.trustedRoot = Objects.requireNonNull(trustedRoot, "trustedRoot");
    }

    /** Reads a {@code trusted_root.json} (protobuf JSON). */
    public static TrustedRoot parseTrustedRoot(byte[] json) throws TlogVerificationException.InvalidTrustRoot {
        TrustedRoot.Builder b = TrustedRoot.newBuilder();
        try {
            JsonFormat.parser().merge(new String(json, StandardCharsets.UTF_8), b);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new TlogVerificationException.InvalidTrustRoot("trusted root is not valid JSON: " + e.getMessage());
        }
        return b.build();
    }

    /** {@link #verify(SigstoreBundle, PublicKey)} for a keyless bundle. */
    public List<TransparencyLogEntry> verify(SigstoreBundle bundle) throws TlogVerificationException {
        return verify(bundle, null);
    }

    /**
     * Verifies the bundle's tlog entries; a bundle must have at least one from a trusted log. As sigstore-go does, an
     * entry from a log the trusted root does not name at all is skipped (the trust root cannot verify it); every
     * entry from a trusted log must verify, and at least one must be present.
     *
     * @param managedKey for a bundle signed with a managed key, the key the entry must name; null to skip
     * @return the entries that verified (only these may vouch for a signing time)
     */
    public List<TransparencyLogEntry> verify(SigstoreBundle bundle, PublicKey managedKey)
            throws TlogVerificationException {
        List<TransparencyLogEntry> entries = bundle.bundle().getVerificationMaterial().getTlogEntriesList();
        if (entries.isEmpty()) {
            throw new TlogVerificationException.MissingProof("bundle has no transparency log entry");
        }
        List<TransparencyLogEntry> verified = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (TransparencyLogEntry e : entries) {
            byte[] id = e.getLogId().getKeyId().toByteArray();
            if (trustedRoot.getTlogsList().stream()
                    .noneMatch(t -> Arrays.equals(t.getLogId().getKeyId().toByteArray(), id))) {
                unknown.add(HexFormat.of().formatHex(id));
                continue;
            }
            verifyEntry(e, bundle.minorVersion() == 1);
            EntryConsistency.check(e, bundle.bundle(), managedKey);
            verified.add(e);
        }
        if (verified.isEmpty()) {
            throw new TlogVerificationException.UntrustedLog("no trusted log has ID " + String.join(", ", unknown));
        }
        return List.copyOf(verified);
    }

    /**
     * Verifies one entry's log proofs (not its consistency with a bundle).
     *
     * @param promiseRequired true for v0.1 bundles, which must carry a SignedEntryTimestamp and may omit the
     *     inclusion proof; later versions must carry an inclusion proof with a checkpoint
     */
    public void verifyEntry(TransparencyLogEntry entry, boolean promiseRequired) throws TlogVerificationException {
        if (entry.getLogIndex() < 0) {
            throw new TlogVerificationException.MalformedBundle("log index is negative: " + entry.getLogIndex(), null);
        }
        if (entry.getCanonicalizedBody().isEmpty()) {
            throw new TlogVerificationException.MalformedBundle("entry has no canonicalized body", null);
        }
        byte[] logId = entry.getLogId().getKeyId().toByteArray();
        TransparencyLogInstance log = findLog(logId, entry.getIntegratedTime());
        PublicKey key;
        try {
            key = PublicKeyMaterial.publicKeyFromSpki(log.getPublicKey().getRawBytes().toByteArray());
        } catch (GeneralSecurityException e) {
            throw new TlogVerificationException.InvalidTrustRoot("log key is unusable: " + e.getMessage());
        }
        byte[] body = entry.getCanonicalizedBody().toByteArray();

        if (entry.hasInclusionPromise() && !entry.getInclusionPromise().getSignedEntryTimestamp().isEmpty()) {
            try {
                SignedEntryTimestamp.verify(key, entry.getInclusionPromise().getSignedEntryTimestamp().toByteArray(),
                        body, entry.getIntegratedTime(), logId, entry.getLogIndex());
            } catch (GeneralSecurityException e) {
                throw new TlogVerificationException.InvalidSignedEntryTimestamp(
                        "SignedEntryTimestamp of entry " + entry.getLogIndex() + " does not verify: " + e.getMessage(), e);
            }
        } else if (promiseRequired) {
            throw new TlogVerificationException.MissingProof("entry " + entry.getLogIndex() + " has no inclusion promise");
        }

        if (!entry.hasInclusionProof()) {
            if (promiseRequired) {
                return;
            }
            throw new TlogVerificationException.MissingProof("entry " + entry.getLogIndex() + " has no inclusion proof");
        }
        InclusionProof proof = entry.getInclusionProof();
        List<byte[]> hashes = new ArrayList<>();
        for (ByteString h : proof.getHashesList()) {
            hashes.add(h.toByteArray());
        }
        byte[] root = proof.getRootHash().toByteArray();
        try {
            Proofs.verifyInclusion(proof.getLogIndex(), proof.getTreeSize(), Rfc6962.leafHash(body), hashes, root);
        } catch (MerkleProofException e) {
            throw new TlogVerificationException.InvalidInclusionProof(
                    "inclusion proof of entry " + entry.getLogIndex() + " does not verify: " + e.getMessage());
        }

        if (!proof.hasCheckpoint() || proof.getCheckpoint().getEnvelope().isEmpty()) {
            if (promiseRequired) {
                return;
            }
            throw new TlogVerificationException.MissingProof("entry " + entry.getLogIndex() + " has no checkpoint");
        }
        verifyCheckpoint(proof.getCheckpoint().getEnvelope(), proof.getTreeSize(), root, log, logId, key);
    }

    private TransparencyLogInstance findLog(byte[] logId, long integratedTime) throws TlogVerificationException {
        boolean known = false;
        for (TransparencyLogInstance t : trustedRoot.getTlogsList()) {
            if (!Arrays.equals(t.getLogId().getKeyId().toByteArray(), logId)) {
                continue;
            }
            known = true;
            if (!t.getPublicKey().hasValidFor() || !t.getPublicKey().getValidFor().hasStart()) {
                throw new TlogVerificationException.InvalidTrustRoot(
                        "trusted root gives log " + t.getBaseUrl() + " no start of validity");
            }
            if (integratedTime == 0 || within(t.getPublicKey().getValidFor(), integratedTime)) {
                return t;
            }
        }
        throw new TlogVerificationException.UntrustedLog(known
                ? "entry time " + integratedTime + " is outside the validity of log " + HexFormat.of().formatHex(logId)
                : "no trusted log has ID " + HexFormat.of().formatHex(logId));
    }

    private static boolean within(TimeRange range, long seconds) {
        if (seconds < range.getStart().getSeconds()) {
            return false;
        }
        return !range.hasEnd() || seconds <= range.getEnd().getSeconds();
    }

    private static void verifyCheckpoint(String envelope, long treeSize, byte[] root, TransparencyLogInstance log,
            byte[] logId, PublicKey key) throws TlogVerificationException.InvalidCheckpoint {
        SignedNote note;
        Checkpoint checkpoint;
        try {
            note = SignedNote.parse(envelope);
            checkpoint = Checkpoint.parse(note.text());
        } catch (NoteFormatException e) {
            throw new TlogVerificationException.InvalidCheckpoint("checkpoint is malformed: " + e.getMessage(), e);
        }
        if (checkpoint.size() != treeSize) {
            throw new TlogVerificationException.InvalidCheckpoint(
                    "checkpoint size " + checkpoint.size() + " is not the proof's tree size " + treeSize, null);
        }
        if (!Arrays.equals(checkpoint.rootHash(), root)) {
            throw new TlogVerificationException.InvalidCheckpoint(
                    "checkpoint root hash does not match the inclusion proof's root hash", null);
        }
        int hint = ByteBuffer.wrap(logId, 0, 4).getInt();
        byte[] text = note.text().getBytes(StandardCharsets.UTF_8);
        if (REKOR_V1_ORIGIN.matcher(checkpoint.origin()).matches()) {
            // Rekor v1 ("<host> - <tree ID>"): sigstore-go checks it with Rekor's SignedNote.Verify, where every
            // signature must carry the log's key hint (SHA-256 of its DER key) and verify; the name is not read.
            for (NoteSignature s : note.signatures()) {
                if (s.keyHash() != hint) {
                    throw new TlogVerificationException.InvalidCheckpoint("Rekor v1 checkpoint carries a signature with key hint "
                            + NoteKeys.hex(s.keyHash()) + ", not the log's " + NoteKeys.hex(hint), null);
                }
                if (!verifies(key, text, s.signature())) {
                    throw new TlogVerificationException.InvalidCheckpoint("checkpoint signature does not verify", null);
                }
            }
            return;
        }
        // tlog-tiles (Rekor v2): a signature named after the log URL's host, with the log ID's key hint.
        String host = URI.create(log.getBaseUrl()).getHost();
        boolean candidate = false;
        for (NoteSignature s : note.signatures()) {
            if (!s.name().equals(host) || s.keyHash() != hint) {
                continue;
            }
            candidate = true;
            if (verifies(key, text, s.signature())) {
                return;
            }
        }
        throw new TlogVerificationException.InvalidCheckpoint(candidate
                ? "checkpoint signature by " + host + " does not verify"
                : "checkpoint has no signature by " + host + " with key hint " + NoteKeys.hex(hint), null);
    }

    private static boolean verifies(PublicKey key, byte[] message, byte[] signature) {
        try {
            String alg = switch (key.getAlgorithm()) {
                case "EC" -> "SHA256withECDSA";
                case "RSA" -> "SHA256withRSA";
                default -> "Ed25519";
            };
            Signature s = Signature.getInstance(alg);
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
