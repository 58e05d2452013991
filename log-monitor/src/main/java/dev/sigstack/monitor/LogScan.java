package dev.sigstack.monitor;

import dev.sigstack.core.tiles.TileLayout;
import java.io.IOException;
import java.util.List;

/** Reads a range of a verified tree, bundle by bundle, each proven against the tree's root. */
final class LogScan {
    /** Receives each entry. */
    @FunctionalInterface
    interface EntryVisitor {
        /** @return false to stop the scan */
        boolean visit(long index, byte[] body);
    }

    private LogScan() {
    }

    /** Visits entries {@code [from, to)} of {@code tree} (to is capped at its size). */
    static void scan(TileClient client, VerifiedCheckpoint tree, long from, long to, EntryVisitor visitor)
            throws IOException, LogMisbehaviorException {
        if (from < 0 || from > to) {
            throw new IllegalArgumentException("range must satisfy 0 <= from <= to, got " + from + ".." + to);
        }
        long end = Math.min(to, tree.size());
        VerifiedBundles bundles = new VerifiedBundles(client, tree);
        for (long i = from; i < end; ) {
            long n = i / TileLayout.WIDTH;
            List<byte[]> b = bundles.bundle(n);
            for (int j = (int) (i % TileLayout.WIDTH); j < b.size() && i < end; j++, i++) {
                if (!visitor.visit(i, b.get(j))) {
                    return;
                }
            }
        }
    }
}
