package dev.sigstack.monitor;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A checkpoint whose signature has been verified.
 *
 * @param size the tree size
 * @param rootHash the 32-byte RFC 6962 root
 * @param note the signed note as served
 */
record VerifiedCheckpoint(long size, byte[] rootHash, String note) {
    VerifiedCheckpoint {
        if (size < 0) {
            throw new IllegalArgumentException("tree size must not be negative");
        }
        if (rootHash == null || rootHash.length != 32) {
            throw new IllegalArgumentException("root hash must be 32 bytes");
        }
        rootHash = rootHash.clone();
    }

    @Override
    public byte[] rootHash() {
        return rootHash.clone();
    }

    String rootHex() {
        return HexFormat.of().formatHex(rootHash);
    }

    boolean sameTree(VerifiedCheckpoint o) {
        return size == o.size && Arrays.equals(rootHash, o.rootHash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerifiedCheckpoint c && sameTree(c) && note.equals(c.note);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(size) * 31 + Arrays.hashCode(rootHash);
    }

    @Override
    public String toString() {
        return "VerifiedCheckpoint[" + size + ", " + rootHex() + "]";
    }
}
