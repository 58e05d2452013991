package dev.sigstack.core.testing;

import dev.sigstack.core.merkle.Rfc6962;
import java.util.List;

/** The RFC 6962 Merkle Tree Hash computed straight from its recursive definition, to check faster code against. */
public final class ReferenceTree {
    private ReferenceTree() {
    }

    /** MTH(D[from:to]) over leaf hashes. */
    public static byte[] root(List<byte[]> leafHashes, int from, int to) {
        int n = to - from;
        if (n == 1) {
            return leafHashes.get(from);
        }
        int k = Integer.highestOneBit(n - 1);
        return Rfc6962.nodeHash(root(leafHashes, from, from + k), root(leafHashes, from + k, to));
    }
}
