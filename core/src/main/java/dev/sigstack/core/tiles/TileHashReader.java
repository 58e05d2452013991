package dev.sigstack.core.tiles;

import dev.sigstack.core.merkle.HashReader;
import dev.sigstack.core.merkle.Rfc6962;
import java.util.Arrays;

/**
 * Reads any complete-subtree hash from tiles: the node at height {@code h} is the root of {@code 2^(h mod 8)}
 * consecutive hashes of one tile at level {@code h / 8}. Proofs built on this read O(log n) tiles; callers that
 * want each tile fetched once per request wrap the {@link TileSource} in a small cache.
 */
public final class TileHashReader implements HashReader {
    private final TileSource source;

    public TileHashReader(TileSource source) {
        this.source = source;
    }

    @Override
    public byte[] hash(int level, long index) {
        int tileLevel = level / TileLayout.HEIGHT;
        int within = level % TileLayout.HEIGHT;
        long first = index << within; // first node at height 8 * tileLevel
        long count = 1L << within;
        long tileIndex = first / TileLayout.WIDTH;
        int offset = (int) (first % TileLayout.WIDTH);
        byte[] tile = source.tile(tileLevel, tileIndex);
        if (tile == null || tile.length < (offset + count) * TileLayout.HASH_SIZE) {
            throw new IllegalStateException("tile " + tileLevel + "/" + tileIndex + " lacks the hashes of node "
                    + level + "/" + index);
        }
        return perfectRoot(tile, offset, (int) count);
    }

    /** The root of {@code count} (a power of two) consecutive hashes of {@code tile} starting at {@code offset}. */
    private static byte[] perfectRoot(byte[] tile, int offset, int count) {
        byte[][] nodes = new byte[count][];
        for (int i = 0; i < count; i++) {
            int from = (offset + i) * TileLayout.HASH_SIZE;
            nodes[i] = Arrays.copyOfRange(tile, from, from + TileLayout.HASH_SIZE);
        }
        for (int n = count; n > 1; n /= 2) {
            for (int i = 0; i < n / 2; i++) {
                nodes[i] = Rfc6962.nodeHash(nodes[2 * i], nodes[2 * i + 1]);
            }
        }
        return nodes[0];
    }

    /** The root of a full tile's 256 hashes: the node one tile level up. */
    public static byte[] fullTileRoot(byte[] tile) {
        if (tile.length != TileLayout.WIDTH * TileLayout.HASH_SIZE) {
            throw new IllegalArgumentException("not a full tile");
        }
        return perfectRoot(tile, 0, TileLayout.WIDTH);
    }
}
