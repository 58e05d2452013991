package dev.sigstack.tlog.internal;

import dev.sigstack.core.merkle.Proofs;
import dev.sigstack.core.merkle.Rfc6962;
import dev.sigstack.core.note.Checkpoint;
import dev.sigstack.core.note.NoteFormatException;
import dev.sigstack.core.note.SignedNote;
import dev.sigstack.core.tiles.TileHashReader;
import dev.sigstack.core.tiles.TileLayout;
import dev.sigstack.tlog.LogIntegrityException;
import java.io.IOException;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The start-up check that a log's store still holds everything the log promised, run before the engine serves or
 * sequences anything. It reads O(log n) tiles and at most 256 entries, plus the entries sequenced but not yet
 * integrated (the integration lag), so it costs milliseconds at any log size:
 * <ol>
 *   <li>the stored checkpoint note says the size and root of the stored state row;</li>
 *   <li>the stored tiles give that root at that size (the right-edge tiles; a deleted or shortened tile fails);</li>
 *   <li>the entries reach that size, and the leaf hashes of the entries of the right-edge tile are the tile's
 *       hashes (deleted or altered last rows fail);</li>
 *   <li>every index from the stored size up to the next index holds an entry (sequenced, acknowledged, not yet
 *       integrated);</li>
 *   <li>against {@link PublishedState}, the copy outside the database: the stored tree reaches the newest
 *       published checkpoint with the same root at its size, and the next index is not below the next index
 *       last acknowledged. This catches a store that went back as a whole (rows and state row together: a
 *       restored backup, a lost tail of commits).</li>
 * </ol>
 * Holes inside the log, below the right-edge tile, are not looked for: that is a full audit (the log monitor).
 * Replicas may write while a standby starts; every check reads things that only grow, so a concurrent writer
 * cannot make it fail.
 */
final class IntegrityCheck {
    private IntegrityCheck() {
    }

    /**
     * Runs the check; returns the store's state when it passes.
     *
     * @throws LogIntegrityException when the store holds less than was published or acknowledged
     */
    static JdbcLogStore.State run(JdbcLogStore store, String origin, PublishedState published)
            throws SQLException, IOException {
        JdbcLogStore.State s = store.state(origin).orElseThrow();
        long size = s.integratedSize();
        Roots roots = new Roots(store, origin);
        long entriesReach = store.lastIndex(origin) + 1;

        // 1: the state row against its own signed checkpoint
        Checkpoint stored;
        try {
            stored = Checkpoint.parse(SignedNote.parse(s.checkpoint()).text());
        } catch (NoteFormatException | RuntimeException e) {
            throw new LogIntegrityException(origin, Math.min(size, entriesReach), roots.at(Math.min(size, entriesReach)),
                    size, s.rootHash(), "the stored checkpoint cannot be read");
        }
        if (stored.size() != size || !MessageDigest.isEqual(stored.rootHash(), s.rootHash())) {
            throw new LogIntegrityException(origin, size, s.rootHash(), stored.size(), stored.rootHash(),
                    "the stored checkpoint note and the stored tree state disagree");
        }
        // 2: the tiles against the stored root
        byte[] tileRoot = roots.at(size);
        if (tileRoot == null || !MessageDigest.isEqual(tileRoot, s.rootHash())) {
            throw new LogIntegrityException(origin, size, tileRoot, size, s.rootHash(),
                    tileRoot == null ? "stored tiles are missing" : "the stored tiles give another root");
        }
        // 3: the entries against the tiles
        if (entriesReach < size) {
            throw new LogIntegrityException(origin, entriesReach, roots.at(entriesReach), size, s.rootHash(),
                    "the stored entries stop at index " + (entriesReach - 1));
        }
        if (size > 0) {
            long tile = (size - 1) / TileLayout.WIDTH;
            long first = tile * TileLayout.WIDTH;
            byte[] hashes = store.tile(origin, 0, tile);
            List<byte[]> leaves;
            try {
                leaves = store.leafData(origin, first, size);
            } catch (SQLException e) {
                throw new LogIntegrityException(origin, first, roots.at(first), size, s.rootHash(),
                        "entries of the last tile are missing (" + e.getMessage() + ")");
            }
            for (int i = 0; i < leaves.size(); i++) {
                byte[] h = Rfc6962.leafHash(leaves.get(i));
                if (hashes == null || hashes.length < (i + 1) * TileLayout.HASH_SIZE || !MessageDigest.isEqual(h,
                        java.util.Arrays.copyOfRange(hashes, i * TileLayout.HASH_SIZE, (i + 1) * TileLayout.HASH_SIZE))) {
                    throw new LogIntegrityException(origin, first + i, roots.at(first + i), size, s.rootHash(),
                            "the stored entry at index " + (first + i) + " is not the one in the tree");
                }
            }
        }
        // 4: the sequenced entries not yet integrated
        long sequenced = store.countEntries(origin, size, s.nextIndex());
        if (sequenced != s.nextIndex() - size) {
            throw new LogIntegrityException(origin, size, s.rootHash(), size, s.rootHash(),
                    (s.nextIndex() - size - sequenced) + " of the entries sequenced at indexes " + size + ".."
                            + (s.nextIndex() - 1) + " (acknowledged, not yet in a checkpoint) are missing");
        }
        // 5: against the copy outside the database
        Optional<PublishedState.Promise> promised;
        try {
            promised = published == null ? Optional.empty() : published.read();
        } catch (IOException e) {
            throw new LogIntegrityException(origin, size, s.rootHash(), -1, null, e.getMessage() + " (move it aside"
                    + " only after checking the store against a monitor's or a witness's newest checkpoint)");
        }
        if (promised.isPresent()) {
            PublishedState.Promise p = promised.get();
            if (p.size() > size) {
                throw new LogIntegrityException(origin, size, s.rootHash(), p.size(), p.root(),
                        "the store is behind the checkpoint the log published (recorded in " + published.file() + ")");
            }
            byte[] atPublished = roots.at(p.size());
            if (atPublished == null || !MessageDigest.isEqual(atPublished, p.root())) {
                throw new LogIntegrityException(origin, p.size(), atPublished, p.size(), p.root(),
                        "the stored tree is not the published one at its size (recorded in " + published.file() + ")");
            }
            if (p.acknowledged() > s.nextIndex()) {
                throw new LogIntegrityException(origin, size, s.rootHash(), p.size(), p.root(),
                        "indexes up to " + (p.acknowledged() - 1) + " were acknowledged but the store's next index is "
                                + s.nextIndex() + ", so they would be given out again (recorded in "
                                + published.file() + ")");
            }
        }
        return s;
    }

    /** Roots of the stored tree at any size up to the stored one, from the stored tiles (each read once). */
    private static final class Roots {
        private final Map<Long, byte[]> tiles = new HashMap<>();
        private final JdbcLogStore store;
        private final String origin;

        Roots(JdbcLogStore store, String origin) {
            this.store = store;
            this.origin = origin;
        }

        /** The root at {@code size}, or null when the stored tiles do not hold it. */
        byte[] at(long size) {
            if (size <= 0) {
                return Rfc6962.emptyRoot();
            }
            try {
                return Proofs.root(size, new TileHashReader((level, index) -> tiles.computeIfAbsent(
                        ((long) level << 56) | index, k -> read(level, index))));
            } catch (IllegalStateException e) {
                return null;
            }
        }

        private byte[] read(int level, long index) {
            try {
                byte[] t = store.tile(origin, level, index);
                return t == null ? new byte[0] : t;
            } catch (SQLException e) {
                throw new java.io.UncheckedIOException(new IOException("reading tile " + level + "/" + index, e));
            }
        }
    }
}
