package dev.sigstack.tlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.merkle.HashReader;
import dev.sigstack.core.merkle.MerkleProofException;
import dev.sigstack.core.merkle.Proofs;
import dev.sigstack.core.merkle.Rfc6962;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Checks a log over HTTP against what its clients saw: acknowledged entries and published checkpoints. */
public final class LogAudit {
    private LogAudit() {
    }

    /**
     * Every acknowledged entry is in the tree of {@code head} at its acknowledged index, byte for byte (from the
     * entry bundles), and its inclusion proof (from the hash tiles) verifies against the signed root; no two
     * acknowledgements share an index.
     */
    public static void assertAcknowledgedEntriesPresent(LogClient log, List<AppendLoad.Ack> acks, LogClient.SeenCheckpoint head)
            throws IOException, InterruptedException, MerkleProofException {
        Map<Long, AppendLoad.Ack> byIndex = new HashMap<>();
        for (AppendLoad.Ack a : acks) {
            AppendLoad.Ack other = byIndex.put(a.index(), a);
            assertTrue(other == null, "two acknowledged entries at index " + a.index());
            assertTrue(a.index() < head.size(), "acknowledged index " + a.index() + " beyond size " + head.size());
        }
        List<byte[]> entries = log.entries(head.size());
        assertEquals(head.size(), entries.size(), "entry bundles hold as many entries as the tree");
        HashReader reader = log.hashReader(head.size());
        for (AppendLoad.Ack a : acks) {
            byte[] stored = entries.get((int) a.index());
            assertArrayEquals(a.leaf(), stored, "entry at index " + a.index() + " differs from what was acknowledged");
            Proofs.verifyInclusion(a.index(), head.size(), Rfc6962.leafHash(a.leaf()),
                    Proofs.inclusionProof(a.index(), head.size(), reader), head.root());
        }
    }

    /**
     * Checkpoints of equal size have equal roots, and a consistency proof (built from the hash tiles of
     * {@code head}) verifies between every pair of distinct sizes, {@code head} included. Returns the number of
     * pairs checked.
     */
    public static long assertAllConsistent(LogClient log, List<LogClient.SeenCheckpoint> seen, LogClient.SeenCheckpoint head)
            throws MerkleProofException {
        TreeMap<Long, byte[]> roots = new TreeMap<>();
        List<LogClient.SeenCheckpoint> all = new ArrayList<>(seen);
        all.add(head);
        for (LogClient.SeenCheckpoint c : all) {
            assertTrue(c.size() <= head.size(), "a checkpoint of size " + c.size() + " is beyond the head " + head.size());
            byte[] had = roots.putIfAbsent(c.size(), c.root());
            assertTrue(had == null || Arrays.equals(had, c.root()),
                    "two checkpoints of size " + c.size() + " have different roots (fork)");
        }
        HashReader reader = log.hashReader(head.size());
        List<Map.Entry<Long, byte[]>> sizes = new ArrayList<>(roots.entrySet());
        long pairs = 0;
        for (int i = 0; i < sizes.size(); i++) {
            long s1 = sizes.get(i).getKey();
            if (s1 == 0) {
                assertArrayEquals(Rfc6962.emptyRoot(), sizes.get(i).getValue(), "root of the empty tree");
                continue;
            }
            for (int j = i + 1; j < sizes.size(); j++) {
                long s2 = sizes.get(j).getKey();
                Proofs.verifyConsistency(s1, s2, sizes.get(i).getValue(), sizes.get(j).getValue(),
                        Proofs.consistencyProof(s1, s2, reader));
                pairs++;
            }
        }
        return pairs;
    }
}
