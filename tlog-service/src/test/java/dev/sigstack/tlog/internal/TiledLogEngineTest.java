package dev.sigstack.tlog.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.merkle.Proofs;
import dev.sigstack.core.merkle.Rfc6962;
import dev.sigstack.core.note.Checkpoint;
import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.core.note.NoteSigner;
import dev.sigstack.core.note.SignedNote;
import dev.sigstack.core.testing.Vectors;
import dev.sigstack.core.tiles.TileLayout;
import dev.sigstack.tlog.DuplicateEntryException;
import dev.sigstack.tlog.LogEngine;
import dev.sigstack.tlog.LogEngine.NewEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The engine on both stores: tessera's golden log byte for byte, proofs, dedup, and concurrent appends. */
final class TiledLogEngineTest {
    private static final List<String> TESSERA = List.of("one", "two", "three", "four", "five", "six", "seven", "eit",
            "nain", "ten", "ileven", "twelf", "threeten", "fourten", "fivten");
    private static final String KEY =
            "PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg";

    @TempDir
    Path tmp;

    private String url(String store) throws Exception {
        return store.equals("h2") ? Databases.h2(tmp) : Databases.postgres();
    }

    private static NewEntry entry(String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        return new NewEntry(data, Rfc6962.leafHash(data), List.of("text:" + text), null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void add_tesseraEntries_reproducesCheckpointsTilesAndBundles(String store) throws Exception {
        Path dir = Vectors.dir("tessera-log");
        NoteSigner signer = NoteKeys.ed25519Signer(KEY);
        try (Engines engines = Engines.open(url(store), 4, "")) {
            LogEngine log = engines.openLog("example.com/log/testdata", signer).engine();
            assertEquals(Files.readString(dir.resolve("checkpoint.0")), log.checkpoint().signedNote());
            for (int i = 0; i < TESSERA.size(); i++) {
                LogEngine.Sequenced s = log.add(entry(TESSERA.get(i)));
                assertEquals(i, s.index());
                LogEngine.PublishedCheckpoint c = log.awaitIntegrated(i, Duration.ofSeconds(10));
                int size = i + 1;
                // integration is batched, so wait for exactly this size when it ran ahead is impossible here:
                // entries are added one at a time and each add waits for its own integration.
                assertEquals(size, c.size());
                assertEquals(Files.readString(dir.resolve("checkpoint." + size)), c.signedNote());
                assertArrayEquals(Files.readAllBytes(dir.resolve(TileLayout.tilePath(0, 0, size))),
                        log.tile(0, 0, size).orElseThrow());
                assertArrayEquals(Files.readAllBytes(dir.resolve(TileLayout.entryBundlePath(0, size))),
                        log.entryBundle(0, size).orElseThrow());
            }
            assertTrue(log.tile(0, 0, 16).isEmpty(), "a tile wider than the tree is not served");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void add_concurrentAppends_everyIndexDurableAndProofsVerify(String store) throws Exception {
        byte[] seed = new byte[32];
        seed[1] = 9;
        NoteSigner signer = NoteKeys.ed25519Signer("log.test", seed);
        int n = 700;
        try (Engines engines = Engines.open(url(store), 8, "")) {
            LogEngine log = engines.openLog("log.test", signer).engine();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<LogEngine.Sequenced>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String text = "entry-" + i;
                futures.add(pool.submit(() -> log.add(entry(text))));
            }
            List<Long> indices = new ArrayList<>();
            for (Future<LogEngine.Sequenced> f : futures) {
                indices.add(f.get().index());
            }
            pool.shutdown();
            assertEquals(n, indices.stream().distinct().count());
            LogEngine.PublishedCheckpoint c = log.awaitIntegrated(n - 1, Duration.ofSeconds(30));
            assertEquals(n, c.size());
            SignedNote.parse(c.signedNote()).verify(NoteKeys.verifier(NoteKeys.ed25519VerifierKey("log.test", seed)));
            assertArrayEquals(c.rootHash(), Checkpoint.parse(SignedNote.parse(c.signedNote()).text()).rootHash());
            for (long i = 0; i < n; i += 37) {
                byte[] leaf = log.entry(i).orElseThrow().leafData();
                Proofs.verifyInclusion(i, n, Rfc6962.leafHash(leaf), log.inclusionProof(i, n), c.rootHash());
            }
            assertThrows(DuplicateEntryException.class, () -> log.add(entry("entry-5")));
            assertEquals(List.of(log.indexOfDedupKey(Rfc6962.leafHash("entry-5".getBytes(StandardCharsets.UTF_8)))
                    .orElseThrow()), log.search("text:entry-5", 10));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void entryBundle_fullAndPartialAcrossIntegrations_holdExactlyTheEntries(String store) throws Exception {
        byte[] seed = new byte[32];
        seed[2] = 5;
        NoteSigner signer = NoteKeys.ed25519Signer("bundles.test", seed);
        try (Engines engines = Engines.open(url(store), 4, "")) {
            LogEngine log = engines.openLog("bundles.test", signer).engine();
            List<byte[]> added = new ArrayList<>();
            int n = 0;
            // integrations end at many different offsets: full bundles are built from stored and new entries
            for (int chunk : new int[] {1, 100, 200, 3, 300, 17, 60}) {
                for (int i = 0; i < chunk; i++, n++) {
                    String text = "bundle entry " + n + " " + "z".repeat(n % 50);
                    log.add(entry(text));
                    added.add(text.getBytes(StandardCharsets.UTF_8));
                }
                long size = log.awaitIntegrated(n - 1, Duration.ofSeconds(10)).size();
                assertEquals(n, size);
                for (long b = 0; b * 256 < size; b++) {
                    int full = (int) Math.min(256, size - b * 256);
                    for (int w : new int[] {1, full / 2 + 1, full}) {
                        List<byte[]> expect = added.subList((int) (b * 256), (int) (b * 256 + w));
                        assertArrayEquals(dev.sigstack.core.tiles.EntryBundle.encode(expect),
                                log.entryBundle(b, w).orElseThrow(), "bundle " + b + " width " + w + " at size " + size);
                    }
                    assertTrue(log.entryBundle(b, full + 1).isEmpty() || full == 256,
                            "a bundle wider than the tree is not served");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void awaitIntegrated_indexNotSequenced_timesOutAndLaterWaitersStillReleased(String store) throws Exception {
        byte[] seed = new byte[32];
        seed[3] = 9;
        NoteSigner signer = NoteKeys.ed25519Signer("waiters.test", seed);
        try (Engines engines = Engines.open(url(store), 4, "")) {
            LogEngine log = engines.openLog("waiters.test", signer).engine();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> log.awaitIntegrated(5, Duration.ofMillis(200)));
            assertTrue(e.getMessage().contains("was not integrated within"), e.getMessage());
            // waiters for different indices, registered before their entries exist, each released by the
            // checkpoint that covers it
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Long>> sizes = new ArrayList<>();
                for (long i = 0; i < 6; i++) {
                    long index = i;
                    sizes.add(ex.submit(() -> log.awaitIntegrated(index, Duration.ofSeconds(20)).size()));
                }
                for (int i = 0; i < 6; i++) {
                    log.add(entry("waited-for " + i));
                }
                for (int i = 0; i < 6; i++) {
                    assertTrue(sizes.get(i).get() > i, "the checkpoint that released waiter " + i + " covers it");
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void open_postgres_poolPlansEachExecutionForItsParameters() throws Exception {
        try (Engines engines = Engines.open(Databases.postgres(), 2, "");
                java.sql.Connection c = engines.dataSource().getConnection();
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SHOW plan_cache_mode")) {
            // a generic plan cached while the log is empty would look up dedup keys by scanning the whole log
            assertTrue(rs.next());
            assertEquals("force_custom_plan", rs.getString(1));
        }
    }
}
