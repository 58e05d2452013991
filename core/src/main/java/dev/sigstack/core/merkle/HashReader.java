package dev.sigstack.core.merkle;

/**
 * Reads the hash of a complete subtree: the node at {@code level} (0 = leaves) and {@code index} on that
 * level covers leaves {@code [index << level, (index + 1) << level)}. Stores answer from tiles.
 */
@FunctionalInterface
public interface HashReader {
    byte[] hash(int level, long index);
}
