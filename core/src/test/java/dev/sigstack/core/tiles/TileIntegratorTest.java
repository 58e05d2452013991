package dev.sigstack.core.tiles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import dev.sigstack.core.merkle.HashReader;
import dev.sigstack.core.merkle.Proofs;
import dev.sigstack.core.merkle.Rfc6962;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import dev.sigstack.core.testing.ReferenceTree;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Integrating in chunks of any size gives the same tiles and roots as the RFC 6962 definition. */
final class TileIntegratorTest {


    @ParameterizedTest
    @ValueSource(ints = {1, 7, 255, 256, 300, 1000})
    void integrate_chunked_matchesReferenceRootsAndProofs(int chunk) {
        int total = 66_000 / (chunk == 1 ? 60 : 1);
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            leaves.add(Rfc6962.leafHash(("e" + i).getBytes(StandardCharsets.UTF_8)));
        }
        Map<TileIntegrator.TileKey, byte[]> tiles = new HashMap<>();
        TileSource src = (l, i) -> tiles.get(new TileIntegrator.TileKey(l, i));
        long size = 0;
        long nextCheck = 1;
        while (size < total) {
            int to = (int) Math.min(total, size + chunk);
            TileIntegrator.Result r = TileIntegrator.integrate(size, leaves.subList((int) size, to), src);
            tiles.putAll(r.tiles());
            size = r.size();
            if (size >= nextCheck || size == total) {
                assertArrayEquals(ReferenceTree.root(leaves, 0, (int) size), r.root(), "root at size " + size);
                nextCheck = size * 3 + 1; // a dozen sizes spread over every tile level
            }
        }
        HashReader reader = new TileHashReader(src);
        byte[] root = ReferenceTree.root(leaves, 0, total);
        for (long i = 0; i < total; i += 4099) {
            long index = i;
            List<byte[]> proof = Proofs.inclusionProof(index, total, reader);
            assertDoesNotThrow(() -> Proofs.verifyInclusion(index, total, leaves.get((int) index), proof, root));
        }
    }
}
