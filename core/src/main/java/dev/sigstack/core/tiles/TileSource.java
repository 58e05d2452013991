package dev.sigstack.core.tiles;

/** Where tile hashes come from: a store, a cache, or HTTP. */
@FunctionalInterface
public interface TileSource {
    /**
     * The stored hash tile at {@code level} and {@code index}: its bytes are {@code 32 * w} long for some
     * width {@code w}; the caller asks only for hashes that the tree size guarantees are present.
     */
    byte[] tile(int level, long index);
}
