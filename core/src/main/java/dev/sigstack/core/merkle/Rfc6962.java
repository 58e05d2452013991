package dev.sigstack.core.merkle;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;

/** RFC 6962 section 2.1 hashes: {@code leaf = SHA-256(0x00 || data)}, {@code node = SHA-256(0x01 || l || r)}. */
public final class Rfc6962 {
    /** Length of every hash in the tree, in bytes. */
    public static final int HASH_SIZE = 32;

    @SuppressWarnings("deprecation") // SHA-256 is what RFC 6962 names; Guava marks nothing here as weak
    private static final HashFunction SHA256 = Hashing.sha256();

    private static final byte[] EMPTY_ROOT = SHA256.hashBytes(new byte[0]).asBytes();

    private Rfc6962() {
    }

    /** MTH({}) = SHA-256() for the empty tree. */
    public static byte[] emptyRoot() {
        return EMPTY_ROOT.clone();
    }

    /** The hash of one leaf's data. */
    public static byte[] leafHash(byte[] data) {
        return SHA256.newHasher(data.length + 1).putByte((byte) 0).putBytes(data).hash().asBytes();
    }

    /** The hash of an interior node from its children. */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        return SHA256.newHasher(1 + 2 * HASH_SIZE).putByte((byte) 1).putBytes(left).putBytes(right).hash().asBytes();
    }
}
