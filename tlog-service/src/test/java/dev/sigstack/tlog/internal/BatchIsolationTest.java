package dev.sigstack.tlog.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.merkle.Rfc6962;
import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.tlog.LogEngine;
import dev.sigstack.tlog.LogEngine.NewEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One hostile entry never harms another: entries the store refuses are answered with an error alone, while the
 * honest entries sequenced in the same batch are all committed; hostile index keys are bounded before they reach
 * the batch transaction.
 */
final class BatchIsolationTest {
    @TempDir
    Path tmp;

    private String url(String store) throws SQLException {
        return store.equals("h2") ? Databases.h2(tmp) : Databases.postgres();
    }

    private static NewEntry honest(int i) {
        byte[] data = ("honest-" + i).getBytes(StandardCharsets.UTF_8);
        return new NewEntry(data, Rfc6962.leafHash(data), List.of("honest:" + i), null);
    }

    /**
     * An entry every store refuses inside the batch transaction: its dedup key is null, and the column is NOT NULL
     * (SQLSTATE 23502). It stands for anything in an entry a store may refuse that no bound caught.
     */
    private static NewEntry refusedByTheStore(int i) {
        return new NewEntry(("hostile-" + i).getBytes(StandardCharsets.UTF_8), null, List.of("hostile:" + i), null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void add_entriesTheStoreRefusesAmongHonestOnes_onlyTheyFail(String store) throws Exception {
        int honest = 400;
        int hostile = 8;
        try (Engines engines = Engines.open(url(store), 8, "")) {
            LogEngine log = engines.openLog("isolation.test", NoteKeys.ed25519Signer("isolation.test", new byte[32]))
                    .engine();
            ExecutorService pool = Executors.newFixedThreadPool(32);
            List<Future<LogEngine.Sequenced>> good = new ArrayList<>();
            List<Future<LogEngine.Sequenced>> bad = new ArrayList<>();
            try {
                for (int i = 0; i < honest; i++) {
                    NewEntry e = honest(i);
                    good.add(pool.submit(() -> log.add(e)));
                    if (i % (honest / hostile) == 0) { // spread among the honest ones: they share batches
                        NewEntry h = refusedByTheStore(i);
                        bad.add(pool.submit(() -> log.add(h)));
                    }
                }
                Set<Long> indices = new HashSet<>();
                long max = -1;
                for (int i = 0; i < honest; i++) {
                    LogEngine.Sequenced s = good.get(i).get(); // an honest entry that failed throws here
                    assertTrue(indices.add(s.index()), "index " + s.index() + " assigned twice");
                    max = Math.max(max, s.index());
                    assertArrayEquals(honest(i).leafData(), log.entry(s.index()).orElseThrow().leafData());
                    assertEquals(List.of(s.index()), log.search("honest:" + i, 10));
                }
                assertEquals(honest, indices.size());
                assertEquals(honest - 1, max, "no index skipped or taken by a refused entry");
                for (Future<LogEngine.Sequenced> f : bad) {
                    ExecutionException e = assertThrows(ExecutionException.class, f::get);
                    assertTrue(e.getCause() instanceof IllegalStateException, e.toString());
                }
                for (int i = 0; i < honest; i += honest / hostile) {
                    assertEquals(List.of(), log.search("hostile:" + i, 10), "a refused entry left index keys");
                }
                assertEquals(honest, log.awaitIntegrated(honest - 1, Duration.ofSeconds(30)).size());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void add_hostileIndexKeys_boundedEntryLoggedWithHonestOnes(String store) throws Exception {
        String longKey = "san:" + "a".repeat(LogEngine.MAX_INDEX_KEY_CHARS); // one char over the bound
        String atBound = "san:" + "b".repeat(LogEngine.MAX_INDEX_KEY_CHARS - 4);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            many.add("sha256:" + i);
        }
        List<String> keys = new ArrayList<>(List.of(longKey, "nul:\u0000x", "", atBound));
        keys.addAll(many);
        byte[] data = "hostile keys".getBytes(StandardCharsets.UTF_8);
        NewEntry hostile = new NewEntry(data, Rfc6962.leafHash(data), keys, null);
        assertEquals(LogEngine.MAX_INDEX_KEYS, hostile.indexKeys().size());
        assertEquals(atBound, hostile.indexKeys().get(0));
        try (Engines engines = Engines.open(url(store), 8, "")) {
            LogEngine log = engines.openLog("keys.test", NoteKeys.ed25519Signer("keys.test", new byte[32])).engine();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<LogEngine.Sequenced>> good = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    NewEntry e = honest(i);
                    good.add(pool.submit(() -> log.add(e)));
                    if (i == 50) {
                        good.add(pool.submit(() -> log.add(hostile)));
                    }
                }
                List<Long> indices = new ArrayList<>();
                for (Future<LogEngine.Sequenced> f : good) {
                    indices.add(f.get().index());
                }
                long hostileIndex = indices.get(51);
                assertEquals(101, new HashSet<>(indices).size());
                assertEquals(List.of(hostileIndex), log.search(atBound, 10));
                assertEquals(List.of(hostileIndex), log.search("sha256:0", 10));
                assertEquals(List.of(hostileIndex), log.search("sha256:" + (LogEngine.MAX_INDEX_KEYS - 2), 10));
                assertEquals(List.of(), log.search("sha256:" + (LogEngine.MAX_INDEX_KEYS - 1), 10),
                        "keys past the bound are not indexed");
                assertEquals(List.of(), log.search(longKey, 10));
                assertFalse(log.entry(hostileIndex).isEmpty());
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
