package dev.sigstack.tlog.internal;

import dev.sigstack.core.tiles.EntryBundle;
import dev.sigstack.core.tiles.TileLayout;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The newest version seen of recently used hash tiles and entry bundles (level -1), bounded in bytes, least
 * recently used out first. A version serves a tree size when it holds the hashes (entries) that size needs:
 * tiles only grow, and a hash once written never changes, so a longer version serves every smaller size. This
 * keeps proofs for new entries (the Rekor v1 write path asks one per entry) and each integration's read of the
 * right-hand tiles off the database.
 */
final class TileCache {
    private final long maxBytes;
    private final LinkedHashMap<Long, byte[]> map = new LinkedHashMap<>(256, 0.75f, true);
    private long bytes;

    TileCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    private static long key(int level, long index) {
        return ((long) (level + 1) << 56) | index;
    }

    /** The cached version when it serves {@code width} hashes (entries for level -1), else null. */
    synchronized byte[] get(int level, long index, int width) {
        byte[] data = map.get(key(level, index));
        return data != null && holds(data, level, width) ? data : null;
    }

    /** Keeps {@code data} unless a longer version is cached. */
    synchronized void offer(int level, long index, byte[] data) {
        long k = key(level, index);
        byte[] had = map.get(k);
        if (had != null && had.length >= data.length) {
            return;
        }
        map.put(k, data);
        bytes += data.length - (had == null ? 0 : had.length);
        Iterator<Map.Entry<Long, byte[]>> it = map.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            bytes -= it.next().getValue().length;
            it.remove();
        }
    }

    static boolean holds(byte[] data, int level, int width) {
        if (level >= 0) {
            return data.length >= width * TileLayout.HASH_SIZE;
        }
        try {
            EntryBundle.prefixLength(data, width);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
