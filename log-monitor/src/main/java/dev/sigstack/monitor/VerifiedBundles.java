package dev.sigstack.monitor;

import dev.sigstack.core.merkle.MerkleProofException;
import dev.sigstack.core.merkle.Proofs;
import dev.sigstack.core.merkle.Rfc6962;
import dev.sigstack.core.tiles.EntryBundle;
import dev.sigstack.core.tiles.TileHashReader;
import dev.sigstack.core.tiles.TileLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads entry bundles of one verified tree and proves each against the signed root before handing it out: the
 * bundle's entries are hashed (RFC 6962 leaf hashes) into the subtree {@code [256N, 256N + W)}, and that subtree
 * is proven part of the tree with a subtree consistency proof built from the tree's hash tiles. A log that serves
 * entries other than those it signed is caught here, whatever its tiles say.
 */
final class VerifiedBundles {
    private final TileClient client;
    private final VerifiedCheckpoint tree;
    private final CheckpointVerifier.CachedTiles tiles;

    VerifiedBundles(TileClient client, VerifiedCheckpoint tree) {
        this.client = client;
        this.tree = tree;
        this.tiles = new CheckpointVerifier.CachedTiles(client, tree.size());
    }

    VerifiedCheckpoint tree() {
        return tree;
    }

    /** The entries of bundle {@code n} in this tree, proven against its root. */
    List<byte[]> bundle(long n) throws IOException, LogMisbehaviorException {
        int width = TileLayout.entryBundleWidthAt(tree.size(), n);
        if (width == 0) {
            throw new IllegalArgumentException("bundle " + n + " is beyond tree size " + tree.size());
        }
        List<byte[]> entries;
        try {
            entries = EntryBundle.decode(client.entryBundle(n, width));
        } catch (IllegalArgumentException e) {
            throw new LogMisbehaviorException(AlertType.FORK, "entry bundle " + n + " is malformed: " + e.getMessage(), e);
        }
        if (entries.size() != width) {
            throw new LogMisbehaviorException(AlertType.FORK, "entry bundle " + n + " of width " + width + " holds "
                    + entries.size() + " entries");
        }
        CompactRange subtree = CompactRange.empty();
        for (byte[] e : entries) {
            subtree.append(Rfc6962.leafHash(e));
        }
        long start = n * TileLayout.WIDTH;
        long end = start + width;
        List<byte[]> proof = new ArrayList<>();
        try {
            path(0, tree.size(), start, end, new TileHashReader(tiles), proof);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (IllegalStateException e) {
            throw new LogMisbehaviorException(AlertType.FORK, "tiles of tree " + tree.size()
                    + " cannot prove entry bundle " + n + ": " + e.getMessage(), e);
        }
        try {
            Proofs.verifySubtreeConsistency(start, end, tree.size(), subtree.root(), tree.rootHash(), proof);
        } catch (MerkleProofException e) {
            throw new LogMisbehaviorException(AlertType.FORK, "entries " + start + ".." + (end - 1)
                    + " served by the log are not the ones in signed checkpoint " + tree.size() + " ("
                    + tree.rootHex() + "): " + e.getMessage(), e);
        }
        return entries;
    }

    /**
     * The hashes that lead from the node of {@code [target, targetEnd)} to the root of {@code [lo, hi)}, lowest
     * first: the RFC 6962 audit path above that node. The node is one of the tree's RFC 6962 subtrees because
     * {@code target} is a multiple of 256 and the range is at most 256 wide.
     */
    private static void path(long lo, long hi, long target, long targetEnd, TileHashReader reader, List<byte[]> out) {
        if (lo == target && hi == targetEnd) {
            return;
        }
        long k = Long.highestOneBit(hi - lo - 1);
        if (target < lo + k) {
            path(lo, lo + k, target, targetEnd, reader, out);
            out.add(Proofs.subtreeHash(lo + k, hi, reader));
        } else {
            path(lo + k, hi, target, targetEnd, reader, out);
            out.add(Proofs.subtreeHash(lo, lo + k, reader));
        }
    }
}
