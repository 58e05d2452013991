package dev.sigstack.core.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import dev.sigstack.core.testing.ReferenceTree;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Proofs built from complete-subtree hashes verify, and match a reference tree computed the slow way. */
final class ProofsTest {


    private static List<byte[]> leaves(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Rfc6962.leafHash(("leaf " + i).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    private static HashReader reader(List<byte[]> leaves) {
        return (level, index) -> {
            int from = (int) (index << level);
            return ReferenceTree.root(leaves, from, from + (1 << level));
        };
    }

    @Test
    void inclusionAndConsistency_generatedForSizesUpTo70_verify() {
        List<byte[]> all = leaves(70);
        HashReader r = reader(all);
        for (int size = 1; size <= 70; size++) {
            byte[] root = ReferenceTree.root(all, 0, size);
            assertArrayEquals(root, Proofs.root(size, r));
            for (int i = 0; i < size; i++) {
                long index = i;
                long treeSize = size;
                List<byte[]> proof = Proofs.inclusionProof(index, treeSize, r);
                assertDoesNotThrow(() -> Proofs.verifyInclusion(index, treeSize, all.get((int) index), proof, root));
            }
            for (int first = 1; first <= size; first++) {
                long m = first;
                long n = size;
                byte[] root1 = ReferenceTree.root(all, 0, first);
                List<byte[]> proof = Proofs.consistencyProof(m, n, r);
                assertDoesNotThrow(() -> Proofs.verifyConsistency(m, n, root1, root, proof), m + "->" + n);
            }
        }
    }

    @Test
    void verifyInclusion_wrongLeaf_throws() {
        List<byte[]> all = leaves(9);
        HashReader r = reader(all);
        byte[] root = ReferenceTree.root(all, 0, 9);
        List<byte[]> proof = Proofs.inclusionProof(3, 9, r);
        assertThrows(MerkleProofException.class, () -> Proofs.verifyInclusion(3, 9, all.get(4), proof, root));
        assertThrows(MerkleProofException.class, () -> Proofs.verifyInclusion(9, 9, all.get(3), proof, root));
    }

    @Test
    void emptyRoot_isSha256OfNothing() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                HexFormat.of().formatHex(Rfc6962.emptyRoot()));
    }
}
