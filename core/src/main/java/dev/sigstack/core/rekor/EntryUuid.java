package dev.sigstack.core.rekor;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Rekor's entry ID ({@code pkg/sharding}): the 16-hex-digit tree ID followed by the 64-hex-digit RFC 6962 leaf
 * hash. Lookups also accept the bare 64-hex UUID.
 *
 * @param treeId the tree ID, if the ID named one
 * @param leafHash the 32-byte leaf hash
 */
public record EntryUuid(Optional<Long> treeId, byte[] leafHash) {
    public EntryUuid {
        if (leafHash == null || leafHash.length != 32) {
            throw new IllegalArgumentException("leaf hash must be 32 bytes");
        }
        leafHash = leafHash.clone();
    }

    @Override
    public byte[] leafHash() {
        return leafHash.clone();
    }

    /** The 80-hex entry ID for {@code treeId} and {@code leafHash}. */
    public static String format(long treeId, byte[] leafHash) {
        if (leafHash.length != 32) {
            throw new IllegalArgumentException("leaf hash must be 32 bytes");
        }
        return HexFormat.of().toHexDigits(treeId) + HexFormat.of().formatHex(leafHash); // 16 digits, as %016x
    }

    /**
     * Parses an 80-hex entry ID or a 64-hex UUID.
     *
     * @throws IllegalArgumentException with Rekor's message when it is neither
     */
    public static EntryUuid parse(String id) {
        if (id == null || !(id.length() == 64 || id.length() == 80) || !id.chars().allMatch(EntryUuid::isHex)) {
            throw new IllegalArgumentException("UUID must be a 64-character hexadecimal string");
        }
        String lower = id.toLowerCase(Locale.ROOT);
        if (lower.length() == 64) {
            return new EntryUuid(Optional.empty(), HexFormat.of().parseHex(lower));
        }
        long tree = Long.parseUnsignedLong(lower.substring(0, 16), 16);
        return new EntryUuid(Optional.of(tree), HexFormat.of().parseHex(lower.substring(16)));
    }

    private static boolean isHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EntryUuid u && treeId.equals(u.treeId) && java.util.Arrays.equals(leafHash, u.leafHash);
    }

    @Override
    public int hashCode() {
        return 31 * treeId.hashCode() + java.util.Arrays.hashCode(leafHash);
    }

    @Override
    public String toString() {
        return treeId.map(t -> format(t, leafHash)).orElse(HexFormat.of().formatHex(leafHash));
    }
}
