package dev.sigstack.core.merkle;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies and builds RFC 6962 inclusion and consistency proofs.
 *
 * <p>Verification follows RFC 9162 sections 2.1.3.2 and 2.1.4.2 and throws {@link MerkleProofException} on
 * any failure; it never returns false. Generation follows RFC 6962 section 2.1.1 (PATH) and 2.1.2 (PROOF),
 * reading only the O(log n) complete-subtree hashes it needs.
 */
public final class Proofs {
    private Proofs() {
    }

    /** Verifies that {@code leafHash} is at {@code index} in the tree of {@code size} leaves with {@code root}. */
    public static void verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root)
            throws MerkleProofException {
        byte[] computed = rootFromInclusion(index, size, leafHash, proof);
        requireEqual(computed, root, "inclusion proof does not lead to the expected root");
    }

    /** The root that an inclusion proof leads to (RFC 9162 2.1.3.2 steps 1–4). */
    public static byte[] rootFromInclusion(long index, long size, byte[] leafHash, List<byte[]> proof)
            throws MerkleProofException {
        if (index < 0 || size <= 0 || index >= size) {
            throw new MerkleProofException("leaf index " + index + " is not within tree size " + size);
        }
        requireHash(leafHash, "leaf hash");
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            requireHash(p, "proof hash");
            if (sn == 0) {
                throw new MerkleProofException("inclusion proof is longer than the path to the root");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = Rfc6962.nodeHash(p, r);
                if ((fn & 1) == 0) {
                    while (fn != 0 && (fn & 1) == 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                r = Rfc6962.nodeHash(r, p);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new MerkleProofException("inclusion proof is shorter than the path to the root");
        }
        return r;
    }

    /** Verifies that the tree of {@code size1} leaves with {@code root1} is a prefix of the one of {@code size2}. */
    public static void verifyConsistency(long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof)
            throws MerkleProofException {
        if (size1 <= 0) {
            throw new MerkleProofException("a consistency proof from an empty tree is meaningless");
        }
        if (size2 < size1) {
            throw new MerkleProofException("second size " + size2 + " is smaller than first size " + size1);
        }
        if (size1 == size2) {
            if (!proof.isEmpty()) {
                throw new MerkleProofException("consistency proof between equal sizes must be empty");
            }
            requireEqual(root1, root2, "equal tree sizes with different roots");
            return;
        }
        requireHash(root1, "first root");
        if (proof.isEmpty()) {
            throw new MerkleProofException("empty consistency proof between different sizes");
        }
        List<byte[]> path = new ArrayList<>(proof.size() + 1);
        if (Long.bitCount(size1) == 1) {
            path.add(root1); // step 2: a power-of-two first tree is its own seed
        }
        path.addAll(proof);
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1) {
            fn >>>= 1;
            sn >>>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        requireHash(fr, "proof hash");
        for (byte[] c : path.subList(1, path.size())) {
            requireHash(c, "proof hash");
            if (sn == 0) {
                throw new MerkleProofException("consistency proof is longer than the path to the root");
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = Rfc6962.nodeHash(c, fr);
                sr = Rfc6962.nodeHash(c, sr);
                if ((fn & 1) == 0) {
                    while (fn != 0 && (fn & 1) == 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                sr = Rfc6962.nodeHash(sr, c);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new MerkleProofException("consistency proof is shorter than the path to the root");
        }
        requireEqual(fr, root1, "consistency proof does not lead to the first root");
        requireEqual(sr, root2, "consistency proof does not lead to the second root");
    }

    /**
     * Verifies a subtree inclusion proof (draft-davidben-tls-merkle-tree-certs-08 appendix B): the leaf at
     * {@code index} is in the subtree {@code [start, end)} whose hash is {@code subtreeRoot}.
     */
    public static void verifySubtreeInclusion(long index, long start, long end, byte[] leafHash, List<byte[]> proof,
            byte[] subtreeRoot) throws MerkleProofException {
        requireValidSubtree(start, end);
        if (index < start || index >= end) {
            throw new MerkleProofException("leaf index " + index + " is outside subtree [" + start + ", " + end + ")");
        }
        requireHash(leafHash, "leaf hash");
        byte[] computed = rootFromSubtreeConsistency(end - start, index - start, index - start + 1, leafHash, proof);
        requireEqual(computed, subtreeRoot, "subtree inclusion proof does not lead to the subtree root");
    }

    /**
     * Verifies a subtree consistency proof (draft-davidben-tls-merkle-tree-certs-08 appendix B): the subtree
     * {@code [start, end)} with hash {@code subtreeRoot} is part of the tree of {@code size} with {@code root}.
     */
    public static void verifySubtreeConsistency(long start, long end, long size, byte[] subtreeRoot, byte[] root,
            List<byte[]> proof) throws MerkleProofException {
        if (start == end && start >= 0 && end <= size) {
            // The empty subtree is consistent with every tree; its hash is MTH({}) and its proof is empty.
            if (!proof.isEmpty()) {
                throw new MerkleProofException("proof for an empty subtree must be empty");
            }
            requireEqual(subtreeRoot, Rfc6962.emptyRoot(), "empty subtree must have the empty-tree hash");
            return;
        }
        byte[] computed = rootFromSubtreeConsistency(size, start, end, subtreeRoot, proof);
        requireEqual(computed, root, "subtree consistency proof does not lead to the tree root");
    }

    private static byte[] rootFromSubtreeConsistency(long size, long start, long end, byte[] nodeHash,
            List<byte[]> proof) throws MerkleProofException {
        requireValidSubtree(start, end);
        if (size < end) {
            throw new MerkleProofException("subtree end " + end + " is beyond tree size " + size);
        }
        long fn = start;
        long sn = end - 1;
        long tn = size - 1;
        if (sn == tn) {
            while (fn != sn) { // the subtree sits on the tree's right edge: start at its top
                fn >>>= 1;
                sn >>>= 1;
                tn >>>= 1;
            }
        } else {
            while (fn != sn && (sn & 1) == 1) { // the largest full subtree ending at the subtree's right edge
                fn >>>= 1;
                sn >>>= 1;
                tn >>>= 1;
            }
        }
        int next = 0;
        byte[] fr;
        byte[] sr;
        if (fn == sn) {
            fr = nodeHash;
            sr = nodeHash;
        } else {
            if (proof.isEmpty()) {
                throw new MerkleProofException("subtree proof is empty");
            }
            fr = requireHash(proof.get(next), "proof hash");
            sr = fr;
            next++;
        }
        for (; next < proof.size(); next++) {
            byte[] p = requireHash(proof.get(next), "proof hash");
            if (tn == 0) {
                throw new MerkleProofException("subtree proof is longer than the path to the root");
            }
            if ((sn & 1) == 1 || sn == tn) {
                if (fn < sn) {
                    fr = Rfc6962.nodeHash(p, fr);
                }
                sr = Rfc6962.nodeHash(p, sr);
                while ((sn & 1) == 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                    tn >>>= 1;
                }
            } else {
                sr = Rfc6962.nodeHash(sr, p);
            }
            fn >>>= 1;
            sn >>>= 1;
            tn >>>= 1;
        }
        if (tn != 0) {
            throw new MerkleProofException("subtree proof is shorter than the path to the root");
        }
        requireEqual(fr, nodeHash, "subtree proof does not lead to the subtree hash");
        return sr;
    }

    /** A subtree {@code [start, end)} is valid when it is non-empty and start is a multiple of BIT_CEIL(end - start). */
    private static void requireValidSubtree(long start, long end) throws MerkleProofException {
        if (start < 0 || end <= start) {
            throw new MerkleProofException("invalid subtree [" + start + ", " + end + ")");
        }
        long width = end - start;
        long ceil = Long.bitCount(width) == 1 ? width : Long.highestOneBit(width) << 1;
        if (start % ceil != 0) {
            throw new MerkleProofException("subtree [" + start + ", " + end + ") is not aligned");
        }
    }

    /** RFC 6962 PATH(index, D[0:size]): the audit path, lowest level first. */
    public static List<byte[]> inclusionProof(long index, long size, HashReader reader) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf index " + index + " is not within tree size " + size);
        }
        List<byte[]> path = new ArrayList<>();
        collectPath(index, 0, size, reader, path);
        return path;
    }

    private static void collectPath(long m, long start, long end, HashReader reader, List<byte[]> out) {
        long n = end - start;
        if (n == 1) {
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m - start < k) {
            collectPath(m, start, start + k, reader, out);
            out.add(subtreeHash(start + k, end, reader));
        } else {
            collectPath(m, start + k, end, reader, out);
            out.add(subtreeHash(start, start + k, reader));
        }
    }

    /** RFC 6962 PROOF(size1, D[0:size2]). */
    public static List<byte[]> consistencyProof(long size1, long size2, HashReader reader) {
        if (size1 <= 0 || size2 < size1) {
            throw new IllegalArgumentException("no consistency proof from size " + size1 + " to " + size2);
        }
        List<byte[]> out = new ArrayList<>();
        if (size1 == size2) {
            return out;
        }
        collectSubproof(size1, 0, size2, true, reader, out);
        return out;
    }

    private static void collectSubproof(long m, long start, long end, boolean complete, HashReader reader,
            List<byte[]> out) {
        long n = end - start;
        if (m == n) {
            if (!complete) {
                out.add(subtreeHash(start, end, reader));
            }
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            collectSubproof(m, start, start + k, complete, reader, out);
            out.add(subtreeHash(start + k, end, reader));
        } else {
            collectSubproof(m - k, start + k, end, false, reader, out);
            out.add(subtreeHash(start, start + k, reader));
        }
    }

    /** MTH(D[start:end]) for an aligned range, from complete-subtree hashes. */
    public static byte[] subtreeHash(long start, long end, HashReader reader) {
        long n = end - start;
        if (n <= 0) {
            throw new IllegalArgumentException("empty range");
        }
        if (Long.bitCount(n) == 1) {
            int level = Long.numberOfTrailingZeros(n);
            return reader.hash(level, start >>> level);
        }
        long k = largestPowerOfTwoBelow(n);
        return Rfc6962.nodeHash(subtreeHash(start, start + k, reader), subtreeHash(start + k, end, reader));
    }

    /** The root of the tree of {@code size} leaves ({@link Rfc6962#emptyRoot()} for 0). */
    public static byte[] root(long size, HashReader reader) {
        return size == 0 ? Rfc6962.emptyRoot() : subtreeHash(0, size, reader);
    }

    /** The largest power of two strictly smaller than {@code n} (n ≥ 2). */
    static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }

    private static byte[] requireHash(byte[] h, String what) throws MerkleProofException {
        if (h == null || h.length != Rfc6962.HASH_SIZE) {
            throw new MerkleProofException(what + " must be " + Rfc6962.HASH_SIZE + " bytes");
        }
        return h;
    }

    private static void requireEqual(byte[] computed, byte[] expected, String message) throws MerkleProofException {
        if (expected == null || !MessageDigest.isEqual(computed, expected)) {
            throw new MerkleProofException(message);
        }
    }
}
