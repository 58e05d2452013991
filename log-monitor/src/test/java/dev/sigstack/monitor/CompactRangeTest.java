package dev.sigstack.monitor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sigstack.core.merkle.HashReader;
import dev.sigstack.core.merkle.Proofs;
import dev.sigstack.core.merkle.Rfc6962;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compact range agrees with RFC 6962 MTH at every size, and survives a save and restore. */
final class CompactRangeTest {
    @Test
    void root_everySizeUpTo600_equalsRfc6962Root() {
        List<byte[]> leaves = new ArrayList<>();
        CompactRange r = CompactRange.empty();
        assertArrayEquals(Rfc6962.emptyRoot(), r.root());
        for (int i = 0; i < 600; i++) {
            byte[] leaf = Rfc6962.leafHash(("leaf " + i).getBytes(StandardCharsets.UTF_8));
            leaves.add(leaf);
            r.append(leaf);
            assertArrayEquals(Proofs.root(i + 1, leafLevelOnly(leaves)), r.root(), "size " + (i + 1));
            CompactRange restored = CompactRange.restore(r.size(), r.encodeNodes());
            assertArrayEquals(r.root(), restored.root());
            assertEquals(Long.bitCount(i + 1) * 32, r.encodeNodes().length);
        }
    }

    /** Reads any complete subtree by hashing its leaves (slow, independent of the code under test). */
    static HashReader leafLevelOnly(List<byte[]> leaves) {
        return new HashReader() {
            @Override
            public byte[] hash(int level, long index) {
                return mth(leaves.subList((int) (index << level), (int) ((index + 1) << level)));
            }
        };
    }

    static byte[] mth(List<byte[]> l) {
        if (l.size() == 1) {
            return l.get(0);
        }
        int k = Integer.highestOneBit(l.size() - 1);
        return Rfc6962.nodeHash(mth(l.subList(0, k)), mth(l.subList(k, l.size())));
    }

    @Test
    void restore_wrongNodeCount_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> CompactRange.restore(3, new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> CompactRange.restore(-1, new byte[0]));
    }
}
