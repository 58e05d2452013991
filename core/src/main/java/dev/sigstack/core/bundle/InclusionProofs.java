package dev.sigstack.core.bundle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * RFC 9162 section 2.1.3.2 inclusion proof verification over RFC 6962 hashing. A stop-gap until the shared
 * {@code dev.sigstack.core.merkle} package is on this branch.
 */
final class InclusionProofs {

    private InclusionProofs() {
    }

    static byte[] leafHash(byte[] data) {
        return hash((byte) 0, data, null);
    }

    /** Computes the root the proof leads to; throws when the proof's shape does not fit index and size. */
    static byte[] rootFromProof(long index, long size, byte[] leafHash, List<byte[]> proof)
            throws TlogVerificationException.InvalidInclusionProof {
        if (index < 0 || size <= 0 || index >= size) {
            throw new TlogVerificationException.InvalidInclusionProof(
                    "leaf index " + index + " is outside a tree of size " + size);
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (p.length != 32) {
                throw new TlogVerificationException.InvalidInclusionProof("proof hash is not 32 bytes");
            }
            if (sn == 0) {
                throw new TlogVerificationException.InvalidInclusionProof("inclusion proof has too many hashes");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = hash((byte) 1, p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = hash((byte) 1, r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) {
            throw new TlogVerificationException.InvalidInclusionProof("inclusion proof has too few hashes");
        }
        return r;
    }

    static void verify(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root)
            throws TlogVerificationException.InvalidInclusionProof {
        byte[] computed = rootFromProof(index, size, leafHash, proof);
        if (!Arrays.equals(computed, root)) {
            throw new TlogVerificationException.InvalidInclusionProof(
                    "inclusion proof leads to a root other than the one claimed");
        }
    }

    private static byte[] hash(byte prefix, byte[] a, byte[] b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(prefix);
            md.update(a);
            if (b != null) {
                md.update(b);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
