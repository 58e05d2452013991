package dev.sigstack.core.tiles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sigstack.core.merkle.Rfc6962;
import dev.sigstack.core.note.Checkpoint;
import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.core.note.NoteSigner;
import dev.sigstack.core.note.SignedNote;
import dev.sigstack.core.testing.Vectors;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * transparency-dev/tessera testdata/log (../shared/vectors/tessera-log): appending the 15 entries one at a time
 * with the given Ed25519 key reproduces every checkpoint.N, partial tile and entry bundle byte for byte.
 */
final class TesseraLogTest {
    static final List<String> ENTRIES = List.of("one", "two", "three", "four", "five", "six", "seven", "eit",
            "nain", "ten", "ileven", "twelf", "threeten", "fourten", "fivten");
    static final String PRIVATE_KEY =
            "PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg";
    static final String VERIFIER_KEY =
            "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx";

    @Test
    void integrate_fifteenEntries_reproducesEveryFileByteForByte() throws Exception {
        Path dir = Vectors.dir("tessera-log");
        NoteSigner signer = NoteKeys.ed25519Signer(PRIVATE_KEY);
        Map<TileIntegrator.TileKey, byte[]> tiles = new HashMap<>();
        ByteArrayOutputStream bundle = new ByteArrayOutputStream();
        long size = 0;
        assertCheckpoint(dir, signer, 0, Rfc6962.emptyRoot());
        for (String e : ENTRIES) {
            byte[] data = e.getBytes(StandardCharsets.UTF_8);
            TileIntegrator.Result r = TileIntegrator.integrate(size, List.of(Rfc6962.leafHash(data)),
                    (l, i) -> tiles.get(new TileIntegrator.TileKey(l, i)));
            tiles.putAll(r.tiles());
            EntryBundle.appendEntry(bundle, data);
            size = r.size();
            int width = (int) size;
            assertArrayEquals(Files.readAllBytes(dir.resolve(TileLayout.tilePath(0, 0, width))),
                    tiles.get(new TileIntegrator.TileKey(0, 0)), "tile at size " + size);
            assertArrayEquals(Files.readAllBytes(dir.resolve(TileLayout.entryBundlePath(0, width))),
                    bundle.toByteArray(), "entry bundle at size " + size);
            assertCheckpoint(dir, signer, size, r.root());
        }
        assertEquals(Files.readString(dir.resolve("checkpoint")), Files.readString(dir.resolve("checkpoint.15")));
    }

    private static void assertCheckpoint(Path dir, NoteSigner signer, long size, byte[] root) throws Exception {
        String text = new Checkpoint("example.com/log/testdata", size, root).text();
        String note = SignedNote.sign(text, List.of(signer)).marshal();
        assertEquals(Files.readString(dir.resolve("checkpoint." + size)), note, "checkpoint." + size);
        SignedNote.parse(note).verify(NoteKeys.verifier(VERIFIER_KEY));
    }
}
