package dev.sigstack.monitor;

import dev.sigstack.core.merkle.Rfc6962;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The right edge of an RFC 6962 tree: the roots of its perfect subtrees, largest first (one per set bit of the
 * size). Appending a leaf hash is amortized O(1); the root is the hash of the subtrees folded from the right.
 * The monitor hashes every entry it reads into one of these, so the entries themselves, not the tiles, are
 * checked against each signed root.
 */
final class CompactRange {
    private long size;
    private final List<byte[]> nodes;

    private CompactRange(long size, List<byte[]> nodes) {
        this.size = size;
        this.nodes = nodes;
    }

    static CompactRange empty() {
        return new CompactRange(0, new ArrayList<>());
    }

    /** Restores a range from its size and nodes (as {@link #encodeNodes()} wrote them). */
    static CompactRange restore(long size, byte[] encodedNodes) {
        if (size < 0 || encodedNodes.length != Long.bitCount(size) * Rfc6962.HASH_SIZE) {
            throw new IllegalArgumentException("a compact range of size " + size + " needs " + Long.bitCount(size)
                    + " hashes, got " + encodedNodes.length + " bytes");
        }
        List<byte[]> nodes = new ArrayList<>();
        for (int i = 0; i < encodedNodes.length; i += Rfc6962.HASH_SIZE) {
            nodes.add(Arrays.copyOfRange(encodedNodes, i, i + Rfc6962.HASH_SIZE));
        }
        return new CompactRange(size, nodes);
    }

    long size() {
        return size;
    }

    void append(byte[] leafHash) {
        if (leafHash.length != Rfc6962.HASH_SIZE) {
            throw new IllegalArgumentException("leaf hash must be 32 bytes");
        }
        byte[] h = leafHash;
        // Each trailing one bit of the old size is a perfect subtree that the new leaf completes.
        for (long s = size; (s & 1) == 1; s >>>= 1) {
            h = Rfc6962.nodeHash(nodes.remove(nodes.size() - 1), h);
        }
        nodes.add(h);
        size++;
    }

    /** MTH of the leaves appended so far. */
    byte[] root() {
        if (nodes.isEmpty()) {
            return Rfc6962.emptyRoot();
        }
        byte[] r = nodes.get(nodes.size() - 1);
        for (int i = nodes.size() - 2; i >= 0; i--) {
            r = Rfc6962.nodeHash(nodes.get(i), r);
        }
        return r;
    }

    byte[] encodeNodes() {
        byte[] out = new byte[nodes.size() * Rfc6962.HASH_SIZE];
        for (int i = 0; i < nodes.size(); i++) {
            System.arraycopy(nodes.get(i), 0, out, i * Rfc6962.HASH_SIZE, Rfc6962.HASH_SIZE);
        }
        return out;
    }

    CompactRange copy() {
        return restore(size, encodeNodes());
    }
}
