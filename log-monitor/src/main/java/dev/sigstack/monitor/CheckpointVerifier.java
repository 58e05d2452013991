package dev.sigstack.monitor;

import dev.sigstack.core.merkle.MerkleProofException;
import dev.sigstack.core.merkle.Proofs;
import dev.sigstack.core.merkle.Rfc6962;
import dev.sigstack.core.note.Checkpoint;
import dev.sigstack.core.note.NoteFormatException;
import dev.sigstack.core.note.NoteVerificationException;
import dev.sigstack.core.note.NoteVerifier;
import dev.sigstack.core.note.SignedNote;
import dev.sigstack.core.tiles.TileHashReader;
import dev.sigstack.core.tiles.TileLayout;
import dev.sigstack.core.tiles.TileSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Verifies checkpoints: the note signature by the log's key, the origin line, and RFC 9162 §2.1.4 consistency
 * with the last verified checkpoint, with the proof computed from the new tree's tiles.
 */
final class CheckpointVerifier {
    private final NoteVerifier verifier;
    private final String origin;

    /**
     * @param verifier the log's note key (for sigstack, {@code NoteKeys.ecdsaVerifier(hostname, key)})
     * @param origin the expected first line of every checkpoint
     */
    CheckpointVerifier(NoteVerifier verifier, String origin) {
        this.verifier = verifier;
        this.origin = origin;
    }

    /** Parses and verifies a served checkpoint note. */
    VerifiedCheckpoint verify(String note) throws LogMisbehaviorException {
        try {
            SignedNote signed = SignedNote.parse(note);
            signed.verify(verifier);
            Checkpoint cp = Checkpoint.parse(signed.text());
            if (!cp.origin().equals(origin)) {
                throw new LogMisbehaviorException(AlertType.BAD_CHECKPOINT,
                        "checkpoint origin is '" + cp.origin() + "', expected '" + origin + "'");
            }
            return new VerifiedCheckpoint(cp.size(), cp.rootHash(), note);
        } catch (NoteFormatException e) {
            throw new LogMisbehaviorException(AlertType.BAD_CHECKPOINT, "checkpoint is malformed: " + e.getMessage(), e);
        } catch (NoteVerificationException e) {
            throw new LogMisbehaviorException(AlertType.BAD_CHECKPOINT,
                    "checkpoint signature does not verify: " + e.getMessage(), e);
        }
    }

    /**
     * Checks that {@code next} extends {@code previous}: not smaller (rollback), the same root at the same size,
     * and a consistency proof built from {@code next}'s tiles that verifies against both roots (fork).
     */
    static void requireConsistent(VerifiedCheckpoint previous, VerifiedCheckpoint next, TileClient tiles)
            throws LogMisbehaviorException, IOException {
        if (next.size() < previous.size()) {
            throw new LogMisbehaviorException(AlertType.ROLLBACK, "checkpoint size went back from "
                    + previous.size() + " to " + next.size());
        }
        if (next.size() == previous.size()) {
            if (!MessageDigest.isEqual(next.rootHash(), previous.rootHash())) {
                throw new LogMisbehaviorException(AlertType.FORK, "two signed checkpoints of size " + next.size()
                        + " with different roots: " + previous.rootHex() + " and " + next.rootHex());
            }
            return;
        }
        if (previous.size() == 0) {
            if (!MessageDigest.isEqual(previous.rootHash(), Rfc6962.emptyRoot())) {
                throw new LogMisbehaviorException(AlertType.FORK, "the empty tree was signed with a non-empty root");
            }
            return;
        }
        List<byte[]> proof;
        try {
            proof = Proofs.consistencyProof(previous.size(), next.size(),
                    new TileHashReader(new CachedTiles(tiles, next.size())));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (IllegalStateException e) {
            throw new LogMisbehaviorException(AlertType.FORK, "tiles of tree " + next.size()
                    + " cannot prove consistency: " + e.getMessage(), e);
        }
        try {
            Proofs.verifyConsistency(previous.size(), next.size(), previous.rootHash(), next.rootHash(), proof);
        } catch (MerkleProofException e) {
            throw new LogMisbehaviorException(AlertType.FORK, "checkpoint " + next.size() + " (" + next.rootHex()
                    + ") is not consistent with checkpoint " + previous.size() + " (" + previous.rootHex() + "): "
                    + e.getMessage(), e);
        }
    }

    /** Tiles of one tree size, each fetched once, at the width that tree has. */
    static final class CachedTiles implements TileSource {
        private final TileClient client;
        private final long treeSize;
        private final Map<String, byte[]> cache = new HashMap<>();

        CachedTiles(TileClient client, long treeSize) {
            this.client = client;
            this.treeSize = treeSize;
        }

        @Override
        public byte[] tile(int level, long index) {
            return cache.computeIfAbsent(level + "/" + index, k -> {
                int width = TileLayout.widthAt(treeSize, level, index);
                if (width == 0) {
                    throw new IllegalStateException("tile " + level + "/" + index + " is beyond tree size " + treeSize);
                }
                try {
                    return client.tile(level, index, width);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
