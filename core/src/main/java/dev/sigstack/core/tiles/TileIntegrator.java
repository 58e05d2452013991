package dev.sigstack.core.tiles;

import dev.sigstack.core.merkle.Proofs;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Integrates a batch of leaf hashes into the tiles of a tree: appends them to level-0 tiles, and whenever a
 * tile fills up, appends its root to the tile one level up. It is pure: it reads the tree's existing partial
 * tiles from a {@link TileSource} and returns every tile that changed, with its new contents.
 */
public final class TileIntegrator {
    private TileIntegrator() {
    }

    /** A tile's coordinates. */
    public record TileKey(int level, long index) { }

    /**
     * The result of one integration: the tiles that changed (each holds all its hashes so far) and the new
     * tree's size and root.
     */
    public record Result(long size, byte[] root, Map<TileKey, byte[]> tiles) { }

    /** Appends {@code leafHashes} to the tree of {@code fromSize} leaves whose tiles {@code existing} holds. */
    public static Result integrate(long fromSize, List<byte[]> leafHashes, TileSource existing) {
        Map<TileKey, byte[]> changed = new LinkedHashMap<>();
        long size = fromSize;
        for (byte[] leafHash : leafHashes) {
            if (leafHash.length != TileLayout.HASH_SIZE) {
                throw new IllegalArgumentException("leaf hashes must be 32 bytes");
            }
            append(0, size, leafHash, fromSize, existing, changed);
            size++;
        }
        long newSize = size;
        TileSource merged = (level, index) -> {
            byte[] t = changed.get(new TileKey(level, index));
            return t != null ? t : existing.tile(level, index);
        };
        byte[] root = Proofs.root(newSize, new TileHashReader(merged));
        return new Result(newSize, root, changed);
    }

    /** Appends the node with position {@code position} at tile level {@code level}. */
    private static void append(int level, long position, byte[] hash, long fromSize, TileSource existing,
            Map<TileKey, byte[]> changed) {
        long tileIndex = position / TileLayout.WIDTH;
        int slot = (int) (position % TileLayout.WIDTH);
        TileKey key = new TileKey(level, tileIndex);
        byte[] tile = changed.get(key);
        if (tile == null) {
            int had = TileLayout.widthAt(fromSize, level, tileIndex);
            if (had != slot) {
                throw new IllegalStateException("tile " + level + "/" + tileIndex + " had " + had
                        + " hashes, expected " + slot);
            }
            tile = had == 0 ? new byte[0] : Arrays.copyOf(existing.tile(level, tileIndex), had * TileLayout.HASH_SIZE);
        }
        if (tile.length != slot * TileLayout.HASH_SIZE) {
            throw new IllegalStateException("tile " + level + "/" + tileIndex + " is out of step");
        }
        byte[] grown = Arrays.copyOf(tile, tile.length + TileLayout.HASH_SIZE);
        System.arraycopy(hash, 0, grown, tile.length, TileLayout.HASH_SIZE);
        changed.put(key, grown);
        if (slot == TileLayout.WIDTH - 1) {
            append(level + 1, tileIndex, TileHashReader.fullTileRoot(grown), fromSize, existing, changed);
        }
    }
}
